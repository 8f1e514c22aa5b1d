import DoudiField
import DoudiModel
import DoudiSync
import Foundation
import GRDB

// The sync bench (issue 4): a town's records pushed to the real doudi-server over loopback,
// a new laptop's initial sync of the whole town scope, and an incremental sync of 1,000 edits,
// each beside raw SQLite inserting the same rows.

/// A doudi-server process on 127.0.0.1 with its own temporary config and database.
final class ServerProcess {
    let process = Process()
    let port: Int

    init(directory: URL, villages: [OrgCode], town: OrgCode) throws {
        let fm = FileManager.default
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("doudi-server")
        guard fm.fileExists(atPath: binary.path) else {
            throw BenchError("doudi-server is not built next to doudi-bench: run `swift build -c release --product doudi-server` first")
        }
        let policy = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("ServerConfig/policy").path
        let units = [#"{ "code": "511011", "name": "东兴区", "kind": "区", "population": 820000 }"#,
                     #"{ "code": "\#(town)", "name": "椑木镇", "kind": "镇", "population": 42000 }"#]
            + villages.map { #"{ "code": "\#($0)", "name": "村\#($0.value.suffix(3))", "kind": "村", "population": 2000 }"# }
        try "{ \"units\": [\n\(units.joined(separator: ",\n"))\n] }".write(to: directory.appendingPathComponent("org-units.json"), atomically: true, encoding: .utf8)
        try """
            { "users": [ { "name": "bench.town", "role": "townApprover", "org": "\(town)", "initialPassword": "bench-password" } ] }
            """.write(to: directory.appendingPathComponent("users.json"), atomically: true, encoding: .utf8)
        try """
            { "http": { "host": "127.0.0.1", "port": 0, "maxBodyBytes": 67108864 },
              "database": { "path": "server.sqlite" },
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
    var peakMemory: Double? { peakMemoryMiB(pid: String(process.processIdentifier)) }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Pushes a town to the server, then measures a new laptop's initial sync and an incremental one.
func runSyncBench(quick: Bool) async throws -> String {
    let households = quick ? 2_000 : 16_000
    let visitsPerHousehold = 3
    let edits = 1_000
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-sync-bench-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }

    var gen = SyntheticTown(seed: 4)
    var ids = SplitMix(seed: 11)
    let villages = (0..<12).map { gen.village($0) }
    let server = try ServerProcess(directory: dir, villages: villages, town: gen.town)
    defer { server.stop() }

    // the town office's laptop records the town (not timed), then pushes it (server apply rate)
    let office = FieldStore(database: try .open(path: dir.appendingPathComponent("office.sqlite").path), now: nowMillis)
    try office.setUp(DeviceSetup(name: "镇办公室", user: "bench.town", role: .townApprover, org: gen.town), deviceID: "dev-office")
    var householdIDs: [UUID] = []
    var memberIDs: [UUID] = []
    var batch: [FieldAction] = []
    for i in 0..<households {
        let (h, members) = gen.household(i, id: ids.uuid(), memberIDs: { ids.uuid() })
        householdIDs.append(h.id)
        memberIDs += members.map(\.id)
        batch.append(.registerHousehold(h, members: members))
        for v in 0..<visitsPerHousehold { batch.append(.recordVisit(gen.visit(household: h.id, day: i + v, id: ids.uuid()))) }
        if batch.count >= 4_000 || i == households - 1 {
            for r in try office.performEach(batch) { if case .failure(let e) = r { throw e } }
            batch.removeAll()
        }
    }
    let records = households + memberIDs.count + households * visitsPerHousehold
    let changeSets = households * (1 + visitsPerHousehold)
    var officeClient = SyncClient(store: office)
    officeClient.configuration.pushBatch = 2_000
    try await officeClient.login(server: server.url, user: "bench.town", password: "bench-password")
    var pushReport = SyncClient.Report()
    let serverCPUBefore = cpuSeconds(pid: String(server.process.processIdentifier)), clientCPUBefore = cpuSeconds()
    let pushTime = try await seconds { pushReport = try await officeClient.sync() }
    let serverCPU = cpuSeconds(pid: String(server.process.processIdentifier)) - serverCPUBefore, clientCPU = cpuSeconds() - clientCPUBefore

    // a new laptop for the same town: initial sync of the whole scope
    let laptop = FieldStore(database: try .open(path: dir.appendingPathComponent("laptop.sqlite").path), now: nowMillis)
    try laptop.setUp(DeviceSetup(name: "新笔记本", user: "bench.town", role: .townApprover, org: gen.town), deviceID: "dev-laptop")
    var laptopClient = SyncClient(store: laptop)
    laptopClient.configuration.pullLimit = 5_000
    laptopClient.configuration.pullMaxBytes = 8 * 1_048_576
    try await laptopClient.login(server: server.url, user: "bench.town", password: "bench-password")
    let clientMemoryBefore = peakMemoryMiB() ?? 0
    var initialReport = SyncClient.Report()
    let initialTime = try await seconds { initialReport = try await laptopClient.sync() }

    // incremental: 1,000 edits on the office laptop, pushed, then pulled by the new laptop
    var rng = SplitMix(seed: 99)
    var editBatch: [FieldAction] = []
    let office2 = office
    for k in 0..<edits {
        let id = memberIDs[Int(rng.next() % UInt64(memberIDs.count))]
        guard var m = try office2.member(id) else { continue }
        m.employment = k % 2 == 0 ? .unemployed : .farming
        m.labourCapacity = m.labourCapacity == .full ? .partial : .full
        editBatch.append(.editMember(m))
    }
    _ = try office.performEach(editBatch)
    let editPushTime = try await seconds { _ = try await officeClient.sync() }
    var incrementalReport = SyncClient.Report()
    let incrementalTime = try await seconds { incrementalReport = try await laptopClient.sync() }

    // raw SQLite: the same records, one prepared statement, one transaction
    let pulled = initialReport.pulledRecords
    let rows: [(String, String, String)] = try await laptop.database.writer.read { db in
        try Row.fetchAll(db, sql: #"SELECT entity, record, "values" FROM history WHERE seq <= ? ORDER BY seq"#, arguments: [pulled])
            .map { ($0["entity"], $0["record"], $0["values"]) }
    }
    let raw = try DatabasePool(path: dir.appendingPathComponent("raw.sqlite").path)
    try await raw.write { db in try db.execute(sql: "CREATE TABLE record(entity TEXT NOT NULL, id TEXT NOT NULL, fields TEXT NOT NULL)") }
    let rawTime = try await seconds {
        try await raw.write { db in
            let st = try db.makeStatement(sql: "INSERT INTO record(entity, id, fields) VALUES (?, ?, ?)")
            for r in rows { try st.execute(arguments: [r.0, r.1, r.2]) }
        }
    }
    let rawIncremental = Array(rows.prefix(incrementalReport.pulledRecords))
    try await raw.write { db in try db.execute(sql: "DELETE FROM record") }
    let rawIncrementalTime = try await seconds {
        try await raw.write { db in
            let st = try db.makeStatement(sql: "INSERT INTO record(entity, id, fields) VALUES (?, ?, ?)")
            for r in rawIncremental { try st.execute(arguments: [r.0, r.1, r.2]) }
        }
    }
    let serverMemory = server.peakMemory ?? 0
    let clientMemory = peakMemoryMiB() ?? 0

    return """
    ## Sync over loopback (issue 4) — \(quick ? "quick run" : "town-sized run")

    Town scope: \(households) households, \(memberIDs.count) members, \(households * visitsPerHousehold) visits = \(records) records in \(changeSets) change sets (12 villages).
    The real `doudi-server` (release build) on 127.0.0.1, its SQLite store on the same disk; clients are field stores driven by `SyncClient` over `URLSession`.

    | what | Doudi, end to end | raw SQLite, same rows | ratio (Doudi ÷ raw time) |
    |---|---|---|---|
    | initial sync of the town scope to a new laptop (\(initialReport.pulledRecords) records) | \(rate(initialReport.pulledRecords, initialTime)) (\(String(format: "%.1f s", initialTime))) | \(rate(rows.count, rawTime)) | \(String(format: "%.1f×", initialTime / max(rawTime, 1e-9))) |
    | incremental sync of \(edits) edits: pull on the other laptop (\(incrementalReport.pulledRecords) records) | \(rate(incrementalReport.pulledRecords, incrementalTime)) (\(ms(incrementalTime))) | \(rate(rawIncremental.count, rawIncrementalTime)) | \(String(format: "%.1f×", incrementalTime / max(rawIncrementalTime, 1e-9))) |
    | incremental sync of \(edits) edits: push from the office laptop | \(rate(edits, editPushTime)) (\(ms(editPushTime))) | — | — |
    | first push of the whole town from the office laptop (server apply) | \(rate(changeSets, pushTime)) change sets, \(rate(records, pushTime)) records | — | — |

    Where the first push's time went: \(String(format: "%.1f", pushReport.seconds.push)) s pushing, of which \(String(format: "%.1f", pushReport.seconds.pushWait)) s waiting for the server (request encoding and the server's work; the rest is the laptop reading its outbox); CPU used meanwhile: server \(String(format: "%.1f", serverCPU)) s, laptop \(String(format: "%.1f", clientCPU)) s.
    Where the initial sync's time went: fetch \(String(format: "%.2f", initialReport.seconds.fetch)) s (server and transfer), decode \(String(format: "%.2f", initialReport.seconds.decode)) s, apply \(String(format: "%.2f", initialReport.seconds.apply)) s; \(initialReport.pulledBytes / max(initialReport.pulledRecords, 1)) bytes on the wire per record.

    Peak memory (VmHWM): server \(String(format: "%.0f", serverMemory)) MiB; bench process (both laptops, in one process) \(String(format: "%.0f", clientMemoryBefore)) MiB before the initial sync, \(String(format: "%.0f", clientMemory)) MiB after everything.
    """
}
