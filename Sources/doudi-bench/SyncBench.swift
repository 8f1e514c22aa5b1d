import DoudiField
import DoudiModel
import DoudiSync
import DoudiSynthetic
import Foundation
import GRDB

// The sync bench: a synthetic scope pushed to the real doudi-server over loopback, a new
// laptop's initial sync of the whole scope, and an incremental sync of 1,000 edits, each
// beside raw SQLite inserting the same rows.

/// A doudi-server process on 127.0.0.1 with its own temporary config and database.
final class ServerProcess {
    let process = Process()
    let port: Int

    /// Starts a server knowing `units` and the bench's `users` (name, role, org), password `bench-password`,
    /// on `database` (a SQLite file in `directory` by default, or a PostgreSQL URL).
    init(directory: URL, units: [OrgUnit], users: [(String, Role, OrgCode)], database: String = "server.sqlite") throws {
        let fm = FileManager.default
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("doudi-server")
        guard fm.fileExists(atPath: binary.path) else {
            throw BenchError("doudi-server is not built next to doudi-bench: run `swift build -c release --product doudi-server` first")
        }
        let policy = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("ServerConfig/policy").path
        let unitLines = units.map { #"{ "code": "\#($0.code)", "name": "\#($0.name)", "kind": "\#($0.kind ?? "")", "population": \#($0.population ?? 0) }"# }
        try "{ \"units\": [\n\(unitLines.joined(separator: ",\n"))\n] }".write(to: directory.appendingPathComponent("org-units.json"), atomically: true, encoding: .utf8)
        let userLines = users.map { #"{ "name": "\#($0.0)", "role": "\#($0.1.rawValue)", "org": "\#($0.2)", "initialPassword": "bench-password" }"# }
        try "{ \"users\": [\n\(userLines.joined(separator: ",\n"))\n] }".write(to: directory.appendingPathComponent("users.json"), atomically: true, encoding: .utf8)
        try """
            { "http": { "host": "127.0.0.1", "port": 0, "maxBodyBytes": 67108864 },
              "database": { "path": "\(database)" },
              "auth": { "tokenLifetimeSeconds": 86400, "pbkdf2Rounds": 1000 },
              "sync": { "defaultPullLimit": 2000, "maxPullLimit": 10000, "defaultPullBytes": 8388608, "maxPullBytes": 16777216,
                        "maxChangeSetsPerPush": 5000, "maxClockDriftSeconds": 300 },
              "bootstrap": { "orgUnits": "org-units.json", "users": "users.json", "policies": "\(policy)" },
              "logLevel": "error" }
            """.write(to: directory.appendingPathComponent("server.json"), atomically: true, encoding: .utf8)
        process.executableURL = binary
        process.arguments = ["--config", directory.appendingPathComponent("server.json").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("doudi-server exited before listening") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.split(separator: "\n").first.flatMap({ $0.split(separator: ":").last }).flatMap({ Int($0) }) else {
            throw BenchError("cannot read the port from: \(text)")
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var pid: String { String(process.processIdentifier) }
    var peakMemory: Double? { peakMemoryMiB(pid: pid) }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// One scope's sync figures.
struct SyncFigures {
    var label: String
    var households = 0
    var records = 0
    var changeSets = 0
    var push = SyncClient.Report()
    var pushTime = 0.0
    var serverCPU = 0.0
    var initial = SyncClient.Report()
    var initialTime = 0.0
    var rawTime = 0.0
    var incremental = SyncClient.Report()
    var incrementalTime = 0.0
    var rawIncrementalTime = 0.0
    var editPushTime = 0.0
    var serverMemory = 0.0
    var clientMemory = 0.0
    /// A new laptop filled by one reply bundle; 1,000 edits carried as a bundle (BundleBench).
    var bundleInitial = BundleRound()
    var bundleEdits = BundleRound()
    /// The same pages fetched by URLSession and by libcurl directly (TransportBench).
    var transport = TransportFigures()
}

/// Records every household of `shape` on a district office laptop, pushes it to the real
/// server (server apply), then measures a new laptop's initial sync of the whole scope and an
/// incremental sync of 1,000 edits, each beside raw SQLite inserting the same rows.
func runSyncBench(shape: DistrictShape, label: String) async throws -> SyncFigures {
    var f = SyncFigures(label: label)
    let edits = 1_000
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-sync-bench-\(getpid())-\(label)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }

    let policy = try shippedPolicy()
    let district = SyntheticDistrict(shape, policy: policy)
    let server = try ServerProcess(directory: dir, units: district.orgUnits, users: [("bench.district", .districtOfficer, shape.district)])
    defer { server.stop() }

    // the district office's laptop records the scope (not timed): households, surveys, visits, applications
    let office = FieldStore(database: try .open(path: dir.appendingPathComponent("office.sqlite").path), keys: .random(), now: nowMillis)
    try office.setUp(DeviceSetup(name: "区办公室", user: "bench.district", role: .districtOfficer, org: shape.district), deviceID: "dev-office")
    var memberIDs: [UUID] = []
    var batch: [FieldAction] = []
    for village in district.villages {
        for h in district.households(of: village) {
            f.households += 1
            memberIDs += h.members.map(\.id)
            batch.append(.registerHousehold(h.household, members: h.members))
            batch.append(.recordSurvey(h.survey))
            batch += h.visits.map { .recordVisit($0) }
            for a in h.applications { batch.append(.draftApplication(a)) }
        }
        if batch.count >= 4_000 || village == district.villages.last {
            for r in try office.performEach(batch) { if case .failure(let e) = r { throw e } }
            batch.removeAll()
        }
    }
    var officeClient = SyncClient(store: office)
    officeClient.configuration.pushBatch = 2_000
    try await officeClient.login(server: server.url, user: "bench.district", password: "bench-password")
    let serverCPUBefore = cpuSeconds(pid: server.pid)
    f.pushTime = try await seconds { f.push = try await officeClient.sync() }
    f.serverCPU = cpuSeconds(pid: server.pid) - serverCPUBefore
    f.changeSets = f.push.pushed
    f.records = f.push.pulledRecords

    // a new laptop: initial sync of the whole scope
    let laptop = FieldStore(database: try .open(path: dir.appendingPathComponent("laptop.sqlite").path), keys: .random(), now: nowMillis)
    try laptop.setUp(DeviceSetup(name: "新笔记本", user: "bench.district", role: .districtOfficer, org: shape.district), deviceID: "dev-laptop")
    var laptopClient = SyncClient(store: laptop)
    laptopClient.configuration.pullLimit = 5_000
    laptopClient.configuration.pullMaxBytes = 8 * 1_048_576
    try await laptopClient.login(server: server.url, user: "bench.district", password: "bench-password")
    let memoryBefore = peakMemoryMiB() ?? 0
    f.initialTime = try await seconds { f.initial = try await laptopClient.sync() }
    f.clientMemory = max(0, (peakMemoryMiB() ?? 0) - memoryBefore)
    f.records = f.initial.pulledRecords
    if let token = try laptop.loginToken() {
        f.transport = try await measureTransports(server: server.url, token: token, limit: laptopClient.configuration.pullLimit,
                                                  maxBytes: laptopClient.configuration.pullMaxBytes)
    }

    // incremental: 1,000 member edits on the office laptop, pushed, pulled by the new laptop
    var rng = SplitMix(seed: 99)
    var editBatch: [FieldAction] = []
    for k in 0..<min(edits, memberIDs.count) {
        let id = memberIDs[Int(rng.next() % UInt64(memberIDs.count))]
        guard var m = try office.member(id) else { continue }
        m.employment = k % 2 == 0 ? .unemployed : .farming
        m.labourCapacity = m.labourCapacity == .full ? .partial : .full
        editBatch.append(.editMember(m))
    }
    _ = try office.performEach(editBatch)
    f.editPushTime = try await seconds { _ = try await officeClient.sync() }
    f.incrementalTime = try await seconds { f.incremental = try await laptopClient.sync() }

    // bundles: a new laptop filled by a reply instead of an initial sync; 1,000 edits carried instead of pushed
    let carried = FieldStore(database: try .open(path: dir.appendingPathComponent("carried.sqlite").path), keys: .random(), now: nowMillis)
    try carried.setUp(DeviceSetup(name: "无网笔记本", user: "bench.district", role: .districtOfficer, org: shape.district), deviceID: "dev-carried")
    try await SyncClient(store: carried).login(server: server.url, user: "bench.district", password: "bench-password")
    f.bundleInitial = try await carryBundle(from: carried, through: officeClient)
    editBatch = []
    for k in 0..<min(edits, memberIDs.count) {
        let id = memberIDs[Int(rng.next() % UInt64(memberIDs.count))]
        guard var m = try office.member(id) else { continue }
        m.employment = k % 2 == 0 ? .farming : .unemployed
        m.labourCapacity = m.labourCapacity == .full ? .partial : .full
        editBatch.append(.editMember(m))
    }
    _ = try office.performEach(editBatch)
    f.bundleEdits = try await carryBundle(from: office, through: officeClient)

    // raw SQLite: the same records (as JSON rows), one prepared statement, one transaction; the
    // rows are the office laptop's history (it recorded the scope; the new laptop keeps no
    // history of what it only received)
    let pulled = f.initial.pulledRecords
    let rows: [(String, String, String)] = try await office.database.writer.read { db in
        try Row.fetchAll(db, sql: #"SELECT entity, record, "values" FROM history WHERE seq <= ? ORDER BY seq"#, arguments: [pulled])
            .map { ($0["entity"], $0["record"], $0["values"]) }
    }
    let raw = try DatabasePool(path: dir.appendingPathComponent("raw.sqlite").path)
    try await raw.write { db in try db.execute(sql: "CREATE TABLE record(entity TEXT NOT NULL, id TEXT NOT NULL, fields TEXT NOT NULL)") }
    f.rawTime = try await seconds {
        try await raw.write { db in
            let st = try db.makeStatement(sql: "INSERT INTO record(entity, id, fields) VALUES (?, ?, ?)")
            for r in rows { try st.execute(arguments: [r.0, r.1, r.2]) }
        }
    }
    let rawIncremental = Array(rows.prefix(f.incremental.pulledRecords))
    try await raw.write { db in try db.execute(sql: "DELETE FROM record") }
    f.rawIncrementalTime = try await seconds {
        try await raw.write { db in
            let st = try db.makeStatement(sql: "INSERT INTO record(entity, id, fields) VALUES (?, ?, ?)")
            for r in rawIncremental { try st.execute(arguments: [r.0, r.1, r.2]) }
        }
    }
    f.serverMemory = server.peakMemory ?? 0
    return f
}

/// The sync section of BENCHMARKS.md: one row per scope, the curve from a village up.
func syncSection(_ runs: [SyncFigures]) -> String {
    func s(_ x: Double) -> String { String(format: x < 10 ? "%.2f s" : "%.0f s", x) }
    var out = """
    ## Sync over loopback

    The real `doudi-server` (release build) on 127.0.0.1 with its SQLite store; the laptops are field stores driven by
    `SyncClient` over `URLSession`, in the bench process. Each scope is generated by `DoudiSynthetic` (seed 2020),
    recorded on a district office laptop (households with members, a survey, two visits each, applications
    drafted), pushed, then pulled whole by a new laptop. Raw SQLite: the same records as JSON rows through one prepared
    statement in one transaction.

    | scope | records | initial sync, Doudi | raw SQLite | ratio | bytes/record on the wire | fetch / decode / apply | laptop peak memory growth |
    |---|---|---|---|---|---|---|---|

    """
    for f in runs {
        out += "| \(f.label) (\(f.households) households) | \(f.records) | \(rate(f.records, f.initialTime)) (\(s(f.initialTime))) | \(rate(f.records, f.rawTime)) | "
        out += String(format: "%.1f×", f.initialTime / max(f.rawTime, 1e-9))
        out += " | \(f.initial.pulledBytes / max(f.records, 1)) | \(String(format: "%.2f / %.2f / %.2f s", f.initial.seconds.fetch, f.initial.seconds.decode, f.initial.seconds.apply)) | \(String(format: "%.0f MiB", f.clientMemory)) |\n"
    }
    out += """

    | scope | first push (server apply) | server CPU during it | incremental: push 1,000 edits | incremental: pull them | raw SQLite, same rows | server peak memory |
    |---|---|---|---|---|---|---|

    """
    for f in runs {
        out += "| \(f.label) | \(rate(f.changeSets, f.pushTime)) change sets (\(f.changeSets) in \(s(f.pushTime))) | \(String(format: "%.1f s", f.serverCPU)) | "
        out += "\(rate(1_000, f.editPushTime)) (\(ms(f.editPushTime))) | \(rate(f.incremental.pulledRecords, f.incrementalTime)) (\(ms(f.incrementalTime))) | \(rate(f.incremental.pulledRecords, f.rawIncrementalTime)) | \(String(format: "%.0f MiB", f.serverMemory)) |\n"
    }
    out += """

    **Transport.** The same pull pages of each scope (protocol 2, gzip taken) fetched as bytes, not decoded, by `URLSession`
    (what `doudi` uses; libcurl underneath on Linux) and by libcurl driven directly (one easy handle, its connection kept
    alive; `TransportBench.swift`), best of two passes. The time both share is the server reading and splicing the pages.

    | scope | pages | bytes (decoded) | URLSession | libcurl directly | URLSession ÷ libcurl |
    |---|---|---|---|---|---|

    """
    for f in runs where f.transport.pages > 0 {
        let t = f.transport
        out += "| \(f.label) | \(t.pages) | \(String(format: "%.1f MiB", Double(t.bytes) / 1_048_576)) | \(s(t.urlSession)) | \(s(t.libcurl)) | \(String(format: "%.2f×", t.urlSession / max(t.libcurl, 1e-9))) |\n"
    }
    return out
}
