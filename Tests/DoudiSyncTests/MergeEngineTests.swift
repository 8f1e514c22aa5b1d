import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

@Suite("Merge engine")
struct MergeEngineTests {
    typealias F = MergeFixtures

    /// A server holding one household registered by the village collector.
    static func seeded() -> (MemoryState, Author, UUID, UUID, ChangeSet) {
        let server = MemoryState(policy: F.policy)
        var a = Author(F.collector, device: "dev-a")
        let h = UUID(), m = UUID()
        let cs = a.changeSet("household.register") { s in
            [Author.create(.household, h, F.household(h), village: F.village, household: h, stamp: s),
             Author.create(.member, m, F.member(m, household: h, seq: 11), village: F.village, household: h, stamp: s)]
        }
        #expect(server.push(cs, by: F.collector).status == .accepted)
        return (server, a, h, m, cs)
    }

    static func edit(_ author: inout Author, household h: UUID, _ changes: [(String, JSONValue)], base: ChangeSet, entity: EntityKind = .household, record: UUID? = nil) -> ChangeSet {
        author.changeSet("\(entity.rawValue).edit") { s in
            [Change(entity: entity, record: record ?? h, operation: .update, village: F.village, household: h,
                    fields: changes.map { FieldChange(name: $0.0, value: $0.1, stamp: s, previous: FieldVersion(value: .null, stamp: base.stamp)) })]
        }
    }

    @Test("Edits of different fields from the same base merge silently")
    func differentFields() {
        let (server, a0, h, _, base) = Self.seeded()
        var a = a0, b = Author(F.collector, device: "dev-b")
        b.now = a.now
        let ea = Self.edit(&a, household: h, [("address", .string("新址一"))], base: base)
        let eb = Self.edit(&b, household: h, [("phone", .string("13800000000"))], base: base)
        #expect(server.push(ea, by: F.collector).status == .accepted)
        #expect(server.push(eb, by: F.collector).status == .accepted)
        let r = server.records[MemoryState.key(.household, h)]!
        #expect(r.values["address"] == .string("新址一") && r.values["phone"] == .string("13800000000"))
        #expect(server.conflicts.isEmpty)
    }

    @Test("The same field edited from the same base: the later stamp stands, the other is kept in a conflict, whatever the arrival order",
          arguments: [false, true])
    func sameField(reversed: Bool) {
        let (server, a0, h, _, base) = Self.seeded()
        var a = a0, b = Author(F.collector, device: "dev-b")
        b.now = a.now + 5_000  // b edits later
        let ea = Self.edit(&a, household: h, [("address", .string("A址"))], base: base)
        let eb = Self.edit(&b, household: h, [("address", .string("B址"))], base: base)
        let order = reversed ? [eb, ea] : [ea, eb]
        let acks = order.map { server.push($0, by: F.collector) }
        #expect(acks[0].status == .accepted)
        #expect(acks[1].status == .acceptedWithConflicts && acks[1].conflicts.count == 1)
        #expect(server.records[MemoryState.key(.household, h)]!.values["address"] == .string("B址"))
        let c = server.conflicts[0]
        #expect(c.kind == .concurrentEdit && c.field == "address" && c.kept == .string("B址") && c.other == .string("A址"))
    }

    @Test("A retried change set is answered the same and applied once")
    func idempotent() {
        let (server, _, _, _, base) = Self.seeded()
        let before = server.records
        let again = server.push(base, by: F.collector)
        #expect(again.status == .accepted && again.serverSequence == 1)
        #expect(server.records == before && server.applications[base.id] == 1)
    }

    @Test("Rejections leave the state unchanged: scope, authority, author mismatch, validation, clock")
    func rejections() {
        let (server, a0, h, _, base) = Self.seeded()
        let before = server.records
        var a = a0
        var other = Author(F.collector2, device: "dev-c")
        let h2 = UUID()
        let foreign = other.changeSet("household.register") { s in [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s)] }
        #expect(server.push(foreign, by: F.collector).code == "scope")            // token of village 1, author of village 2
        let intoOther = a.changeSet("household.register") { s in [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s)] }
        #expect(server.push(intoOther, by: F.collector).code == "scope")          // village 1 writing village 2
        let decision = Decision(id: UUID(), application: UUID(), outcome: .approved, reason: "同意", decidedBy: "李会计", role: .collector, org: F.village, date: try! Day(iso: "2020-07-01"))
        let approving = a.changeSet("decision.record") { s in [Author.create(.decision, decision.id, decision, village: F.village, household: h, stamp: s)] }
        #expect(server.push(approving, by: F.collector).code == "authority")
        let bad = Self.edit(&a, household: h, [("address", .string(""))], base: base)
        #expect(server.push(bad, by: F.collector).code == "validation")
        var visit = Visit(id: UUID(), household: h, date: try! Day(iso: "2020-07-01"), visitors: ["王五"], interviewee: "张", observations: "x", conclusion: .truthful)
        let v = a.changeSet("visit.record") { s in [Author.create(.visit, visit.id, visit, village: F.village, household: h, stamp: s)] }
        #expect(server.push(v, by: F.collector).status == .accepted)
        visit.observations = "改"
        let editVisit = Self.edit(&a, household: h, [("observations", .string("改"))], base: v, entity: .visit, record: visit.id)
        #expect(server.push(editVisit, by: F.collector).code == "validation")      // append-only
        var future = Author(F.collector, device: "dev-f")
        future.now += 3 * 86_400_000
        let ahead = Self.edit(&future, household: h, [("phone", .string("1"))], base: base)
        #expect(server.push(ahead, by: F.collector, now: 1_593_561_600_000).code == "clock")
        var after = server.records
        after.removeValue(forKey: MemoryState.key(.visit, visit.id))
        #expect(after == before)
    }

    @Test("One ID number is one person: a second registration is kept voided with a conflict holding both")
    func duplicatePerson() {
        let (server, _, _, m, _) = Self.seeded()
        var b = Author(F.collector2, device: "dev-b")
        let h2 = UUID(), m2 = UUID()
        let cs = b.changeSet("household.register") { s in
            [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s),
             Author.create(.member, m2, F.member(m2, household: h2, seq: 11, name: "张大三"), village: F.village2, household: h2, stamp: s)]
        }
        let ack = server.push(cs, by: F.collector2)
        #expect(ack.status == .acceptedWithConflicts)
        #expect(server.records[MemoryState.key(.member, m2)]!.isVoided)
        #expect(!server.records[MemoryState.key(.member, m)]!.isVoided)
        let c = server.conflicts[0]
        #expect(c.kind == .duplicatePerson && c.field == "residentID")
        guard case .object(let other) = c.other, case .object(let kept) = c.kept else { Issue.record("both versions kept"); return }
        #expect(other["name"] == .string("张大三"))
        // the standing registration is named, not copied: it may be another village's person
        #expect(kept == ["record": .string(m.uuidString), "village": .string(F.village.value), "household": kept["household"]!])
        #expect(kept["name"] == nil && kept["residentID"] == nil)
    }

    @Test("A void does not silently beat a concurrent edit")
    func voidVersusEdit() {
        let (server, a0, h, _, base) = Self.seeded()
        var a = a0, b = Author(F.collector, device: "dev-b")
        b.now = a.now
        let edit = Self.edit(&b, household: h, [("address", .string("新址"))], base: base)
        #expect(server.push(edit, by: F.collector).status == .accepted)
        let void = a.changeSet("household.void") { s in
            [Change(entity: .household, record: h, operation: .void, village: F.village, household: h,
                    fields: [FieldChange(name: "voidReason", value: .string("迁出"), stamp: s, previous: nil)], base: base.stamp)]
        }
        let ack = server.push(void, by: F.collector)
        #expect(ack.status == .acceptedWithConflicts)
        #expect(server.conflicts.last!.kind == .voidVersusEdit)
        #expect(server.records[MemoryState.key(.household, h)]!.isVoided)
    }

    @Test("§3.6.5 a reserve-fund draw that overdraws the town's fund is kept and flagged; only the district allocates")
    func reserveFund() {
        let server = MemoryState(policy: F.policy)
        var t = Author(F.approver, device: "dev-t")
        func entry(_ kind: ReserveFundEntry.Kind, _ yuan: Int64) -> ChangeSet {
            let e = ReserveFundEntry(id: UUID(), town: F.town, kind: kind, amount: Money(yuan: yuan), date: try! Day(iso: "2020-07-01"))
            return t.changeSet("reserveFund.\(kind.rawValue)") { s in [Author.create(.reserveFundEntry, e.id, e, village: F.town, household: nil, stamp: s)] }
        }
        let district = Actor(user: "区民政局", role: .districtOfficer, org: try! OrgCode("511011"))
        var d = Author(district, device: "dev-d")
        let alloc = ReserveFundEntry(id: UUID(), town: F.town, kind: .allocation, amount: Money(yuan: 1000), date: try! Day(iso: "2020-06-01"))
        #expect(server.push(d.changeSet("reserveFund.allocate") { s in [Author.create(.reserveFundEntry, alloc.id, alloc, village: F.town, household: nil, stamp: s)] }, by: district).status == .accepted)
        #expect(server.push(entry(.draw, 600), by: F.approver).status == .accepted)
        let second = server.push(entry(.draw, 600), by: F.approver)
        #expect(second.status == .acceptedWithConflicts)
        #expect(server.conflicts[0].kind == .reserveFundOverdrawn)
        #expect(try! server.reserveFundBalance(town: F.town) == Money(yuan: -200))
        // §3.6.5: the district allocates and replenishes; a town cannot fund itself
        let selfFunded = server.push(entry(.allocation, 5000), by: F.approver)
        #expect(selfFunded.status == .rejected && selfFunded.code == "authority")
        #expect(server.push(entry(.replenishment, 5000), by: F.approver).code == "authority")
        #expect(try! server.reserveFundBalance(town: F.town) == Money(yuan: -200))
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
    static func caseOnNotice() -> (MemoryState, Author, ApplicationWorkflow, UUID, Day) {
        let (server, a0, h, _, _) = MergeEngineTests.seeded()
        var collector = a0
        var town = Author(F.approver, device: "dev-t")
        town.now = collector.now + 10_000
        let app = Application(id: UUID(), household: h, programme: .temporaryAid, temporaryAidType: .expenditure, hardship: .particular,
                              amountPerPerson: Money(yuan: 1_500), persons: 1, summary: "重病", date: try! Day(iso: "2020-06-01"))
        var wf = try! ApplicationWorkflow(for: app, village: F.village)
        let draft = collector.changeSet("application.draft") { s in
            [Author.create(.application, app.id, app, village: F.village, household: h, stamp: s),
             Author.create(.workflow, app.id, wf, village: F.village, household: h, stamp: s)]
        }
        #expect(server.push(draft, by: F.collector).status == .accepted)
        var before = wf
        try! wf.apply(.submit, by: F.collector, on: Day(iso: "2020-06-01"), policy: policy)
        #expect(server.push(step(&collector, before, wf, household: h), by: F.collector).status == .accepted)
        for (event, day) in [(WorkflowEvent.startTownReview, "2020-06-02"),
                             (.recordCollectiveReview(.init(chair: "周镇长", recorder: "吴干事", agreeing: 7, disagreeing: 0, qualifies: true)), "2020-06-03"),
                             (.postNotice, "2020-06-04")] {
            before = wf
            try! wf.apply(event, by: F.approver, on: Day(iso: day), policy: policy)
            let ack = server.push(step(&town, before, wf, household: h), by: F.approver)
            #expect(ack.status == .accepted, "\(ack.message ?? "")")
        }
        return (server, town, wf, h, try! Day(iso: "2020-06-11"))
    }

    @Test("A town approving above its authority is rejected `authority`, and the server keeps the case as it was")
    func townAboveAuthority() {
        let (server, town0, wf, h, day) = Self.caseOnNotice()
        var town = town0
        let before = server.records
        // the laptop's own copy of the rules would refuse; a tampered or old client sends it anyway
        var forged = wf
        let transition = ApplicationWorkflow.Transition(from: .publicNotice, to: .approved, event: .approve(.init(amount: Money(fen: 108_001))),
                                                        actor: F.approver, day: day, policy: Self.policy.id)
        var fields = try! RecordFields.fields(of: forged)
        guard case .array(var history) = fields["history"]! else { Issue.record("history is a list"); return }
        history.append(try! RecordFields.value(of: transition))
        fields["history"] = .array(history)
        let cs = town.changeSet("application.approve") { s in
            [Change(entity: .workflow, record: wf.application, operation: .update, village: F.village, household: h,
                    fields: [FieldChange(name: "history", value: fields["history"]!, stamp: s, previous: nil)])]
        }
        let ack = server.push(cs, by: F.approver)
        #expect(ack.status == .rejected && ack.code == "authority")
        #expect(ack.message?.contains("refer") == true || ack.message?.contains("district") == true)
        #expect(server.records == before)
        // within the authority it passes
        forged = wf
        try! forged.apply(.approve(.init(amount: Money(yuan: 1_080))), by: F.approver, on: day, policy: Self.policy)
        #expect(server.push(Self.step(&town, wf, forged, household: h), by: F.approver).status == .accepted)
    }

    @Test("A collector cannot approve: the step replayed on the server is refused `authority`")
    func collectorApproving() {
        let (server, _, wf, h, day) = Self.caseOnNotice()
        var collector = Author(F.collector, device: "dev-x")
        collector.now += 60_000
        var fields = try! RecordFields.fields(of: wf)
        guard case .array(var history) = fields["history"]! else { return }
        history.append(try! RecordFields.value(of: ApplicationWorkflow.Transition(from: .publicNotice, to: .approved, event: .approve(.init(amount: Money(yuan: 500))),
                                                                                 actor: F.collector, day: day, policy: Self.policy.id)))
        fields["history"] = .array(history)
        let cs = collector.changeSet("application.approve") { s in
            [Change(entity: .workflow, record: wf.application, operation: .update, village: F.village, household: h,
                    fields: [FieldChange(name: "history", value: fields["history"]!, stamp: s, previous: nil)])]
        }
        let ack = server.push(cs, by: F.collector)
        #expect(ack.status == .rejected && ack.code == "authority")
    }
}
