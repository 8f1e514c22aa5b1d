import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 11: an initial sync cut at 60 % (the cable pulled) resumes from the last page applied,
/// not from zero; a brief outage within the retries is not noticed at all.
@Suite("Initial sync: cut at 60 %, resumed from where it stopped")
struct PullResumeTests {
    typealias S = StoreFixture

    /// A server of `pages` pages of ten households each (protocol 2), whose link drops at the
    /// pull requests numbered in `dropping` (1-based).
    final class Scope: @unchecked Sendable {
        let lock = NSLock()
        var pages: [PullResponse] = []
        var dropping: Set<Int>
        private(set) var pulls: [Int64] = []

        init(pages count: Int, dropping: Set<Int>) throws {
            self.dropping = dropping
            let stamp = HLCStamp(wallMillis: 1_800_000_000_000, counter: 0, node: "dev-office")
            for p in 0..<count {
                let records = try (0..<10).map { _ -> RecordVersion in
                    let h = S.household()
                    return RecordVersion(entity: .household, record: h.id, village: S.village, household: h.id,
                                         fields: try RecordFields.fields(of: h).mapValues { FieldVersion(value: $0, stamp: stamp) },
                                         serverSequence: Int64(p + 1) * 10)
                }
                pages.append(PullResponse(records: records, conflicts: [], cursor: Int64(p + 1) * 10, hasMore: p + 1 < count))
            }
        }

        func transport(_ request: URLRequest) async throws -> (Data, URLResponse) {
            let url = try #require(request.url)
            func reply(_ body: Data) throws -> (Data, URLResponse) {
                (body, try #require(HTTPURLResponse(url: url, statusCode: 200, httpVersion: nil, headerFields: nil)))
            }
            switch url.path {
            case "/v1/pull":
                let after = Int64(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "after" }?.value ?? "") ?? -1
                let (number, drop) = lock.withLock { () -> (Int, Bool) in
                    pulls.append(after)
                    return (pulls.count, dropping.contains(pulls.count))
                }
                _ = number
                if drop { throw URLError(.networkConnectionLost) }
                let page = pages.first { $0.cursor > after } ?? PullResponse(records: [], conflicts: [], cursor: after, hasMore: false)
                return try reply(Data(try page.jsonValue(forProtocol: 2).canonicalText.utf8))
            case "/v1/org-units":
                return try reply(try JSONEncoder().encode(OrgUnitList(units: [])))
            default:
                return (Data(#"{"code":"not-found","message":"no such endpoint"}"#.utf8),
                        try #require(HTTPURLResponse(url: url, statusCode: 404, httpVersion: nil, headerFields: nil)))
            }
        }
    }

    func client(_ store: FieldStore, _ scope: Scope, attempts: Int) throws -> SyncClient {
        try SyncClient.inProcess(store, attempts: attempts) { try await scope.transport($0) }
    }

    func households(_ store: FieldStore) throws -> Int {
        try store.database.writer.read { (db: Database) in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household") ?? 0 }
    }

    @Test("The link drops after six pages of ten: six pages stay, the cursor stands at 60, the next sync asks from 60 and pulls the last four")
    func cutAndResumed() async throws {
        let f = try S()
        let scope = try Scope(pages: 10, dropping: [7])
        await #expect(throws: SyncError.self) { try await client(f.store, scope, attempts: 1).sync() }
        #expect(try households(f.store) == 60)
        #expect(try f.store.syncState()?.cursor == 60)
        let report = try await client(f.store, scope, attempts: 1).sync()
        #expect(scope.pulls == [0, 10, 20, 30, 40, 50, 60, 60, 70, 80, 90])
        #expect(report.pulledRecords == 40 && report.cursor == 100)
        #expect(try households(f.store) == 100)
        // nothing of the first attempt was applied twice or lost: every household once
        let ids = Set(scope.pages.flatMap(\.records).map(\.record.uuidString))
        let stored = try await f.store.database.writer.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM household")) }
        #expect(stored == ids)
    }

    func indexes(_ store: FieldStore) throws -> Set<String> {
        try store.database.writer.read { (db: Database) in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        }
    }

    @Test("An empty store's initial sync drops its secondary indexes and makes them again however it ends; a store killed mid-load gets them at its next unlock")
    func bulkLoad() async throws {
        let f = try S()
        let all = try indexes(f.store)
        #expect(all.contains("household_listing") && all.contains("memberSearch_key") && all.contains("member_personIndex"))
        let scope = try Scope(pages: 10, dropping: [4])
        await #expect(throws: SyncError.self) { try await client(f.store, scope, attempts: 1).sync() }
        #expect(try indexes(f.store) == all, "a failed initial sync leaves the indexes as they were")
        _ = try await client(f.store, scope, attempts: 1).sync()
        #expect(try indexes(f.store) == all)
        #expect(try found(f.store, "五星村3组12号") == 100)

        // killed mid-load: the definitions kept in bulkLoadIndex come back at the next unlock
        let g = try S()
        #expect(try g.store.beginBulkLoadIfEmpty())
        let dropped = try indexes(g.store)
        #expect(dropped.contains("member_personIndex") && !dropped.contains("household_listing"))
        g.store.finishInterruptedBulkLoad()
        #expect(try indexes(g.store) == all)
        // a store holding records is not bulk-loaded
        let h = S.household()
        try g.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        #expect(try g.store.beginBulkLoadIfEmpty() == false)
    }

    func found(_ store: FieldStore, _ address: String) throws -> Int {
        try store.database.writer.read { (db: Database) in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household WHERE address = ?", arguments: [address]) ?? 0 }
    }

    @Test("A drop within the retries is tried again after a wait: one sync, every page once")
    func retriedWithin() async throws {
        let f = try S()
        let scope = try Scope(pages: 10, dropping: [7, 8])
        let report = try await client(f.store, scope, attempts: 3).sync()
        #expect(report.pulledRecords == 100 && report.cursor == 100)
        #expect(scope.pulls == [0, 10, 20, 30, 40, 50, 60, 60, 60, 70, 80, 90])
        #expect(try households(f.store) == 100)
    }
}
