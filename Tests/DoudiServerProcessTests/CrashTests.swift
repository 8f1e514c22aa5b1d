import DoudiModel
import DoudiSync
import DoudiTestSupport
import Foundation
import GRDB
import Testing

/// kill -9 of the server in the middle of a long push, on both stores.
@Suite("Crash safety: the server killed mid-push loses nothing and applies nothing twice", .serialized)
struct CrashTests {
    /// What the pushing laptop has had answered so far.
    actor Progress {
        var acknowledged: [UUID: Acknowledgement] = [:]
        func add(_ acks: [Acknowledgement]) { for ack in acks { acknowledged[ack.changeSet] = ack } }
        var count: Int { acknowledged.count }
    }

    @Test("kill -9 mid-push of 4,000 change sets, restart on the same database, push again: each applied once, the store consistent",
          arguments: StoreKind.available)
    func killMidPush(kind: StoreKind) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try kind.makeDatabase(in: directory)
        defer { database.postgres?.drop() }
        let server = try ServerProcess(directory: directory, database: database.argument)
        defer { server.stop() }

        var device = Device("crash-laptop", user: Users.wuxing.0, role: .collector, org: Org.wuxing)
        let households = (0..<4_000).map { Device.household(village: Org.wuxing, $0) }
        let changeSets = try households.map { try device.register($0) }
        let batches = stride(from: 0, to: changeSets.count, by: 250).map { Array(changeSets[$0..<min($0 + 250, changeSets.count)]) }

        let client = try await WireClient.login(server.baseURL, user: Users.wuxing.0, password: Users.wuxing.1, device: device.id)
        let progress = Progress()
        let pushing = Task {
            for batch in batches { await progress.add(try await client.push(batch)) }
        }
        // kill once the first answers are in, with later batches still on their way
        let deadline = Date().addingTimeInterval(120)
        while await progress.count == 0, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        server.kill()
        _ = await pushing.result
        let before = await progress.count
        #expect(before > 0 && before < changeSets.count, "the kill came after \(before) of \(changeSets.count) answers")

        // restart on the same database and port; the laptop pushes everything again
        try server.start(port: server.port)
        let again = try await WireClient.login(server.baseURL, user: Users.wuxing.0, password: Users.wuxing.1, device: device.id)
        var answers: [Acknowledgement] = []
        for batch in batches { answers += try await again.push(batch) }
        #expect(answers.allSatisfy { $0.status == .accepted }, "\(answers.first { $0.status != .accepted }.map { "\($0)" } ?? "")")
        let sequences = answers.compactMap(\.serverSequence)
        #expect(Set(sequences).count == changeSets.count, "every change set has its own server sequence")
        for (id, first) in await progress.acknowledged {
            #expect(answers.first { $0.changeSet == id } == first, "a change set answered before the kill gets the same answer")
        }

        // everything pulled once, nothing lost
        let officer = try await WireClient.login(server.baseURL, user: Users.officer.0, password: Users.officer.1, device: "crash-office")
        var seen: [UUID: Int] = [:]
        var cursor: Int64 = 0
        while true {
            let page = try await officer.pull(after: cursor, limit: 1000)
            for record in page.records where record.entity == .household { seen[record.record, default: 0] += 1 }
            cursor = page.cursor
            if !page.hasMore { break }
        }
        #expect(Set(seen.keys) == Set(households.map(\.id)))
        #expect(seen.values.allSatisfy { $0 == 1 })

        // the store is consistent: one log row per change set, every record's sequence logged
        server.stop()
        let deviceID = device.id
        switch kind {
        case .sqlite:
            let queue = try DatabaseQueue(path: database.argument)
            let (integrity, logged, unlogged) = try await queue.read { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changeSetLog WHERE device = ?", arguments: [deviceID]),
                 try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM record r WHERE NOT EXISTS (SELECT 1 FROM changeSetLog l WHERE l.serverSequence = r.serverSequence)
                    """))
            }
            #expect(integrity == ["ok"])
            #expect(logged == changeSets.count)
            #expect(unlogged == 0)
        case .postgres:
            let pg = try #require(database.postgres)
            #expect(try pg.query("SELECT count(*) FROM change_set_log WHERE device = '\(deviceID)'") == "\(changeSets.count)")
            #expect(try pg.query("""
                SELECT count(*) FROM record r WHERE NOT EXISTS
                  (SELECT 1 FROM change_set_log l WHERE l.district = r.district AND l.server_sequence = r.server_sequence)
                """) == "0")
            #expect(try pg.query("SELECT count(*) FROM (SELECT district, server_sequence FROM change_set_log GROUP BY 1, 2 HAVING count(*) > 1) d") == "0")
        }
    }
}
