import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// Issue 11, SPEC §9.7: records that left the laptop's scope (their household moved to a
/// village outside it) are removed when a pull names them, unless the outbox still holds an
/// edit of them.
@Suite("Departures: records that left the scope leave the laptop")
struct DepartureTests {
    typealias S = StoreFixture

    static let stamp = HLCStamp(wallMillis: 1_800_000_000_000, counter: 0, node: "dev-other")

    static func version<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, household: UUID, sequence: Int64) throws -> RecordVersion {
        RecordVersion(entity: entity, record: id, village: S.village, household: household,
                      fields: try RecordFields.fields(of: record).mapValues { FieldVersion(value: $0, stamp: stamp) }, serverSequence: sequence)
    }

    /// A household with two members, as pulled from the server (nothing in the outbox).
    static func pulled(_ f: S, names: [String], sequence: Int64) throws -> (household: Household, members: [Member]) {
        let h = S.household()
        let members = names.enumerated().map { S.member(h.id, name: $1, born: "1970-02-0\($0 + 1)", sequence: Int(sequence) * 10 + $0) }
        try f.store.apply(PullResponse(records: [try version(.household, h.id, h, household: h.id, sequence: sequence)]
                                           + members.map { try version(.member, $0.id, $0, household: h.id, sequence: sequence) },
                                       conflicts: [], cursor: sequence, hasMore: false))
        return (h, members)
    }

    func count(_ f: S, _ sql: String, _ id: UUID) throws -> Int {
        try f.store.database.writer.read { db in try Int.fetchOne(db, sql: sql, arguments: [id.uuidString]) ?? 0 }
    }

    @Test("a page's departures remove the records with their stamps, history, conflicts and search keys; others stay")
    func removed() throws {
        let f = try S()
        let moved = try Self.pulled(f, names: ["张秀英", "李大山"], sequence: 3)
        let stays = try Self.pulled(f, names: ["王秀兰"], sequence: 4)
        #expect(try f.store.households(matching: "秀").count == 2)
        let departures = [DepartedRecord(entity: .household, record: moved.household.id)] + moved.members.map { DepartedRecord(entity: .member, record: $0.id) }
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 9, hasMore: false, departures: departures))
        #expect(try f.store.household(moved.household.id) == nil)
        #expect(try f.store.households(matching: "秀").map(\.id) == [stays.household.id])
        for m in moved.members {
            #expect(try count(f, "SELECT COUNT(*) FROM member WHERE id = ?", m.id) == 0)
            #expect(try count(f, "SELECT COUNT(*) FROM fieldStamp WHERE record = ?", m.id) == 0)
            #expect(try count(f, "SELECT COUNT(*) FROM memberSearch WHERE member = ?", m.id) == 0)
        }
        #expect(try count(f, "SELECT COUNT(*) FROM fieldStamp WHERE record = ?", stays.household.id) > 0)
        // a departure of a record never held here (an initial sync after the move) is harmless
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 10, hasMore: false,
                                       departures: [DepartedRecord(entity: .visit, record: UUID())]))
        #expect(try f.store.household(stays.household.id) != nil)
    }

    @Test("a record an outbox change set still edits stays until that change set is answered, then goes")
    func heldUntilAnswered() throws {
        let f = try S()
        let moved = try Self.pulled(f, names: ["赵春花"], sequence: 3)
        var h = moved.household
        h.address = "新地址 1 号"
        let edit = try f.store.perform(.editHousehold(h))
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 9, hasMore: false,
                                       departures: [DepartedRecord(entity: .household, record: h.id), DepartedRecord(entity: .member, record: moved.members[0].id)]))
        // the member goes; the household, edited here and not yet pushed, waits
        #expect(try count(f, "SELECT COUNT(*) FROM member WHERE id = ?", moved.members[0].id) == 0)
        #expect(try f.store.household(h.id)?.address == "新地址 1 号")
        #expect(try count(f, "SELECT COUNT(*) FROM departedRecord WHERE record = ?", h.id) == 1)
        // a page without departures leaves it while the edit is pending
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 10, hasMore: false))
        #expect(try f.store.household(h.id) != nil)
        // the server answers the edit (here: refused, the household being elsewhere now); the next page removes it
        _ = try f.store.record([Acknowledgement(changeSet: edit.id, status: .rejected, code: "scope", message: "the record belongs to another village")])
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 11, hasMore: false))
        #expect(try f.store.household(h.id) == nil)
        #expect(try count(f, "SELECT COUNT(*) FROM departedRecord WHERE record = ?", h.id) == 0)
        // the change set typed here is not lost: it is set aside with its reason
        #expect(try f.store.outboxCounts().rejected == 1)
    }

    @Test("a record waiting for its edit to be answered that comes back meanwhile stays; a visit typed here keeps its household")
    func waitingCameBack() throws {
        let f = try S()
        let moved = try Self.pulled(f, names: ["孙悟净"], sequence: 3)
        var h = moved.household
        h.address = "花果山 1 号"
        let edit = try f.store.perform(.editHousehold(h))
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 9, hasMore: false,
                                       departures: [DepartedRecord(entity: .household, record: h.id)]))
        #expect(try count(f, "SELECT COUNT(*) FROM departedRecord WHERE record = ?", h.id) == 1)
        // moved back: the server sends the household again at a later sequence
        try f.store.apply(PullResponse(records: [try Self.version(.household, h.id, moved.household, household: h.id, sequence: 12)],
                                       conflicts: [], cursor: 12, hasMore: false))
        #expect(try count(f, "SELECT COUNT(*) FROM departedRecord WHERE record = ?", h.id) == 0)
        _ = try f.store.record([Acknowledgement(changeSet: edit.id, status: .accepted, serverSequence: 13)])
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 13, hasMore: false))
        #expect(try f.store.household(h.id) != nil)

        // a visit typed here for a household that then leaves: the household waits with it
        let other = try Self.pulled(f, names: ["猪八戒"], sequence: 14)
        try f.store.perform(.recordVisit(Visit(id: UUID(), household: other.household.id, date: try Day(iso: "2020-06-20"), visitors: ["李会计", "王主任"],
                                               interviewee: "猪八戒", observations: "房屋漏雨", conclusion: .truthful)))
        try f.store.apply(PullResponse(records: [], conflicts: [], cursor: 15, hasMore: false,
                                       departures: [DepartedRecord(entity: .household, record: other.household.id)]))
        #expect(try f.store.household(other.household.id) != nil)
    }

    @Test("a record that left and came back in one page stays: departures go before the page's records")
    func leftAndCameBack() throws {
        let f = try S()
        let moved = try Self.pulled(f, names: ["钱多多"], sequence: 3)
        try f.store.apply(PullResponse(records: [try Self.version(.household, moved.household.id, moved.household, household: moved.household.id, sequence: 12)],
                                       conflicts: [], cursor: 12, hasMore: false,
                                       departures: [DepartedRecord(entity: .household, record: moved.household.id)]))
        #expect(try f.store.household(moved.household.id) != nil)
    }

    @Test("a page's malformed departures are refused whole by the reader")
    func malformed() throws {
        for bad in [#"{"conflicts":[],"cursor":1,"departures":{},"hasMore":false,"records":[]}"#,
                    #"{"conflicts":[],"cursor":1,"departures":[{"entity":"castle","record":"\#(UUID().uuidString)"}],"hasMore":false,"records":[]}"#,
                    #"{"conflicts":[],"cursor":1,"departures":[{"entity":"member","record":"x"}],"hasMore":false,"records":[]}"#] {
            #expect(throws: WireError.self) { try PullResponse(wire: Data(bad.utf8)) }
        }
        let good = try PullResponse(wire: Data(#"{"conflicts":[],"cursor":1,"departures":[{"entity":"member","record":"\#(UUID().uuidString)"}],"hasMore":false,"protocolVersion":2,"records":[]}"#.utf8))
        #expect(good.departures.count == 1)
    }
}
