import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The merge's invariants, answered by the server store inside the writing transaction.
@Suite("Invariants across the store: one person, one dibao, the reserve fund; rejections remembered")
struct InvariantTests {
    static func create<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode, household: UUID?) -> (HLCStamp) throws -> [Change] {
        { stamp in
            let fields = try RecordFields.fields(of: record)
            return [Change(entity: entity, record: id, operation: .create, village: village, household: household,
                           fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })]
        }
    }

    static let residentID = try! ResidentID.make(area: "511011", birth: try! Day(iso: "1975-03-04"), sequence: 11)

    @Test("One resident ID number registered in two villages: the second is kept voided, with a duplicatePerson conflict")
    func duplicatePerson() async throws {
        try await ServerFixture.run { f in
            let wx = try await f.login(Users.wuxing, device: "dev-wx"), tj = try await f.login(Users.tuanjie, device: "dev-tj")
            var wxDevice = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var tjDevice = Device("dev-tj", Users.tuanjie, role: .collector, org: Org.tuanjie, clock: f.clock)
            let a = Device.household(village: Org.wuxing), b = Device.household(village: Org.tuanjie)
            let first = Member(id: UUID(), household: a.id, name: "张大山", residentID: Self.residentID, relation: .head)
            let second = Member(id: UUID(), household: b.id, name: "张大山", residentID: Self.residentID, relation: .head)
            _ = try await f.push([try wxDevice.register(a), try wxDevice.changeSet("member.add", Self.create(.member, first.id, first, village: Org.wuxing, household: a.id))], token: wx)
            let acks = try await f.push([try tjDevice.register(b), try tjDevice.changeSet("member.add", Self.create(.member, second.id, second, village: Org.tuanjie, household: b.id))], token: tj)
            #expect(acks.map(\.status) == [.accepted, .acceptedWithConflicts])
            let conflict = try await f.pull(after: 0, token: tj).conflicts.first!
            #expect(conflict.kind == .duplicatePerson && conflict.record == second.id && conflict.village == Org.tuanjie)
            let parked = try await f.pull(after: 0, token: tj).records.first { $0.record == second.id }!
            #expect(parked.isVoided)
            // the resident ID number is not in the index in clear
            let keys = try await f.column(sqlite: "SELECT personKey FROM record WHERE personKey IS NOT NULL",
                                          postgres: "SELECT person_key FROM record WHERE person_key IS NOT NULL")
            #expect(keys.count == 2 && !keys.contains(Self.residentID.value))
        }
    }

    @Test("Two active dibao enrolments of one household: duplicateEnrolment")
    func duplicateEnrolment() async throws {
        try await ServerFixture.run { f in
            let wx = try await f.login(Users.wuxing, device: "dev-wx"), bm = try await f.login(Users.approver, device: "dev-bm")
            var village = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var town = Device("dev-bm", Users.approver, role: .townApprover, org: Org.beimu, clock: f.clock)
            let h = Device.household(village: Org.wuxing)
            _ = try await f.push([try village.register(h)], token: wx)
            func enrolment() throws -> ChangeSet {
                let e = Enrolment(id: UUID(), household: h.id, programme: .dibao, start: try YearMonth(iso: "2020-07"), monthlyAmount: Money(yuan: 360))
                return try town.changeSet("enrolment.start", Self.create(.enrolment, e.id, e, village: Org.wuxing, household: h.id))
            }
            #expect(try await f.push([try enrolment()], token: bm)[0].status == .accepted)
            let second = try await f.push([try enrolment()], token: bm)[0]
            #expect(second.status == .acceptedWithConflicts)
            #expect(try await f.pull(after: 0, token: bm).conflicts.map(\.kind) == [.duplicateEnrolment])
        }
    }

    @Test("A draw beyond the town's reserve-fund balance (derived from the ledger): reserveFundOverdrawn, both kept")
    func reserveFund() async throws {
        try await ServerFixture.run { f in
            let qu = try await f.login(Users.officer, device: "dev-qu"), bm = try await f.login(Users.approver, device: "dev-bm")
            var district = Device("dev-qu", Users.officer, role: .districtOfficer, org: Org.district, clock: f.clock)
            var town = Device("dev-bm", Users.approver, role: .townApprover, org: Org.beimu, clock: f.clock)
            func entry(_ device: inout Device, _ kind: ReserveFundEntry.Kind, _ yuan: Int64) throws -> ChangeSet {
                let e = ReserveFundEntry(id: UUID(), town: Org.beimu, kind: kind, amount: Money(yuan: yuan), date: try Day(iso: "2020-07-01"))
                return try device.changeSet("reserveFund.\(kind.rawValue)", Self.create(.reserveFundEntry, e.id, e, village: Org.beimu, household: nil))
            }
            #expect(try await f.push([try entry(&district, .allocation, 1000)], token: qu)[0].status == .accepted)
            #expect(try await f.push([try entry(&town, .draw, 600)], token: bm)[0].status == .accepted)
            let over = try await f.push([try entry(&town, .draw, 500)], token: bm)[0]
            #expect(over.status == .acceptedWithConflicts)
            let conflict = try await f.pull(after: 0, token: bm).conflicts.first!
            #expect(conflict.kind == .reserveFundOverdrawn && conflict.other == .string("400.00"))
        }
    }

    @Test("A rejection is remembered: the retry gets the same answer; a dependency rejection is not, and succeeds once the dependency is pushed")
    func rejectionRemembered() async throws {
        try await ServerFixture.run { f in
            let wx = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let h = Device.household(village: Org.wuxing)
            let m = Member(id: UUID(), household: h.id, name: "张大山", residentID: Self.residentID, relation: .head)
            let early = try device.changeSet("member.add", Self.create(.member, m.id, m, village: Org.wuxing, household: h.id))
            let first = try await f.push([early], token: wx)[0]
            #expect(first.status == .rejected && first.code == "dependency")
            #expect(try await f.push([try device.register(h)], token: wx)[0].status == .accepted)
            #expect(try await f.push([early], token: wx)[0].status == .accepted)
            // a rule broken for good is remembered
            var nameless = m
            nameless.id = UUID(); nameless.name = " "
            let bad = try device.changeSet("member.add", Self.create(.member, nameless.id, nameless, village: Org.wuxing, household: h.id))
            let refused = try await f.push([bad], token: wx)[0]
            #expect(refused.status == .rejected && refused.code == "validation")
            #expect(try await f.push([bad], token: wx)[0] == refused)
            let rejections = try await f.column(sqlite: "SELECT COUNT(*) FROM rejection", postgres: "SELECT count(*) FROM rejection")
            #expect(rejections == ["1"])
            // the same id with other content is not that change set
            var altered = bad
            altered.action = "member.edit"
            let reused = try await f.push([altered], token: wx)[0]
            #expect(reused.status == .rejected && reused.message?.contains("used before") == true)
        }
    }
}
