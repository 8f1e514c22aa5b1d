import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// SPEC §8.6 on the laptop: no outbox is ever wedged. A change set rejected for good is set
/// aside and resolvable (redo, drop); one that builds on a set-aside one, or that is refused
/// retryably sync after sync, is set aside too; one whose number was taken is re-made.
@Suite("Outbox: set aside, redo, drop, re-base")
struct OutboxResolutionTests {
    typealias S = StoreFixture

    private func state(_ store: FieldStore, _ id: UUID) throws -> String? {
        try store.database.writer.read { db in try String.fetchOne(db, sql: "SELECT state FROM changeSet WHERE id = ?", arguments: [id.uuidString]) }
    }

    private func voidReason(_ store: FieldStore, _ table: String, _ id: UUID) throws -> String? {
        try store.database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT voidReason FROM \"\(table)\" WHERE id = ?", arguments: [id.uuidString])
        }
    }

    @Test("redo makes a set-aside action again: new id, new stamp, next sequence, the records back; the old one is kept as redone")
    func redo() throws {
        let f = try S()
        let h = S.household()
        let m = S.member(h.id)
        let register = try f.store.perform(.registerHousehold(h, members: [m]))
        var edited = h; edited.address = "五星村3组14号"
        let edit = try f.store.perform(.editHousehold(edited))
        try f.store.record([
            Acknowledgement(changeSet: register.id, status: .rejected, code: "scope", message: "log in as the store's user"),
            Acknowledgement(changeSet: edit.id, status: .rejected, code: "validation", message: "地址不符"),
        ])
        #expect(try voidReason(f.store, "household", h.id)?.hasPrefix(serverRejectionMarker) == true, "the rejected registration is undone here")
        #expect(try voidReason(f.store, "member", m.id) != nil)

        let redone = try f.store.redo(register.id)
        #expect(redone.id != register.id && redone.sequence == 3 && redone.stamp > register.stamp)
        #expect(redone.action == register.action && redone.changes.map(\.entity) == [.household, .member])
        #expect(redone.changes.allSatisfy { $0.operation == .create && $0.fields.allSatisfy { $0.stamp == redone.stamp } })
        #expect(try voidReason(f.store, "household", h.id) == nil && voidReason(f.store, "member", m.id) == nil, "the records are back")
        #expect(try f.store.householdCase(h.id).members.map(\.id) == [m.id])
        #expect(try state(f.store, register.id) == "superseded" && state(f.store, redone.id) == "pending")
        let resolution = try #require(try f.store.outboxResolutions()[register.id])
        #expect(resolution.supersededBy == redone.id && resolution.text.hasPrefix("redone as #3"))
        #expect(try f.store.pendingChangeSets(limit: 10).map(\.id) == [redone.id])

        // the edit, redone after the registration: an update against the value it has now
        let edit2 = try f.store.redo(try f.store.outboxChangeSetID("#2"))
        #expect(edit2.sequence == 4 && edit2.changes.count == 1 && edit2.changes[0].operation == .update)
        #expect(edit2.changes[0].fields.map(\.name) == ["address"])
        #expect(edit2.changes[0].fields[0].previous?.value == .string("五星村3组12号"), "the previous value is the one here now")
        #expect(try f.store.householdCase(h.id).household.address == "五星村3组14号")

        // only a set-aside change set can be redone or dropped
        #expect(throws: FieldError.self) { try f.store.redo(register.id) }
        #expect(throws: FieldError.self) { try f.store.drop(redone.id) }
        #expect(throws: FieldError.self) { try f.store.outboxChangeSetID("#99") }
    }

    @Test("drop gives a set-aside change set up: no longer rejected or pending, kept in history")
    func drop() throws {
        let f = try S()
        let h = S.household()
        let register = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        try f.store.record([Acknowledgement(changeSet: register.id, status: .rejected, code: "validation", message: "不予登记")])
        #expect(try f.store.outboxCounts().rejected == 1)
        // a short id all of digits reads as a change set's number (#N): then name it whole
        let short = String(register.id.uuidString.prefix(6)).lowercased()
        try f.store.drop(try f.store.outboxChangeSetID(short.allSatisfy(\.isNumber) ? register.id.uuidString : short))
        #expect(try f.store.outboxCounts() == (pending: 0, rejected: 0, accepted: 0))
        #expect(try state(f.store, register.id) == "dropped")
        #expect(try f.store.outbox(states: [.dropped]).map(\.changeSet.id) == [register.id])
        #expect(try f.store.outboxResolutions()[register.id]?.text.hasPrefix("dropped") == true)
        #expect(throws: FieldError.self) { try f.store.redo(register.id) }
    }

    @Test("a change set that builds on a set-aside one is set aside at once, with which one to redo first")
    func dependentIsSetAside() throws {
        let f = try S()
        let h = S.household()
        let register = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        let add = try f.store.perform(.addMember(S.member(h.id, name: "李四", born: "1990-01-01", sequence: 33, relation: .son)))
        let outcome = try f.store.record([
            Acknowledgement(changeSet: register.id, status: .rejected, code: "validation", message: "不予登记"),
            Acknowledgement(changeSet: add.id, status: .rejected, code: "dependency", message: "household … is unknown here"),
        ])
        #expect(outcome.setAside.map(\.id) == [register.id, add.id] && outcome.retrying.isEmpty)
        #expect(outcome.setAside[1].message.contains("builds on change set #1"))
        #expect(try state(f.store, add.id) == "rejected")
        // redone in order, both flow again
        let a = try f.store.redo(register.id), b = try f.store.redo(add.id)
        #expect(a.sequence == 3 && b.sequence == 4)
        #expect(try f.store.householdCase(h.id).members.count == 2)
    }

    @Test("a change set refused retryably sync after sync is set aside after the limit; a second push in one sync does not count")
    func retryLimit() throws {
        let f = try S()
        let h = S.household()
        let edit = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        let refusal = Acknowledgement(changeSet: edit.id, status: .rejected, code: "clock", message: "the device clock is ahead")
        for _ in 1..<FieldStore.retryLimit {
            #expect(try f.store.record([refusal]).retrying == [edit.id])
            #expect(try f.store.record([refusal], countRetry: false).retrying == [edit.id])
        }
        #expect(try state(f.store, edit.id) == "pending")
        let last = try f.store.record([refusal])
        #expect(last.setAside.map(\.id) == [edit.id] && last.setAside[0].message.contains("refused \(FieldStore.retryLimit) syncs in a row"))
        #expect(try state(f.store, edit.id) == "rejected")
    }

    @Test("a `sequence` rejection re-makes the change set with the next number, keeping its effect here")
    func sequenceRejectionRebases() throws {
        let f = try S()
        let h = S.household()
        let register = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        let outcome = try f.store.record([
            Acknowledgement(changeSet: register.id, status: .rejected, code: "sequence", message: "sequence 1 of dev-test is used"),
        ])
        try #require(outcome.rebased.count == 1)
        let new = outcome.rebased[0].to
        #expect(outcome.setAside.isEmpty && outcome.rebased[0].from == register.id)
        #expect(new.id != register.id && new.sequence == 2 && new.stamp > register.stamp)
        #expect(new.changes.map(\.record) == register.changes.map(\.record))
        #expect(new.changes.allSatisfy { $0.fields.allSatisfy { $0.stamp == new.stamp } })
        #expect(try voidReason(f.store, "household", h.id) == nil, "nothing undone")
        #expect(try state(f.store, register.id) == "superseded" && state(f.store, new.id) == "pending")
        #expect(try f.store.outboxResolutions()[register.id]?.text.hasPrefix("re-based as #2") == true)
        let (stamps, history) = try f.store.database.writer.read { db in
            (try String.fetchAll(db, sql: "SELECT DISTINCT stamp FROM fieldStamp WHERE record = ?", arguments: [h.id.uuidString]),
             try String.fetchAll(db, sql: "SELECT DISTINCT changeSet FROM history WHERE record = ?", arguments: [h.id.uuidString]))
        }
        #expect(stamps == [new.stamp.text] && history == [new.id.uuidString])
        #expect(try f.store.device().nextSequence == 3)
    }

    @Test("a restored store numbers the change sets made since the restore past the server's highest")
    func restoredRebase() throws {
        let f = try S()
        let h1 = S.household(), h2 = S.household()
        let before = try f.store.perform(.registerHousehold(h1, members: [S.member(h1.id)]))
        try f.store.database.writer.write { db in
            try db.execute(sql: "INSERT INTO restoration(id, restoredAt, source, firstSequence) VALUES (1, 0, 'backup', 2)")
        }
        let after = try f.store.perform(.registerHousehold(h2, members: [S.member(h2.id, name: "王五", sequence: 44)]))
        #expect(after.sequence == 2)
        #expect(try f.store.pendingRestoration()?.firstSequence == 2)
        // the lost copy pushed up to #4
        let rebase = try #require(try f.store.rebaseRestored(serverHighest: 4))
        #expect(rebase.renumbered == 1 && rebase.nextSequence == 6)
        let pending = try f.store.pendingChangeSets(limit: 10)
        #expect(pending.map(\.id) == [before.id, after.id] && pending.map(\.sequence) == [1, 5], "ids kept, only the new one renumbered")
        #expect(try f.store.pendingRestoration() == nil && f.store.lastRestoration()?.serverHighestSequence == 4)
        var edited = h2; edited.address = "五星村3组20号"
        #expect(try f.store.perform(.editHousehold(edited)).sequence == 6)
    }
}

extension SyncClient {
    /// A client of `store`, logged in, that sends its requests to `transport` in the test
    /// process; one attempt per request unless `attempts` says otherwise (waits of 1 ms).
    static func inProcess(_ store: FieldStore, batch: Int = 200, attempts: Int = 1,
                          transport: @escaping @Sendable (URLRequest) async throws -> (Data, URLResponse)) throws -> SyncClient {
        try store.saveLogin(server: "http://fake.invalid", token: "t0ken")
        var configuration = SyncClient.Configuration()
        configuration.pushBatch = batch
        configuration.attempts = attempts
        configuration.backoffMillis = 1
        configuration.transport = transport
        return SyncClient(store: store, configuration: configuration)
    }
}

/// A server in the test process, behind ``SyncClient/Configuration/transport``.
final class FakeServer: @unchecked Sendable {
    private let lock = NSLock()
    private var pushes: [[UUID]] = []
    /// Answers a push: the acknowledgements, or an HTTP status and error body.
    let answer: @Sendable ([ChangeSet]) -> Result<[Acknowledgement], ErrorBody>
    let highestSequence: Int64?

    init(highestSequence: Int64? = nil, answer: @escaping @Sendable ([ChangeSet]) -> Result<[Acknowledgement], ErrorBody>) {
        self.answer = answer; self.highestSequence = highestSequence
    }

    var pushed: [[UUID]] { lock.withLock { pushes } }

    func transport(_ request: URLRequest) async throws -> (Data, URLResponse) {
        let url = try #require(request.url)
        func reply(_ status: Int, _ body: some Encodable) throws -> (Data, URLResponse) {
            (try JSONEncoder().encode(body), try #require(HTTPURLResponse(url: url, statusCode: status, httpVersion: nil, headerFields: nil)))
        }
        switch url.path {
        case "/v1/push":
            let body = try #require(request.httpBody)
            let changeSets = try JSONDecoder().decode(PushRequest.self, from: body).changeSets
            lock.withLock { pushes.append(changeSets.map(\.id)) }
            switch answer(changeSets) {
            case .success(let acks): return try reply(200, PushResponse(acknowledgements: acks))
            case .failure(let error): return try reply(400, error)
            }
        case "/v1/pull":
            return try reply(200, PullResponse(records: [], conflicts: [], cursor: 0, hasMore: false))
        case "/v1/org-units":
            return try reply(200, OrgUnitList(units: []))
        case "/v1/device":
            guard let highestSequence else { return try reply(404, ErrorBody(code: "not-found", message: "no such endpoint")) }
            return try reply(200, DeviceStatus(device: "dev-test", user: "李会计", highestSequence: highestSequence))
        default:
            return try reply(404, ErrorBody(code: "not-found", message: "no such endpoint"))
        }
    }
}

@Suite("Sync client: no outbox is wedged")
struct SyncClientUnwedgingTests {
    typealias S = StoreFixture

    private func client(_ store: FieldStore, _ server: FakeServer, batch: Int = 200) throws -> SyncClient {
        try SyncClient.inProcess(store, batch: batch) { try await server.transport($0) }
    }

    @Test("an old server's 400 for a whole push: the batch is split, the culprit alone is set aside, the others are accepted")
    func wholePushRefusalIsSplit() async throws {
        let f = try S()
        var made: [ChangeSet] = []
        for i in 0..<7 {
            let h = S.household()
            made.append(try f.store.perform(.registerHousehold(h, members: [S.member(h.id, name: "户主\(i)", sequence: 100 + i)])))
        }
        let culprit = made[4].id
        let server = FakeServer { changeSets in
            if changeSets.contains(where: { $0.id == culprit }) {
                return .failure(ErrorBody(code: "malformed-request", message: "changeSets[0].stamp: counter out of range"))
            }
            return .success(changeSets.enumerated().map { Acknowledgement(changeSet: $1.id, status: .accepted, serverSequence: Int64($0 + 1)) })
        }
        let report = try await client(f.store, server).sync()
        #expect(report.accepted == 6 && report.pushed == 7)
        #expect(report.rejected.map(\.changeSet) == [culprit] && report.rejected[0].code == "malformed-request")
        #expect(report.rejected[0].message.contains("counter out of range") && report.rejected[0].sequence == 5)
        #expect(try f.store.outboxCounts() == (pending: 0, rejected: 1, accepted: 6))
        #expect(server.pushed.count <= 7, "a few requests, not one per change set: \(server.pushed.map(\.count))")
    }

    @Test("a `sequence` rejection in a sync is re-made and pushed again in the same sync")
    func sequenceRejectionPushedAgain() async throws {
        let f = try S()
        let h = S.household()
        let first = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        let server = FakeServer { changeSets in
            .success(changeSets.map {
                $0.sequence == 1 ? Acknowledgement(changeSet: $0.id, status: .rejected, code: "sequence", message: "used")
                                 : Acknowledgement(changeSet: $0.id, status: .accepted, serverSequence: 9)
            })
        }
        let report = try await client(f.store, server).sync()
        #expect(report.rejected.isEmpty && report.accepted == 1)
        #expect(report.rebased.map(\.from) == [first.id] && report.rebased[0].toSequence == 2)
        #expect(server.pushed.count == 2)
        #expect(try f.store.outboxCounts() == (pending: 0, rejected: 0, accepted: 1))
    }

    @Test("a restored store asks the server how far the device got before pushing; an older server (404) is coped with")
    func restoredStoreAsksFirst() async throws {
        for highest in [Int64(3), nil] {
            let f = try S()
            let h = S.household()
            try await f.store.database.writer.write { db in
                try db.execute(sql: "INSERT INTO restoration(id, restoredAt, source, firstSequence) VALUES (1, 0, 'backup', 1)")
            }
            _ = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
            let server = FakeServer(highestSequence: highest) { changeSets in
                .success(changeSets.map {
                    $0.sequence <= (highest ?? 1) ? Acknowledgement(changeSet: $0.id, status: .rejected, code: "sequence", message: "used")
                                     : Acknowledgement(changeSet: $0.id, status: .accepted, serverSequence: 9)
                })
            }
            let report = try await client(f.store, server).sync()
            #expect(report.restored?.serverHighestSequence == highest)
            #expect(report.rejected.isEmpty && report.accepted == 1, "\(report)")
            #expect(report.rebased.count == (highest == nil ? 1 : 0), "renumbered before the push when the server could say")
            #expect(try f.store.pendingRestoration() == nil)
        }
    }
}
