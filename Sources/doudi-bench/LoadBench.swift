import DoudiField
import DoudiModel
import DoudiSync
import DoudiSynthetic
import Foundation
import GRDB
import Logging
import PostgresNIO
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the server under load keeps its data.
enum LoadStore: CustomStringConvertible {
    case sqlite
    /// A fresh database on the PostgreSQL cluster at `admin`, served by `processes` server processes.
    case postgres(admin: String, processes: Int)

    var description: String {
        switch self {
        case .sqlite: "SQLite (embedded), 1 process"
        case .postgres(_, let n): "PostgreSQL, \(n) process\(n == 1 ? "" : "es")"
        }
    }
}

/// The server under load: `devices` village laptops (one per village of the synthetic
/// district, each with its own account) record their households offline, then all sync at
/// once — the district server taking every village's sync on the same morning.
struct LoadFigures {
    var store = ""
    /// `laptops`: the real sync client of each laptop (push, then pull its village) in this
    /// process; `pushes`: the same change sets, already encoded, pushed over HTTP (the server alone).
    var mode = LoadMode.laptops
    var devices = 0
    var changeSets = 0
    var changes = 0
    var wall = 0.0
    var latencies: [Double] = []
    var serverCPU = 0.0
    var serverMemory = 0.0
    /// The same number of rows inserted through the same driver, in push-sized transactions.
    var rawSeconds = 0.0
}

/// How the laptops reach the server in the load bench.
enum LoadMode: String {
    /// Each laptop's own `SyncClient.sync()` (push, acknowledgements applied, pull of its village), all in this process.
    case laptops
    /// Each laptop's change sets encoded beforehand and pushed as they are: what the server alone can apply.
    case pushes
}

func runLoadBench(devices: Int, householdsPerDevice: Int, store: LoadStore = .sqlite, mode: LoadMode = .laptops) async throws -> LoadFigures {
    var f = LoadFigures(store: store.description, mode: mode, devices: devices)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-load-bench-\(getpid())-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }

    let policy = try shippedPolicy()
    let shape = DistrictShape(towns: (devices + 15) / 16, villagesPerTown: 16, householdsPerVillage: householdsPerDevice, seed: 2020)
    let district = SyntheticDistrict(shape, policy: policy)
    let villages = Array(district.villages.prefix(devices))
    let users = villages.map { ("c\($0)", Role.collector, $0) }

    var servers: [ServerProcess] = []
    var database: BenchPostgres?
    defer {
        for server in servers { server.stop() }
        database?.drop()
    }
    switch store {
    case .sqlite:
        servers = [try ServerProcess(directory: dir, units: district.orgUnits, users: users)]
    case .postgres(let admin, let processes):
        let db = try BenchPostgres.create(admin: admin)
        database = db
        for i in 0..<processes {
            let folder = dir.appendingPathComponent("server-\(i)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            servers.append(try ServerProcess(directory: folder, units: district.orgUnits, users: users, database: db.url))
        }
    }

    // each laptop records its village offline (not timed) and logs in, to the servers in turn
    var clients: [SyncClient] = []
    var encoded: [(token: String, server: URL, pushes: [Data])] = []
    var bodies: [String] = []
    for (i, village) in villages.enumerated() {
        let fieldStore = FieldStore(database: try .open(path: dir.appendingPathComponent("\(village).sqlite").path), keys: .random(), now: nowMillis)
        try fieldStore.setUp(DeviceSetup(name: "村笔记本", user: "c\(village)", role: .collector, org: village), deviceID: "dev-\(village)")
        var actions: [FieldAction] = []
        for h in district.households(of: village) {
            actions.append(.registerHousehold(h.household, members: h.members))
            actions.append(.recordSurvey(h.survey))
            actions += h.visits.map { .recordVisit($0) }
        }
        for r in try fieldStore.performEach(actions) { if case .failure(let e) = r { throw e } }
        let pending = try fieldStore.outbox(states: [.pending])
        f.changeSets += pending.count
        f.changes += pending.reduce(0) { $0 + $1.changeSet.changes.count }
        for item in pending { for change in item.changeSet.changes { bodies.append(change.jsonValue.canonicalText) } }
        let server = servers[i % servers.count].url
        switch mode {
        case .laptops:
            var client = SyncClient(store: fieldStore)
            client.configuration.pushBatch = 500
            try await client.login(server: server, user: "c\(village)", password: "bench-password")
            clients.append(client)
        case .pushes:
            let all = pending.map(\.changeSet)
            let pushes = stride(from: 0, to: all.count, by: 500).map {
                Data(PushRequest(changeSets: Array(all[$0..<min($0 + 500, all.count)])).canonicalText.utf8)
            }
            let url = URL(string: server)!
            encoded.append((try await benchLogin(url, user: "c\(village)", device: "dev-\(village)"), url, pushes))
        }
    }

    // all at once
    let cpuBefore = servers.map { cpuSeconds(pid: $0.pid) }
    let start = DispatchTime.now().uptimeNanoseconds
    f.latencies = try await withThrowingTaskGroup(of: Double.self) { group in
        for client in clients {
            group.addTask {
                let report = try await client.sync()
                guard report.rejected.isEmpty else { throw BenchError("the server rejected \(report.rejected.count) change sets: \(report.rejected[0].message)") }
                return report.seconds.pushWait
            }
        }
        for laptop in encoded {
            group.addTask {
                try await seconds {
                    for body in laptop.pushes { try await benchPush(laptop.server, token: laptop.token, body: body) }
                }
            }
        }
        var out: [Double] = []
        for try await x in group { out.append(x) }
        return out
    }
    f.wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    f.serverCPU = zip(servers, cpuBefore).reduce(0) { $0 + cpuSeconds(pid: $1.0.pid) - $1.1 }
    f.serverMemory = servers.compactMap(\.peakMemory).max() ?? 0

    // the physical reference: the same number of rows (the changes' JSON) through the same driver
    let batch = max(1, bodies.count / max(1, f.changeSets) * 500)
    switch store {
    case .sqlite:
        let raw = try DatabasePool(path: dir.appendingPathComponent("raw.sqlite").path)
        try await raw.write { db in try db.execute(sql: "CREATE TABLE record(id TEXT PRIMARY KEY, body TEXT NOT NULL)") }
        f.rawSeconds = try await seconds {
            for chunk in stride(from: 0, to: bodies.count, by: batch) {
                let rows = bodies[chunk..<min(chunk + batch, bodies.count)]
                try await raw.write { db in
                    let statement = try db.makeStatement(sql: "INSERT INTO record(id, body) VALUES (?, ?)")
                    for body in rows { try statement.execute(arguments: [UUID().uuidString, body]) }
                }
            }
        }
    case .postgres:
        guard let database else { break }
        f.rawSeconds = try await database.rawInsert(bodies, batch: batch)
    }
    return f
}

func loadSection(_ runs: [LoadFigures]) -> String {
    let first = runs.first ?? LoadFigures()
    let rows = runs.map { f in
        let perSecond = Double(f.changes) / f.wall
        let raw = Double(f.changes) / max(f.rawSeconds, 1e-9)
        return "| \(f.store) | \(f.mode == .laptops ? "laptops' own sync" : "pushes only") | \(rate(f.changes, f.wall)) | \(String(format: "%.2f s / %.2f s", percentile(f.latencies, 0.5), percentile(f.latencies, 0.99))) | \(String(format: "%.0f µs", f.serverCPU / Double(max(f.changes, 1)) * 1e6)) | \(String(format: "%.0f MiB", f.serverMemory)) | \(rate(f.changes, f.rawSeconds)) | \(String(format: "%.1f×", raw / perSecond)) |"
    }
    return """
    ## Server apply under load

    \(first.devices) village laptops, one account and one device each, record \(first.changeSets) change sets (\(first.changes) changes:
    households with members, surveys, visits) offline, then all sync at once against the server (push batches of 500).
    *Laptops' own sync*: each laptop runs `doudi sync` (push, answers applied to its store, pull of its village), all 300
    in the bench process, sharing the 2 cores with the server. *Pushes only*: the same change sets, encoded beforehand,
    pushed over HTTP by 300 concurrent senders — what the server alone applies. With two processes the laptops are split
    between them. Latency is each laptop's wait for its push answers. The raw reference inserts the same number of rows (each change's JSON) through the same driver (GRDB,
    postgres-nio) in transactions of the same size, from one connection, in the same run.

    | store | clients | changes applied per second | push wait p50 / p99 | server CPU per change | server peak memory | raw insert, same rows | Doudi vs raw |
    |---|---|---|---|---|---|---|---|
    \(rows.joined(separator: "\n"))
    """
}

/// A fresh PostgreSQL database for the bench, and raw inserts through postgres-nio.
struct BenchPostgres {
    let url: String
    let name: String
    let admin: String

    static func create(admin: String) throws -> BenchPostgres {
        let name = "doudi_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try psql(admin, "CREATE DATABASE \(name)")
        guard let slash = admin.lastIndex(of: "/") else { throw BenchError("cannot read the PostgreSQL URL \(admin)") }
        return BenchPostgres(url: String(admin[..<slash]) + "/" + name, name: name, admin: admin)
    }

    func drop() { _ = try? Self.psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    static func psql(_ url: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("psql failed on \(sql)") }
    }

    /// Inserts `bodies` as rows, `batch` rows a transaction (one `unnest` statement each), and returns the seconds taken.
    func rawInsert(_ bodies: [String], batch: Int) async throws -> Double {
        let location = try PostgresConnectionURLParts(url)
        let config = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                      password: nil, database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: Logger(label: "bench"))
        defer { Task { try? await connection.close() } }
        try await connection.query("CREATE TABLE raw_record(id uuid PRIMARY KEY, body text NOT NULL)", logger: Logger(label: "bench"))
        return try await seconds {
            for chunk in stride(from: 0, to: bodies.count, by: batch) {
                let rows = Array(bodies[chunk..<min(chunk + batch, bodies.count)])
                let ids = rows.map { _ in UUID() }
                try await connection.query("BEGIN", logger: Logger(label: "bench"))
                try await connection.query("INSERT INTO raw_record(id, body) SELECT * FROM unnest(\(ids)::uuid[], \(rows)::text[])", logger: Logger(label: "bench"))
                try await connection.query("COMMIT", logger: Logger(label: "bench"))
            }
        }
    }
}

/// `postgres://USER@HOST:PORT/DB`, as `scripts/with-postgres` gives it.
struct PostgresConnectionURLParts {
    var user: String, host: String, port: Int, database: String
    init(_ url: String) throws {
        guard let c = URLComponents(string: url), let host = c.host, let user = c.user else { throw BenchError("cannot read \(url)") }
        self.user = user; self.host = host; port = c.port ?? 5432; database = String(c.path.dropFirst())
    }
}

/// Logs in over HTTP and returns the bearer token.
func benchLogin(_ server: URL, user: String, device: String) async throws -> String {
    var request = URLRequest(url: server.appendingPathComponent("v1/login"))
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = try JSONEncoder().encode(LoginRequest(user: user, password: "bench-password", device: device))
    let (data, response) = try await URLSession.shared.data(for: request)
    guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchError("login \(user): \(String(decoding: data, as: UTF8.self))") }
    return try JSONDecoder().decode(LoginResponse.self, from: data).token
}

/// Pushes an encoded ``PushRequest`` and checks that nothing was rejected.
func benchPush(_ server: URL, token: String, body: Data) async throws {
    var request = URLRequest(url: server.appendingPathComponent("v1/push"))
    request.httpMethod = "POST"
    request.timeoutInterval = 600
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.httpBody = body
    let (data, response) = try await URLSession.shared.data(for: request)
    guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchError("push: \(String(decoding: data, as: UTF8.self).prefix(300))") }
    let answers = try JSONDecoder().decode(PushResponse.self, from: data).acknowledgements
    if let bad = answers.first(where: { $0.status == .rejected }) { throw BenchError("the server rejected a change set: \(bad.message ?? "")") }
}
