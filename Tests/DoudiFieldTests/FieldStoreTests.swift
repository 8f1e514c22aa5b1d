import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// A fresh in-memory store per test, set up for a village cadre, with a clock that advances 1 s per call.
struct StoreFixture {
    static let village = try! OrgCode("511011101201")
    let store: FieldStore

    init(role: Role = .collector, org: OrgCode = StoreFixture.village) throws {
        let tick = Counter()
        store = FieldStore(database: try .inMemory(), now: { 1_593_561_600_000 + tick.next() * 1000 })
        try store.setUp(DeviceSetup(name: "五星村笔记本", user: "李会计", role: role, org: org), deviceID: "dev-test")
    }

    static func day(_ s: String) -> Day { try! Day(iso: s) }

    static func household(_ id: UUID = UUID(), village: OrgCode = StoreFixture.village) -> Household {
        Household(id: id, village: village, hukou: village, address: "五星村3组12号", categories: [.registeredPoor])
    }

    static func member(_ household: UUID, name: String = "张大山", born: String = "1975-03-04", sequence: Int = 11, relation: Relation = .head) -> Member {
        Member(id: UUID(), household: household, name: name,
               residentID: try! ResidentID.make(area: "511011", birth: day(born), sequence: sequence), relation: relation)
    }

    /// Counts of every table, to prove a refused action wrote nothing.
    func counts() throws -> [String: Int] {
        try store.database.writer.read { db in
            var out: [String: Int] = [:]
            for t in ["household", "member", "obligor", "visit", "survey", "application", "workflow", "changeSet", "history", "fieldStamp"] {
                out[t] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(t)\"")!
            }
            out["nextSequence"] = Int(try Device.fetchOne(db)!.nextSequence)
            return out
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 0
    func next() -> Int64 { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

@Suite("Field store: change capture")
struct FieldStoreTests {
    typealias S = StoreFixture

    @Test("Registering a household writes the records and exactly one change set")
    func register() throws {
        let f = try S()
        let h = S.household()
        let m1 = S.member(h.id), m2 = S.member(h.id, name: "李秀英", born: "1978-05-06", sequence: 22, relation: .spouse)
        let cs = try f.store.perform(.registerHousehold(h, members: [m1, m2]))
        #expect(cs.sequence == 1 && cs.device == "dev-test" && cs.action == "household.register")
        #expect(cs.changes.map(\.entity) == [.household, .member, .member])
        #expect(cs.changes.allSatisfy { $0.operation == .create && $0.village == S.village && $0.household == h.id })
        #expect(cs.changes[1].fields.contains { $0.name == "residentID" && $0.value == .string(m1.residentID.value) && $0.previous == nil })
        #expect(cs.changes.flatMap(\.fields).allSatisfy { $0.stamp == cs.stamp })
        let c = try f.counts()
        #expect(c["household"] == 1 && c["member"] == 2 && c["changeSet"] == 1 && c["history"] == 3 && c["nextSequence"] == 2)
        // the stored case reads back exactly as written
        let back = try f.store.householdCase(h.id)
        #expect(back.household == h && back.members == [m1, m2])
        #expect(try f.store.outbox().map(\.changeSet) == [cs])
    }

    @Test("Each action writes exactly one change set, numbered without gaps")
    func eachAction() throws {
        let f = try S()
        let h = S.household()
        let head = S.member(h.id)
        try f.store.perform(.registerHousehold(h, members: [head]))
        var edited = h; edited.address = "五星村4组1号"; edited.phone = "13812345678"
        let survey = Survey(id: UUID(), household: h.id, date: S.day("2020-06-01"), surveyors: ["王五", "赵六"],
                            incomes: [IncomeItem(member: head.id, kind: .wage, amount: Money(yuan: 300))])
        let visit = Visit(id: UUID(), household: h.id, date: S.day("2020-06-02"), visitors: ["王五", "赵六"], interviewee: "张大山",
                          observations: "土坯房，家中无大件电器", conclusion: .truthful)
        let app = Application(id: UUID(), household: h.id, programme: .dibao, summary: "因病致贫", date: S.day("2020-06-03"))
        let actions: [FieldAction] = [
            .editHousehold(edited),
            .addMember(S.member(h.id, name: "张小明", born: "2010-01-01", sequence: 33, relation: .son)),
            .recordSurvey(survey), .recordVisit(visit), .draftApplication(app),
            .advanceApplication(app.id, .submit, on: S.day("2020-06-03"), policy: try policy()),
        ]
        for (i, action) in actions.enumerated() {
            let before = try f.counts()
            let cs = try f.store.perform(action)
            let after = try f.counts()
            #expect(cs.sequence == Int64(i + 2))
            #expect(after["changeSet"] == before["changeSet"]! + 1, "\(action.name)")
        }
        let e = try f.store.outbox().first { $0.changeSet.action == "household.edit" }!
        #expect(e.changeSet.changes.count == 1)
        #expect(Set(e.changeSet.changes[0].fields.map(\.name)) == ["address", "phone"])
        #expect(e.changeSet.changes[0].fields.first { $0.name == "address" }!.previous?.value == .string("五星村3组12号"))
        #expect(try f.store.workflow(of: app.id)?.stage == .submitted)
    }

    func policy() throws -> PolicyVersion {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        return try PolicyVersion.load(json: Data(contentsOf: url), document: "dongxing-2020.json")
    }

    @Test("A refused action changes nothing: duplicate ID number, negative income, unknown household, other village, void without reason")
    func refusedActionsWriteNothing() throws {
        let f = try S()
        let h = S.household()
        let head = S.member(h.id)
        try f.store.perform(.registerHousehold(h, members: [head]))
        let other = S.household()
        var dupe = S.member(other.id, name: "张三", born: "1975-03-04", sequence: 11) // same ID number as head
        dupe.relation = .head
        let negative = Survey(id: UUID(), household: h.id, date: S.day("2020-06-01"),
                              incomes: [IncomeItem(member: head.id, kind: .wage, amount: Money(fen: -100))])
        let orphanVisit = Visit(id: UUID(), household: UUID(), date: S.day("2020-06-02"), visitors: ["王五"], interviewee: "x",
                                observations: "", conclusion: .truthful)
        let elsewhere = S.household(village: try OrgCode("511011101202"))
        let cases: [(FieldAction, FieldError.Code)] = [
            (.registerHousehold(other, members: [dupe]), .duplicate),
            (.addMember(S.member(h.id, name: "李四", born: "1975-03-04", sequence: 11)), .duplicate),
            (.recordSurvey(negative), .validation),
            (.recordVisit(orphanVisit), .notFound),
            (.registerHousehold(elsewhere, members: [S.member(elsewhere.id, sequence: 99)]), .forbidden),
            (.void(.household, h.id, reason: "  "), .validation),
            (.editHousehold(h), .noChange),
            (.registerHousehold(h, members: [S.member(h.id, sequence: 55)]), .duplicate),
        ]
        for (action, code) in cases {
            let before = try f.counts()
            #expect { try f.store.perform(action) } throws: { ($0 as? FieldError)?.code == code }
            #expect(try f.counts() == before, "\(action.name) must leave the store as it was")
        }
    }

    @Test("A record only received from the server has no history row here (the server keeps it); its later versions do, and its short id resolves")
    func receivedHistory() throws {
        let f = try S()
        let h = S.household()
        let stamp = HLCStamp(wallMillis: 1_800_000_000_000, counter: 0, node: "dev-other")
        let author = Actor(user: "wuxing.collector2", role: .collector, org: S.village)
        func version(_ household: Household, at stamp: HLCStamp, sequence: Int64) throws -> RecordVersion {
            RecordVersion(entity: .household, record: household.id, village: S.village, household: household.id,
                          fields: try RecordFields.fields(of: household).mapValues { FieldVersion(value: $0, stamp: stamp) },
                          serverSequence: sequence, author: author, changeSet: UUID())
        }
        try f.store.apply(PullResponse(records: [try version(h, at: stamp, sequence: 5)], conflicts: [], cursor: 5, hasMore: false))
        #expect(try f.store.history(of: h.id).isEmpty)
        #expect(try f.counts()["history"] == 0)
        let reference = try f.store.resolveRecord(String(h.id.uuidString.prefix(8)))
        #expect(reference.entity == .household && reference.id == h.id)
        // a later version of a record held here is history, with the whole record as it then stood
        var moved = h
        moved.address = "五星村4组1号"
        try f.store.apply(PullResponse(records: [try version(moved, at: HLCStamp(wallMillis: 1_800_000_001_000, counter: 0, node: "dev-other"), sequence: 6)],
                                       conflicts: [], cursor: 6, hasMore: false))
        let versions = try f.store.history(of: h.id)
        #expect(versions.map(\.operation) == [.update] && versions[0].snapshot["address"] == .string("五星村4组1号"))
        #expect(versions[0].author == author)
    }

    @Test("History keeps every version; a void keeps the record with its reason")
    func history() throws {
        let f = try S()
        let h = S.household()
        var m = S.member(h.id)
        try f.store.perform(.registerHousehold(h, members: [m]))
        m.labourCapacity = .partial
        try f.store.perform(.editMember(m))
        m.health = .seriouslyIll; m.seriousIllness = "尿毒症"
        try f.store.perform(.editMember(m))
        try f.store.perform(.void(.member, m.id, reason: "重复登记"))
        let versions = try f.store.history(of: m.id)
        #expect(versions.map(\.operation) == [.create, .update, .update, .void])
        #expect(versions[1].fields == ["labourCapacity"])
        #expect(versions[1].snapshot["labourCapacity"] == .string("partial"))
        #expect(versions[2].fields == ["health", "seriousIllness"])
        #expect(versions[3].snapshot["voidReason"] == .string("重复登记"))
        #expect(versions.allSatisfy { $0.author.user == "李会计" })
        #expect(versions.map(\.stamp) == versions.map(\.stamp).sorted())
        // voided: gone from the case, still in the table, and cannot change
        #expect(try f.store.householdCase(h.id).members.isEmpty)
        #expect { try f.store.perform(.editMember(m)) } throws: { ($0 as? FieldError)?.code == .voided }
        // the voided ID number may be registered again
        try f.store.perform(.addMember(S.member(h.id, name: "张大山", born: "1975-03-04", sequence: 11)))
    }

    @Test("A laptop's own versions keep their values once, in the change set; history reads them there, a restore's reason too")
    func historyFromChangeSets() throws {
        let f = try S()
        var h = S.household()
        try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        h.address = "新地址 3 号"
        try f.store.perform(.editHousehold(h))
        try f.store.perform(.void(.household, h.id, reason: "重复登记"))
        try f.store.perform(.restore(.household, h.id, reason: "误作废，经核实恢复"))
        let versions = try f.store.history(of: h.id)
        #expect(versions.map(\.operation) == [.create, .update, .void, .restore])
        #expect(versions[1].fields == ["address"] && versions[1].snapshot["address"] == .string("新地址 3 号"))
        #expect(versions[3].snapshot["restoreReason"] == .string("误作废，经核实恢复") && versions[3].snapshot["voidReason"] == .null)
        // a history row whose change set is gone says the store is damaged, never a trap
        try f.store.database.writer.write { db in try db.execute(sql: "DELETE FROM changeSet WHERE action = 'household.edit'") }
        #expect { try f.store.history(of: h.id) } throws: { ($0 as? FieldError)?.code == .storeDamaged }
    }

    @Test("An edit that changes nothing is refused, even for sets (categories encode in a stable order)")
    func stableSets() throws {
        let f = try S()
        var h = S.household()
        h.categories = [.registeredPoor, .elderlyHousehold, .marginal, .specialHardship]
        try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        for _ in 0..<5 {
            #expect { try f.store.perform(.editHousehold(h)) } throws: { ($0 as? FieldError)?.code == .noChange }
        }
    }

    @Test("A change's previous version carries the stamp the field had, for merging")
    func previousStamps() throws {
        let f = try S()
        let h = S.household()
        let first = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        var e = h; e.address = "新址"
        let second = try f.store.perform(.editHousehold(e))
        let field = second.changes[0].fields[0]
        #expect(field.previous?.stamp == first.stamp)
        #expect(field.stamp > first.stamp)
    }

    @Test("Searching by name and listing households")
    func listing() throws {
        let f = try S()
        for (i, name) in ["张大山", "李秀英", "王小二"].enumerated() {
            let h = S.household()
            try f.store.perform(.registerHousehold(h, members: [S.member(h.id, name: name, sequence: i * 2 + 1)]))
        }
        #expect(try f.store.households().count == 3)
        let found = try f.store.households(matching: "秀")
        #expect(found.map(\.headName) == ["李秀英"])
        #expect(found[0].headResidentIDMasked?.contains("********") == true)
        #expect(try f.store.households(matching: "%").isEmpty)
    }

    @Test("The setup checks the org code against the role")
    func setUp() throws {
        let store = FieldStore(database: try .inMemory())
        #expect { try store.device() } throws: { ($0 as? FieldError)?.code == .notInitialised }
        #expect { try store.setUp(DeviceSetup(name: "x", user: "y", role: .collector, org: try OrgCode("511011101"))) } throws: {
            ($0 as? FieldError)?.field == "org"
        }
        try store.setUp(DeviceSetup(name: "x", user: "y", role: .townApprover, org: try OrgCode("511011101")))
        #expect { try store.setUp(DeviceSetup(name: "x", user: "y", org: S.village)) } throws: { ($0 as? FieldError)?.code == .duplicate }
    }
}

@Suite("Field store: after the server answers")
struct AcknowledgementTests {
    typealias S = StoreFixture

    @Test("A rejected change set is set aside and undone here; a retryable one stays pending")
    func rejectionUndone() throws {
        let f = try S()
        let h = S.household()
        let register = try f.store.perform(.registerHousehold(h, members: [S.member(h.id)]))
        var edited = h; edited.address = "新址"
        let edit = try f.store.perform(.editHousehold(edited))
        let newcomer = S.member(h.id, name: "李四", born: "1990-01-01", sequence: 33, relation: .son)
        let add = try f.store.perform(.addMember(newcomer))
        try f.store.record([
            Acknowledgement(changeSet: register.id, status: .accepted, serverSequence: 1),
            Acknowledgement(changeSet: edit.id, status: .rejected, code: "validation", message: "地址不符"),
            Acknowledgement(changeSet: add.id, status: .rejected, code: "dependency", message: "push the household first"),
        ])
        #expect(try f.store.householdCase(h.id).household.address == "五星村3组12号")
        let states = Dictionary(uniqueKeysWithValues: try f.store.outbox(states: [.pending, .rejected, .accepted]).map { ($0.changeSet.id, $0.state) })
        #expect(states[register.id] == .accepted && states[edit.id] == .rejected && states[add.id] == .pending)
        #expect(try f.store.householdCase(h.id).members.contains { $0.id == newcomer.id })
        // a rejected creation is voided here, with the server's reason
        try f.store.record([Acknowledgement(changeSet: add.id, status: .rejected, code: "validation", message: "不予登记")])
        #expect(try !f.store.householdCase(h.id).members.contains { $0.id == newcomer.id })
    }
}
