import DoudiField
import DoudiModel
import DoudiSync
import DoudiSynthetic
import Foundation

/// The server under load: `devices` village laptops (one per village of the synthetic
/// district, each with its own account) record their households offline, then all sync at
/// once — the district server taking every village's sync on the same morning.
struct LoadFigures {
    var devices = 0
    var changeSets = 0
    var changes = 0
    var wall = 0.0
    var latencies: [Double] = []
    var serverCPU = 0.0
    var serverMemory = 0.0
}

func runLoadBench(devices: Int, householdsPerDevice: Int) async throws -> LoadFigures {
    var f = LoadFigures(devices: devices)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-load-bench-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }

    let policy = try shippedPolicy()
    let shape = DistrictShape(towns: (devices + 15) / 16, villagesPerTown: 16, householdsPerVillage: householdsPerDevice, seed: 2020)
    let district = SyntheticDistrict(shape, policy: policy)
    let villages = Array(district.villages.prefix(devices))
    let server = try ServerProcess(directory: dir, units: district.orgUnits, users: villages.map { ("c\($0)", .collector, $0) })
    defer { server.stop() }

    // each laptop records its village offline (not timed) and logs in
    var clients: [SyncClient] = []
    for village in villages {
        let store = FieldStore(database: try .open(path: dir.appendingPathComponent("\(village).sqlite").path), now: nowMillis)
        try store.setUp(DeviceSetup(name: "村笔记本", user: "c\(village)", role: .collector, org: village), deviceID: "dev-\(village)")
        var actions: [FieldAction] = []
        for h in district.households(of: village) {
            actions.append(.registerHousehold(h.household, members: h.members))
            actions.append(.recordSurvey(h.survey))
            actions += h.visits.map { .recordVisit($0) }
        }
        for r in try store.performEach(actions) { if case .failure(let e) = r { throw e } }
        let pending = try store.outbox(states: [.pending])
        f.changeSets += pending.count
        f.changes += pending.reduce(0) { $0 + $1.changeSet.changes.count }
        var client = SyncClient(store: store)
        client.configuration.pushBatch = 500
        try await client.login(server: server.url, user: "c\(village)", password: "bench-password")
        clients.append(client)
    }

    // all at once
    let cpuBefore = cpuSeconds(pid: server.pid)
    let start = DispatchTime.now().uptimeNanoseconds
    f.latencies = try await withThrowingTaskGroup(of: Double.self) { group in
        for client in clients {
            group.addTask {
                let report = try await client.sync()
                guard report.rejected.isEmpty else { throw BenchError("the server rejected \(report.rejected.count) change sets: \(report.rejected[0].message)") }
                return report.seconds.pushWait
            }
        }
        var out: [Double] = []
        for try await x in group { out.append(x) }
        return out
    }
    f.wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    f.serverCPU = cpuSeconds(pid: server.pid) - cpuBefore
    f.serverMemory = server.peakMemory ?? 0
    return f
}

func loadSection(_ f: LoadFigures) -> String {
    """
    ## Server apply under load

    \(f.devices) village laptops, one account and one device each, record \(f.changeSets) change sets (\(f.changes) changes:
    households with members, surveys, visits) offline, then all run `doudi sync` at once against one `doudi-server`.
    Latency is each laptop's wait for its push answers (the server queues pushes: SQLite has one writer).

    | what | measured | target |
    |---|---|---|
    | changes applied per second | \(rate(f.changes, f.wall)) (\(f.changeSets) change sets in \(String(format: "%.1f s", f.wall))) | ≥ 20,000/s |
    | push latency per laptop, p50 / p99 | \(String(format: "%.2f s / %.2f s", percentile(f.latencies, 0.5), percentile(f.latencies, 0.99))) | p99 < 1 s |
    | server CPU for the whole load | \(String(format: "%.1f s", f.serverCPU)) (\(String(format: "%.0f µs", f.serverCPU / Double(max(f.changes, 1)) * 1e6)) per change) | — |
    | server peak memory | \(String(format: "%.0f MiB", f.serverMemory)) | — |
    """
}
