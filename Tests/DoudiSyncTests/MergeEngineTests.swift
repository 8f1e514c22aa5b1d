import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

@Suite("Merge engine")
struct MergeEngineTests {
    typealias F = MergeFixtures

    /// A server holding one household registered by the village collector (sequence 2,
    /// after the policy's).
    static func seeded() async throws -> (TestServer, Author, UUID, UUID, ChangeSet) {
        let server = try await TestServer.started()
        var a = Author(F.collector, device: "dev-a")
        let h = UUID(), m = UUID()
        let cs = a.changeSet("household.register") { s in
            [Author.create(.household, h, F.household(h), village: F.village, household: h, stamp: s),
             Author.create(.member, m, F.member(m, household: h, seq: 11), village: F.village, household: h, stamp: s)]
        }
        #expect(try await server.push(cs, by: F.collector).status == .accepted)
        return (server, a, h, m, cs)
    }

    static func edit(_ author: inout Author, household h: UUID, _ changes: [(String, JSONValue)], base: ChangeSet, entity: EntityKind = .household, record: UUID? = nil) -> ChangeSet {
        author.changeSet("\(entity.rawValue).edit") { s in
            [Change(entity: entity, record: record ?? h, operation: .update, village: F.village, household: h,
                    fields: changes.map { FieldChange(name: $0.0, value: $0.1, stamp: s, previous: FieldVersion(value: .null, stamp: base.stamp)) })]
        }
    }

    @Test("Edits of different fields from the same base merge silently")
    func differentFields() async throws {
        let (server, a0, h, _, base) = try await Self.seeded()
        var a = a0, b = Author(F.collector, device: "dev-b")
        b.now = a.now
        let ea = Self.edit(&a, household: h, [("address", .string("新址一"))], base: base)
        let eb = Self.edit(&b, household: h, [("phone", .string("13800000000"))], base: base)
        #expect(try await server.push(ea, by: F.collector).status == .accepted)
        #expect(try await server.push(eb, by: F.collector).status == .accepted)
        let r = try #require(try server.record(.household, h))
        #expect(r.values["address"] == .string("新址一") && r.values["phone"] == .string("13800000000"))
        #expect(try await server.conflicts().isEmpty)
    }

    @Test("The same field edited from the same base: the later stamp stands, the other is kept in a conflict, whatever the arrival order",
          arguments: [false, true])
    func sameField(reversed: Bool) async throws {
        let (server, a0, h, _, base) = try await Self.seeded()
        var a = a0, b = Author(F.collector, device: "dev-b")
        b.now = a.now + 5_000  // b edits later
        let ea = Self.edit(&a, household: h, [("address", .string("A址"))], base: base)
        let eb = Self.edit(&b, household: h, [("address", .string("B址"))], base: base)
        let order = reversed ? [eb, ea] : [ea, eb]
        var acks: [Acknowledgement] = []
        for cs in order { acks.append(try await server.push(cs, by: F.collector)) }
        #expect(acks[0].status == .accepted)
        #expect(acks[1].status == .acceptedWithConflicts && acks[1].conflicts.count == 1)
        #expect(try server.record(.household, h)?.values["address"] == .string("B址"))
        let c = try #require(try await server.conflicts().first)
        #expect(c.kind == .concurrentEdit && c.field == "address" && c.kept == .string("B址") && c.other == .string("A址"))
    }

    @Test("A retried change set is answered the same and applied once")
    func idempotent() async throws {
        let (server, _, _, _, base) = try await Self.seeded()
        let before = try server.records()
        let again = try await server.push(base, by: F.collector)
        #expect(again.status == .accepted && again.serverSequence == 2)
        #expect(try server.records() == before && server.acceptedCount == 1)
        #expect(try await server.sequence() == 2)
    }

    @Test("Rejections leave the state unchanged: scope, authority, author mismatch, validation, clock")
    func rejections() async throws {
        let (server, a0, h, _, base) = try await Self.seeded()
        let before = try server.records()
        var a = a0
        var other = Author(F.collector2, device: "dev-c")
        let h2 = UUID()
        let foreign = other.changeSet("household.register") { s in [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s)] }
        #expect(try await server.push(foreign, by: F.collector).code == "scope")            // token of village 1, author of village 2
        let intoOther = a.changeSet("household.register") { s in [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s)] }
        #expect(try await server.push(intoOther, by: F.collector).code == "scope")          // village 1 writing village 2
        let decision = Decision(id: UUID(), application: UUID(), outcome: .approved, reason: "同意", decidedBy: "李会计", role: .collector, org: F.village, date: try Day(iso: "2020-07-01"))
        let approving = a.changeSet("decision.record") { s in [Author.create(.decision, decision.id, decision, village: F.village, household: h, stamp: s)] }
        #expect(try await server.push(approving, by: F.collector).code == "authority")
        let bad = Self.edit(&a, household: h, [("address", .string(""))], base: base)
        #expect(try await server.push(bad, by: F.collector).code == "validation")
        var visit = Visit(id: UUID(), household: h, date: try Day(iso: "2020-07-01"), visitors: ["王五"], interviewee: "张", observations: "x", conclusion: .truthful)
        let v = a.changeSet("visit.record") { s in [Author.create(.visit, visit.id, visit, village: F.village, household: h, stamp: s)] }
        #expect(try await server.push(v, by: F.collector).status == .accepted)
        visit.observations = "改"
        let editVisit = Self.edit(&a, household: h, [("observations", .string("改"))], base: v, entity: .visit, record: visit.id)
        #expect(try await server.push(editVisit, by: F.collector).code == "validation")      // append-only
        var future = Author(F.collector, device: "dev-f")
        future.now += 3 * 86_400_000
        let ahead = Self.edit(&future, household: h, [("phone", .string("1"))], base: base)
        #expect(try await server.push(ahead, by: F.collector, now: 1_593_561_600_000).code == "clock")
        var after = try server.records()
        after.removeValue(forKey: RecordKey(.visit, visit.id))
        #expect(after == before)
        #expect(try await server.conflicts().isEmpty)
    }

    @Test("A workflow kept under another record than its application, or another village, and a change that does not name its record's household, are rejected (SPEC §7.1, §7.6)")
    func recordsAgreeWithTheirChange() async throws {
        let (server, a0, h, _, _) = try await Self.seeded()
        var a = a0
        let before = try server.records()
        let app = Application(id: UUID(), household: h, programme: .dibao, summary: "因病致贫", date: try Day(iso: "2020-06-01"))
        let wf = try ApplicationWorkflow(for: app, village: F.village)
        // the workflow written under another id than its application's
        let misplaced = a.changeSet("application.draft") { s in
            [Author.create(.application, app.id, app, village: F.village, household: h, stamp: s),
             Author.create(.workflow, UUID(), wf, village: F.village, household: h, stamp: s)]
        }
        let wrongID = try await server.push(misplaced, by: F.collector)
        #expect(wrongID.code == "validation" && (wrongID.message ?? "").contains("application"), "\(wrongID)")
        // a member whose change does not name its household
        let member = F.member(UUID(), household: h, seq: 77, name: "张小山")
        let unnamed = a.changeSet("member.add") { s in [Author.create(.member, member.id, member, village: F.village, household: nil, stamp: s)] }
        let noHousehold = try await server.push(unnamed, by: F.collector)
        #expect(noHousehold.code == "validation" && (noHousehold.message ?? "").contains("household"), "\(noHousehold)")
        #expect(try server.records() == before, "nothing of either is kept")
        // the same, told right, is accepted
        let right = a.changeSet("application.draft") { s in
            [Author.create(.application, app.id, app, village: F.village, household: h, stamp: s),
             Author.create(.workflow, app.id, wf, village: F.village, household: h, stamp: s)]
        }
        #expect(try await server.push(right, by: F.collector).status == .accepted)
    }

    @Test("One ID number is one person: a second registration is kept voided with a conflict holding both")
    func duplicatePerson() async throws {
        let (server, _, _, m, _) = try await Self.seeded()
        var b = Author(F.collector2, device: "dev-b")
        let h2 = UUID(), m2 = UUID()
        let cs = b.changeSet("household.register") { s in
            [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s),
             Author.create(.member, m2, F.member(m2, household: h2, seq: 11, name: "张大三"), village: F.village2, household: h2, stamp: s)]
        }
        let ack = try await server.push(cs, by: F.collector2)
        #expect(ack.status == .acceptedWithConflicts)
        #expect(try server.record(.member, m2)?.isVoided == true)
        #expect(try server.record(.member, m)?.isVoided == false)
        let c = try #require(try await server.conflicts().first)
        #expect(c.kind == .duplicatePerson && c.field == "residentID")
        guard case .object(let other) = c.other, case .object(let kept) = c.kept else { Issue.record("both versions kept"); return }
        #expect(other["name"] == .string("张大三"))
        // the standing registration is named, not copied: it may be another village's person
        #expect(kept == ["record": .string(m.uuidString), "village": .string(F.village.value), "household": kept["household"] ?? .null])
        #expect(kept["name"] == nil && kept["residentID"] == nil)
    }

    @Test("A void does not silently beat a concurrent edit")
    func voidVersusEdit() async throws {
        let (server, a0, h, _, base) = try await Self.seeded()
        var a = a0, b = Author(F.collector, device: "dev-b")
        b.now = a.now
        let edit = Self.edit(&b, household: h, [("address", .string("新址"))], base: base)
        #expect(try await server.push(edit, by: F.collector).status == .accepted)
        let void = a.changeSet("household.void") { s in
            [Change(entity: .household, record: h, operation: .void, village: F.village, household: h,
                    fields: [FieldChange(name: "voidReason", value: .string("迁出"), stamp: s, previous: nil)], base: base.stamp)]
        }
        let ack = try await server.push(void, by: F.collector)
        #expect(ack.status == .acceptedWithConflicts)
        #expect(try await server.conflicts().last?.kind == .voidVersusEdit)
        #expect(try server.record(.household, h)?.isVoided == true)
    }

    /// A reserve-fund entry of `F.town` as its own change set.
    static func fundEntry(_ author: inout Author, _ kind: ReserveFundEntry.Kind, _ yuan: Int64, id: UUID = UUID()) throws -> ChangeSet {
        let e = ReserveFundEntry(id: id, town: F.town, kind: kind, amount: Money(yuan: yuan), date: try Day(iso: "2020-07-01"))
        return author.changeSet("reserveFund.\(kind.rawValue)") { s in [Author.create(.reserveFundEntry, e.id, e, village: F.town, household: nil, stamp: s)] }
    }

    @Test("§3.6.5 a reserve-fund draw that overdraws the town's fund is kept and flagged; only the district allocates")
    func reserveFund() async throws {
        let server = try await TestServer.started()
        var t = Author(F.approver, device: "dev-t")
        var d = Author(F.officer, device: "dev-d")
        #expect(try await server.push(try Self.fundEntry(&d, .allocation, 1000), by: F.officer).status == .accepted)
        #expect(try await server.push(try Self.fundEntry(&t, .draw, 600), by: F.approver).status == .accepted)
        let second = try await server.push(try Self.fundEntry(&t, .draw, 600), by: F.approver)
        #expect(second.status == .acceptedWithConflicts)
        #expect(try await server.conflicts().first?.kind == .reserveFundOverdrawn)
        #expect(try server.reserveFundBalance(town: F.town) == Money(yuan: -200))
        // §3.6.5: the district allocates and replenishes; a town cannot fund itself
        let selfFunded = try await server.push(try Self.fundEntry(&t, .allocation, 5000), by: F.approver)
        #expect(selfFunded.status == .rejected && selfFunded.code == "authority")
        #expect(try await server.push(try Self.fundEntry(&t, .replenishment, 5000), by: F.approver).code == "authority")
        #expect(try server.reserveFundBalance(town: F.town) == Money(yuan: -200))
    }
}

// MARK: - invariants across change sets, over the ledger

@Suite("Ledger: §3.1 and §3.6.5 invariants across change sets and pushes")
struct LedgerInvariantTests {
    typealias F = MergeFixtures

    /// A dibao enrolment of `household` (of `member`, for a single-person case).
    static func dibao(household: UUID, member: UUID? = nil, start: String, end: String? = nil, gradualExitStart: String? = nil) throws -> Enrolment {
        Enrolment(id: UUID(), household: household, programme: .dibao, member: member, start: try F.month(start), end: try end.map(F.month),
                  monthlyAmount: Money(yuan: 300), gradualExitStart: try gradualExitStart.map(F.month))
    }

    /// The change set a town device makes when it enrols.
    static func enrol(_ author: inout Author, _ e: Enrolment) -> ChangeSet {
        author.changeSet("enrolment.create") { s in [Author.create(.enrolment, e.id, e, village: F.village, household: e.household, stamp: s)] }
    }

    /// Two town devices (two approvers of the same town), their clocks after the collector's.
    static func townDevices() -> (Author, Author) {
        var t1 = Author(F.approver, device: "dev-t1"), t2 = Author(F.approver2, device: "dev-t2")
        t1.now += 60_000; t2.now += 120_000
        return (t1, t2)
    }

    @Test("§3.1 one person, one dibao over overlapping months: a second dibao starting inside a gradual-exit enrolment's months is parked with a conflict; one after its end month is not")
    func oneDibaoOverOverlappingMonths() async throws {
        let (server, _, h, _, _) = try await MergeEngineTests.seeded()
        var (t1, t2) = Self.townDevices()
        // in gradual exit (渐退期) from 2020-07, paid until its end month 2020-09
        let exiting = try Self.dibao(household: h, start: "2020-01", end: "2020-09", gradualExitStart: "2020-07")
        #expect(try await server.push(Self.enrol(&t1, exiting), by: F.approver).status == .accepted)

        // another town device enrols the household again from 2020-08: two dibao in 2020-08 and 2020-09
        let overlapping = try Self.dibao(household: h, start: "2020-08")
        let ack = try await server.push(Self.enrol(&t2, overlapping), by: F.approver2)
        #expect(ack.status == .acceptedWithConflicts && ack.conflicts.count == 1)
        let conflict = try #require(try await server.conflicts().first)
        #expect(conflict.kind == .duplicateEnrolment && conflict.record == overlapping.id && ack.conflicts == [conflict.id])
        guard case .object(let kept) = conflict.kept, case .object(let other) = conflict.other else { Issue.record("both enrolments kept"); return }
        #expect(kept["id"] == .string(exiting.id.uuidString) && other["id"] == .string(overlapping.id.uuidString))
        let parked = try #require(try server.record(.enrolment, overlapping.id))
        #expect(parked.isVoided, "the second enrolment is kept, voided (parked) until someone decides")
        #expect(try server.record(.enrolment, exiting.id)?.isVoided == false)

        // from 2020-10, after the gradual exit's last month: no month paid twice
        let following = try Self.dibao(household: h, start: "2020-10")
        let next = try await server.push(Self.enrol(&t2, following), by: F.approver2)
        #expect(next.status == .accepted && next.conflicts.isEmpty)
        #expect(try server.record(.enrolment, following.id)?.isVoided == false)
        #expect(try await server.conflicts().count == 1)
    }

    @Test("§3.1 a single-person dibao (单人保) beside a household-level dibao over the same months is a second dibao for that person, in either order",
          arguments: [false, true])
    func singlePersonBesideHousehold(singleFirst: Bool) async throws {
        let (server, _, h, m, _) = try await MergeEngineTests.seeded()
        var (t1, t2) = Self.townDevices()
        let household = try Self.dibao(household: h, start: "2020-03", end: "2020-12")
        let single = try Self.dibao(household: h, member: m, start: "2020-06")
        let (first, second) = singleFirst ? (single, household) : (household, single)
        #expect(try await server.push(Self.enrol(&t1, first), by: F.approver).status == .accepted)
        let ack = try await server.push(Self.enrol(&t2, second), by: F.approver2)
        #expect(ack.status == .acceptedWithConflicts)
        #expect(try await server.conflicts().map(\.kind) == [.duplicateEnrolment])
        #expect(try server.record(.enrolment, second.id)?.isVoided == true)
        #expect(try server.record(.enrolment, first.id)?.isVoided == false)
    }

    @Test("§3.1 a non-dibao enrolment, or a single-person dibao over months the household's dibao does not pay, is no second dibao")
    func notASecondDibao() async throws {
        let (server, _, h, m, _) = try await MergeEngineTests.seeded()
        var (t1, _) = Self.townDevices()
        #expect(try await server.push(Self.enrol(&t1, try Self.dibao(household: h, start: "2020-01", end: "2020-05")), by: F.approver).status == .accepted)
        let single = try Self.dibao(household: h, member: m, start: "2020-06")
        #expect(try await server.push(Self.enrol(&t1, single), by: F.approver).status == .accepted)
        let aid = Enrolment(id: UUID(), household: h, programme: .classifiedAid, member: m, start: try F.month("2020-06"), monthlyAmount: Money(yuan: 50))
        #expect(try await server.push(Self.enrol(&t1, aid), by: F.approver).status == .accepted)
        #expect(try await server.conflicts().isEmpty)
    }

    @Test("§3.1 two dibao enrolments of one person in one push (two change sets): the second is merged over the first and conflicts")
    func twoDibaoInOnePush() async throws {
        let (server, _, h, m, _) = try await MergeEngineTests.seeded()
        var (t1, _) = Self.townDevices()
        let first = try Self.dibao(household: h, start: "2020-07")
        let second = try Self.dibao(household: h, member: m, start: "2020-09", end: "2020-12")
        let acks = try await server.push([Self.enrol(&t1, first), Self.enrol(&t1, second)], by: F.approver)
        #expect(acks.map(\.status) == [.accepted, .acceptedWithConflicts])
        #expect(acks.map(\.serverSequence) == [3, 4])
        let conflict = try #require(try await server.conflicts().first)
        #expect(conflict.kind == .duplicateEnrolment && conflict.record == second.id && acks[1].conflicts == [conflict.id])
        #expect(try server.record(.enrolment, first.id)?.isVoided == false)
        #expect(try server.record(.enrolment, second.id)?.isVoided == true)
    }

    @Test("§3.6.5 two draws in one push that together overdraw the town's fund: the second is kept and flagged")
    func twoDrawsInOnePush() async throws {
        let server = try await TestServer.started()
        var t = Author(F.approver, device: "dev-t")
        var d = Author(F.officer, device: "dev-d")
        #expect(try await server.push(try MergeEngineTests.fundEntry(&d, .allocation, 1000), by: F.officer).status == .accepted)
        let firstDraw = UUID(), secondDraw = UUID()
        let acks = try await server.push([try MergeEngineTests.fundEntry(&t, .draw, 600, id: firstDraw),
                                          try MergeEngineTests.fundEntry(&t, .draw, 600, id: secondDraw)], by: F.approver)
        #expect(acks.map(\.status) == [.accepted, .acceptedWithConflicts])
        let conflict = try #require(try await server.conflicts().first)
        #expect(conflict.kind == .reserveFundOverdrawn && conflict.record == secondDraw && acks[1].conflicts == [conflict.id])
        #expect(conflict.kept == .string("600.00") && conflict.other == .string("400.00"), "the draw, and the balance before it")
        // both payments are kept: neither draw is voided
        #expect(try server.record(.reserveFundEntry, firstDraw)?.isVoided == false)
        #expect(try server.record(.reserveFundEntry, secondDraw)?.isVoided == false)
        #expect(try server.reserveFundBalance(town: F.town) == Money(yuan: -200))
    }
}

// MARK: - idempotency and rejections, over the ledger

@Suite("Ledger: idempotency and rejections")
struct LedgerIdempotencyTests {
    typealias F = MergeFixtures

    /// What a rejection must leave as it was.
    struct StoreState: Equatable {
        var records: [RecordKey: RecordVersion]
        var conflicts: [ConflictRecord]
        var sequence: Int64
        var accepted: Int
    }

    @Test("A change set sent twice in one push and again in a later push gets the first answer each time and is applied once; its id with another body is rejected `validation`")
    func sameChangeSetAgain() async throws {
        let (server, a0, h, _, base) = try await MergeEngineTests.seeded()
        var a = a0
        let edit = MergeEngineTests.edit(&a, household: h, [("phone", .string("13800000009"))], base: base)
        let twice = try await server.push([edit, edit], by: F.collector)
        #expect(twice.count == 2 && twice[0] == twice[1])
        #expect(twice[0].status == .accepted && twice[0].serverSequence == 3)
        let stored = try server.records()
        let later = try await server.push(edit, by: F.collector)
        #expect(later == twice[0])
        #expect(try server.records() == stored)
        #expect(server.acceptedCount == 2)
        #expect(try await server.sequence() == 3)

        // the same id with a different body: refused, the first change set stands
        var forged = edit
        forged.changes[0].fields[0].value = .string("13900000000")
        let refused = try await server.push(forged, by: F.collector)
        #expect(refused.status == .rejected && refused.code == "validation" && refused.message?.contains("used before") == true)
        #expect(try server.record(.household, h)?.values["phone"] == .string("13800000009"))
        // and in one push: the first copy is answered, the other body refused
        let fresh = MergeEngineTests.edit(&a, household: h, [("address", .string("新址三"))], base: base)
        var other = fresh
        other.note = "另一个正文"
        let mixed = try await server.push([fresh, other, fresh], by: F.collector)
        #expect(mixed.map(\.status) == [.accepted, .rejected, .accepted], "\(mixed)")
        #expect(mixed.count == 3 && mixed[0] == mixed[2])
        #expect(mixed[1].code == "validation")
        #expect(server.acceptedCount == 3)
        #expect(try await server.sequence() == 4)
        // the replay of the whole first push still gets its first answers
        #expect(try await server.push([edit, edit], by: F.collector) == twice)
    }

    @Test("A rejected change set leaves the store as it was (records, conflicts, sequence) and a retry gets the same answer")
    func rejectionLeavesStoreAlone() async throws {
        let (server, a0, h, _, base) = try await MergeEngineTests.seeded()
        var a = a0
        func snapshot() async throws -> StoreState {
            StoreState(records: try server.records(), conflicts: try await server.conflicts(), sequence: try await server.sequence(),
                       accepted: server.acceptedCount)
        }
        let before = try await snapshot()
        let bad = MergeEngineTests.edit(&a, household: h, [("address", .string(""))], base: base)
        let first = try await server.push(bad, by: F.collector)
        #expect(first.status == .rejected && first.code == "validation" && first.serverSequence == nil)
        #expect(try await snapshot() == before)
        let retry = try await server.push(bad, by: F.collector)
        #expect(retry == first)
        #expect(try await snapshot() == before)

        // a rejection among accepted change sets costs nothing: the others take consecutive sequences
        let good1 = MergeEngineTests.edit(&a, household: h, [("phone", .string("13800000001"))], base: base)
        let bad2 = MergeEngineTests.edit(&a, household: h, [("address", .string(""))], base: base)
        let good2 = MergeEngineTests.edit(&a, household: h, [("housing", .string("rented"))], base: base)
        let acks = try await server.push([good1, bad2, good2], by: F.collector)
        #expect(acks.map(\.status) == [.accepted, .rejected, .accepted])
        #expect(acks.map(\.serverSequence) == [3, nil, 4])
        #expect(try await server.sequence() == 4)
        #expect(server.acceptedCount == 3)
    }

    @Test("A retryable rejection (`dependency`) is not remembered: once what it builds on arrives, the same change set is accepted")
    func retryableRejectionIsNotRemembered() async throws {
        let server = try await TestServer.started()
        var a = Author(F.collector, device: "dev-a")
        let h = UUID()
        let register = a.changeSet("household.register") { s in [Author.create(.household, h, F.household(h), village: F.village, household: h, stamp: s)] }
        let edit = MergeEngineTests.edit(&a, household: h, [("phone", .string("13800000002"))], base: register)
        let early = try await server.push(edit, by: F.collector)
        #expect(early.status == .rejected && early.code == "dependency")
        #expect(try server.records().count == 1, "only the policy")
        #expect(try await server.sequence() == 1)
        let acks = try await server.push([register, edit], by: F.collector)
        #expect(acks.map(\.status) == [.accepted, .accepted])
        #expect(try server.record(.household, h)?.values["phone"] == .string("13800000002"))
    }

    @Test("A device number used for one change set cannot be used for another: `sequence`")
    func deviceSequenceOnce() async throws {
        let (server, _, h, _, base) = try await MergeEngineTests.seeded()
        var reinstalled = Author(F.collector, device: "dev-a") // numbers from 1 again
        reinstalled.now += 10_000
        let edit = MergeEngineTests.edit(&reinstalled, household: h, [("phone", .string("13800000003"))], base: base)
        let ack = try await server.push(edit, by: F.collector)
        #expect(ack.status == .rejected && ack.code == "sequence")
        #expect(try await server.sequence() == 2)
    }
}

@Suite("Ledger: what a rejection remembers")
struct LedgerRememberedRejectionTests {
    typealias F = MergeFixtures

    @Test("A change set pushed once under a token bound to another device is refused `scope`; pushed afterwards from its own device, as the message says, it is accepted")
    func wrongDeviceThenRightDevice() async throws {
        let (server, a0, h, _, base) = try await MergeEngineTests.seeded()
        var a = a0
        let edit = MergeEngineTests.edit(&a, household: h, [("phone", .string("13800000004"))], base: base)
        let wrong = try await server.push(edit, by: F.collector, device: "dev-b")
        #expect(wrong.status == .rejected && wrong.code == "scope")
        #expect(wrong.message?.contains("push it from that device") == true)
        let right = try await server.push(edit, by: F.collector, device: "dev-a")
        // a refusal about who pushed it is not the change set's final answer: its own device may push it
        #expect(right.status == .accepted, "\(right.code ?? "") \(right.message ?? "")")
    }
}

@Suite("Merge engine: workflow")
struct WorkflowMergeTests {
    typealias F = MergeFixtures
    static let policy = F.policy

    /// The change a device makes when it moves a workflow on: only the fields that changed.
    static func step(_ author: inout Author, _ before: ApplicationWorkflow, _ after: ApplicationWorkflow, household: UUID) -> ChangeSet {
        let old = try! RecordFields.fields(of: before), new = try! RecordFields.fields(of: after)
        return author.changeSet("application.step") { s in
            [Change(entity: .workflow, record: after.application, operation: .update, village: F.village, household: household,
                    fields: new.keys.sorted().filter { old[$0] != new[$0] }.map { FieldChange(name: $0, value: new[$0]!, stamp: s, previous: nil) })]
        }
    }

    /// A temporary-aid case brought to the end of its notice on the server.
    static func caseOnNotice() async throws -> (TestServer, Author, ApplicationWorkflow, UUID, Day) {
        let (server, a0, h, _, _) = try await MergeEngineTests.seeded()
        var collector = a0
        var town = Author(F.approver, device: "dev-t")
        town.now = collector.now + 10_000
        let app = Application(id: UUID(), household: h, programme: .temporaryAid, temporaryAidType: .expenditure, hardship: .particular,
                              amountPerPerson: Money(yuan: 1_500), persons: 1, summary: "重病", date: try Day(iso: "2020-06-01"))
        var wf = try ApplicationWorkflow(for: app, village: F.village)
        let draft = collector.changeSet("application.draft") { s in
            [Author.create(.application, app.id, app, village: F.village, household: h, stamp: s),
             Author.create(.workflow, app.id, wf, village: F.village, household: h, stamp: s)]
        }
        #expect(try await server.push(draft, by: F.collector).status == .accepted)
        var before = wf
        try wf.apply(.submit, by: F.collector, on: Day(iso: "2020-06-01"), policy: policy)
        #expect(try await server.push(step(&collector, before, wf, household: h), by: F.collector).status == .accepted)
        for (event, day) in [(WorkflowEvent.startTownReview, "2020-06-02"),
                             (.recordCollectiveReview(.init(chair: "周镇长", recorder: "吴干事", agreeing: 7, disagreeing: 0, qualifies: true)), "2020-06-03"),
                             (.postNotice, "2020-06-04")] {
            before = wf
            try wf.apply(event, by: F.approver, on: Day(iso: day), policy: policy)
            let ack = try await server.push(step(&town, before, wf, household: h), by: F.approver)
            #expect(ack.status == .accepted, "\(ack.message ?? "")")
        }
        return (server, town, wf, h, try Day(iso: "2020-06-11"))
    }

    @Test("A town approving above its authority is rejected `authority`, and the server keeps the case as it was")
    func townAboveAuthority() async throws {
        let (server, town0, wf, h, day) = try await Self.caseOnNotice()
        var town = town0
        let before = try server.records()
        // the laptop's own copy of the rules would refuse; a tampered or old client sends it anyway
        var forged = wf
        let transition = ApplicationWorkflow.Transition(from: .publicNotice, to: .approved, event: .approve(.init(amount: Money(fen: 108_001))),
                                                        actor: F.approver, day: day, policy: Self.policy.id)
        guard case .array(var history) = try RecordFields.fields(of: forged)["history"] ?? .null else { Issue.record("history is a list"); return }
        history.append(try RecordFields.value(of: transition))
        let cs = town.changeSet("application.approve") { s in
            [Change(entity: .workflow, record: wf.application, operation: .update, village: F.village, household: h,
                    fields: [FieldChange(name: "history", value: .array(history), stamp: s, previous: nil)])]
        }
        let ack = try await server.push(cs, by: F.approver)
        #expect(ack.status == .rejected && ack.code == "authority")
        #expect(ack.message?.contains("refer") == true || ack.message?.contains("district") == true)
        #expect(try server.records() == before)
        // within the authority it passes
        forged = wf
        try forged.apply(.approve(.init(amount: Money(yuan: 1_080))), by: F.approver, on: day, policy: Self.policy)
        #expect(try await server.push(Self.step(&town, wf, forged, household: h), by: F.approver).status == .accepted)
    }

    @Test("A collector cannot approve: the step replayed on the server is refused `authority`")
    func collectorApproving() async throws {
        let (server, _, wf, h, day) = try await Self.caseOnNotice()
        var collector = Author(F.collector, device: "dev-x")
        collector.now += 60_000
        guard case .array(var history) = try RecordFields.fields(of: wf)["history"] ?? .null else { Issue.record("history is a list"); return }
        history.append(try RecordFields.value(of: ApplicationWorkflow.Transition(from: .publicNotice, to: .approved, event: .approve(.init(amount: Money(yuan: 500))),
                                                                                actor: F.collector, day: day, policy: Self.policy.id)))
        let cs = collector.changeSet("application.approve") { s in
            [Change(entity: .workflow, record: wf.application, operation: .update, village: F.village, household: h,
                    fields: [FieldChange(name: "history", value: .array(history), stamp: s, previous: nil)])]
        }
        let ack = try await server.push(cs, by: F.collector)
        #expect(ack.status == .rejected && ack.code == "authority")
    }
}

// MARK: - pull paging, over the ledger

@Suite("Ledger: pull paging (§9)")
struct LedgerPullTests {
    typealias F = MergeFixtures

    /// A household with `members` members, registered in one change set.
    static func register(_ author: inout Author, village: OrgCode, members: Int, firstNumber: Int) -> (ChangeSet, UUID) {
        let h = UUID()
        let cs = author.changeSet("household.register") { s in
            [Author.create(.household, h, F.household(h, village: village), village: village, household: h, stamp: s)]
                + (0..<members).map { i in
                    let m = UUID()
                    return Author.create(.member, m, F.member(m, household: h, seq: firstNumber + i, name: "成员\(firstNumber + i)"),
                                         village: village, household: h, stamp: s)
                }
        }
        return (cs, h)
    }

    /// The feed the tests page through, by server sequence (a record is in the feed once, at
    /// the sequence that last wrote it):
    /// 1 the policy (district); 2 a village-1 household with one member (the member: 1 row);
    /// 3 a village-2 household (2 rows); 4 a village-1 household with four members (5 rows);
    /// 5 and 6 two edits of the household of 2 from the same base (5: no rows left, 6: the
    /// household and a conflict); 7 a village-2 household (2 rows).
    static func feed() async throws -> TestServer {
        let server = try await TestServer.started()
        var a = Author(F.collector, device: "dev-a"), b = Author(F.collector, device: "dev-b"), c = Author(F.collector2, device: "dev-c")
        b.now += 500
        let (first, h) = Self.register(&a, village: F.village, members: 1, firstNumber: 31)
        #expect(try await server.push(first, by: F.collector).serverSequence == 2)
        #expect(try await server.push(Self.register(&c, village: F.village2, members: 1, firstNumber: 41).0, by: F.collector2).serverSequence == 3)
        #expect(try await server.push(Self.register(&a, village: F.village, members: 4, firstNumber: 51).0, by: F.collector).serverSequence == 4)
        #expect(try await server.push(MergeEngineTests.edit(&a, household: h, [("address", .string("一组"))], base: first), by: F.collector).serverSequence == 5)
        let edit = try await server.push(MergeEngineTests.edit(&b, household: h, [("address", .string("二组"))], base: first), by: F.collector)
        #expect(edit.serverSequence == 6 && edit.status == .acceptedWithConflicts)
        #expect(try await server.push(Self.register(&c, village: F.village2, members: 1, firstNumber: 42).0, by: F.collector2).serverSequence == 7)
        return server
    }

    /// The sequences of a page's records, in order, each once.
    static func sequences(_ page: PullResponse) -> [Int64] {
        var seen: [Int64] = []
        for r in page.records where seen.last != r.serverSequence { seen.append(r.serverSequence) }
        return seen
    }

    @Test("§9 pages hold whole sequences within `limit`, the first sequence whole even when larger; the last cursor is the current sequence")
    func pagesOfWholeSequences() async throws {
        let server = try await Self.feed()
        let town = try await server.pullAll(scope: F.town, after: 0, limit: 3)
        #expect(town.map(Self.sequences) == [[1, 2], [3], [4], [6], [7]])
        #expect(town.map(\.cursor) == [2, 3, 4, 6, 7])
        #expect(town.map(\.hasMore) == [true, true, true, true, false])
        // sequence 4 (five rows) is taken whole though the limit is 3
        #expect(town[2].records.count == 5)
        // every other page stays within the limit, records and conflicts counted together
        for (i, page) in town.enumerated() where i != 2 { #expect(page.records.count + page.conflicts.count <= 3) }
        // the conflict travels with the record of the sequence that recorded it
        #expect(town.map(\.conflicts.count) == [0, 0, 0, 1, 0])
        // paging loses and repeats nothing: the pages are one whole pull
        let whole = try await server.pull(scope: F.town, after: 0, limit: 1000)
        #expect(!whole.hasMore && whole.cursor == 7)
        #expect(town.flatMap(\.records) == whole.records && town.flatMap(\.conflicts) == whole.conflicts)
        // nothing after the cursor: an empty page at the same cursor
        let after = try await server.pull(scope: F.town, after: 7, limit: 3)
        #expect(after.records.isEmpty && after.conflicts.isEmpty && after.cursor == 7 && !after.hasMore)
    }

    @Test("§9 `maxBytes` cuts at whole sequences too: with one byte every page is exactly one sequence")
    func pagesWithinBytes() async throws {
        let server = try await Self.feed()
        let pages = try await server.pullAll(scope: F.town, after: 0, limit: 1000, maxBytes: 1)
        #expect(pages.map(Self.sequences) == [[1], [2], [3], [4], [6], [7]])
        #expect(pages.last?.hasMore == false && pages.last?.cursor == 7)
    }

    @Test("§9 a scope's feed holds its own units' records and conflicts and the policies above it; its cursor still reaches the district's current sequence")
    func scopes() async throws {
        let server = try await Self.feed()
        let village2 = try await server.pullAll(scope: F.village2, after: 0, limit: 3)
        #expect(village2.map(Self.sequences) == [[1, 3], [7]])
        let records2 = village2.flatMap(\.records)
        #expect(records2.allSatisfy { $0.village == F.village2 || ($0.entity == .policyVersion && $0.village == F.district) })
        #expect(village2.flatMap(\.conflicts).isEmpty, "the conflict is village 1's")

        // village 1's last record is at 6, but the cursor reaches 7: the next pull starts after it
        let village1 = try await server.pull(scope: F.village, after: 0, limit: 1000)
        #expect(Self.sequences(village1) == [1, 2, 4, 6])
        #expect(village1.records.allSatisfy { $0.village == F.village || $0.entity == .policyVersion })
        #expect(village1.conflicts.count == 1 && village1.cursor == 7 && !village1.hasMore)
        // village 1 after its cursor: nothing, even though village 2 wrote sequence 7
        let later = try await server.pull(scope: F.village, after: 4, limit: 1000)
        #expect(Self.sequences(later) == [6])
        #expect(later.cursor == 7)

        // the town sees both villages
        let town = try await server.pull(scope: F.town, after: 0, limit: 1000)
        #expect(Set(town.records.map(\.village)) == [F.district, F.village, F.village2])
    }

    @Test("§9 a cursor ahead of the server is refused `bad-parameter`")
    func cursorAhead() async throws {
        let server = try await Self.feed()
        do {
            _ = try await server.pull(scope: F.village, after: 8, limit: 10)
            Issue.record("a cursor ahead of the server was accepted")
        } catch let error as LedgerError {
            #expect(error.code == .badParameter)
        }
    }

    @Test("§9 an oversize sequence that is the last in the scope: the page says `hasMore` only if more is waiting")
    func oversizeLastSequence() async throws {
        let server = try await TestServer.started()
        var a = Author(F.collector, device: "dev-a")
        #expect(try await server.push(Self.register(&a, village: F.village, members: 4, firstNumber: 61).0, by: F.collector).serverSequence == 2)
        let page = try await server.pull(scope: F.village, after: 1, limit: 2)
        #expect(page.records.count == 5 && page.cursor == 2)
        #expect(!page.hasMore, "nothing is waiting after sequence 2")
        let next = try await server.pull(scope: F.village, after: page.cursor, limit: 2)
        #expect(next.records.isEmpty && next.cursor == 2 && !next.hasMore)
    }
}
