import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Testing

/// District records (§4.4 special periods, §3.7 social organisations, aid projects, volunteers):
/// written by the district only, kept under the district's code, pulled by every scope of the
/// district — on both stores.
@Suite("District records: the district writes them, every laptop of the district receives them")
struct DistrictRecordTests {
    static func create<R: Encodable>(_ device: inout Device, _ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode) throws -> ChangeSet {
        try device.changeSet("\(entity.rawValue).save") { stamp in
            let fields = try RecordFields.fields(of: record)
            return [Change(entity: entity, record: id, operation: .create, village: village, household: nil,
                           fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })]
        }
    }

    @Test("§4.4 §3.7 the district's special period, organisation, project and volunteer reach the village, the town and the district; a village or town cannot write them; one kept under another code is refused")
    func districtRecords() async throws {
        try await ServerFixture.run { f in
            let wx = try await f.login(Users.wuxing, device: "dev-wx")
            let bm = try await f.login(Users.approver, device: "dev-bm")
            let qu = try await f.login(Users.officer, device: "dev-qu")
            var district = Device("dev-qu", Users.officer, role: .districtOfficer, org: Org.district, clock: f.clock)
            var collector = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var town = Device("dev-bm", Users.approver, role: .townApprover, org: Org.beimu, clock: f.clock)

            let period = SpecialPeriod(id: UUID(), district: Org.district, title: "疫情防控期间", basis: "区民政局通知", start: try Day(iso: "2026-01-24"))
            let org = SocialOrganisation(id: UUID(), district: Org.district, name: "东兴区慈善会", creditCode: "51511011MJ0000001X",
                                         kind: .foundation, registeredOn: try Day(iso: "2015-03-02"))
            let project = AidProject(id: UUID(), district: Org.district, organisation: org.id, title: "柑橘产业帮扶", kind: .industry,
                                     areas: [Org.beimu], start: try Day(iso: "2026-01-01"))
            let volunteer = Volunteer(id: UUID(), district: Org.district, name: "张医生", skills: ["医护"], villages: [Org.wuxing],
                                      registeredOn: try Day(iso: "2026-02-01"))
            let pushed = [
                try Self.create(&district, .specialPeriod, period.id, period, village: Org.district),
                try Self.create(&district, .socialOrganisation, org.id, org, village: Org.district),
                try Self.create(&district, .aidProject, project.id, project, village: Org.district),
                try Self.create(&district, .volunteer, volunteer.id, volunteer, village: Org.district),
            ]
            #expect(try await f.push(pushed, token: qu).map(\.status) == [.accepted, .accepted, .accepted, .accepted])

            // read-only below the district: a collector (in its village) and a town (in its town) are refused
            var other = org
            other.id = UUID(); other.name = "某协会"
            let byCollector = try await f.push([try Self.create(&collector, .socialOrganisation, other.id, other, village: Org.wuxing)], token: wx)
            #expect(byCollector.map(\.status) == [.rejected])
            let byTown = try await f.push([try Self.create(&town, .specialPeriod, UUID(), period, village: Org.beimu)], token: bm)
            #expect(byTown.map(\.status) == [.rejected])
            // a district record kept under a village's code is refused: it would reach only that village
            var misfiled = volunteer
            misfiled.id = UUID()
            let wrongCode = try await f.push([try Self.create(&district, .volunteer, misfiled.id, misfiled, village: Org.wuxing)], token: qu)
            #expect(wrongCode.map(\.status) == [.rejected])
            #expect(wrongCode.first?.code == "scope", "\(wrongCode)")

            let expected: Set<UUID> = [period.id, org.id, project.id, volunteer.id]
            for token in [wx, bm, qu] {
                let kinds: Set<EntityKind> = [.specialPeriod, .socialOrganisation, .aidProject, .volunteer]
                let got = Set(try await f.pull(after: 0, token: token).records.filter { kinds.contains($0.entity) }.map(\.record))
                #expect(got == expected)
            }
        }
    }
}
