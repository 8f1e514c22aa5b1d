import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

/// The server's side of the corrections (issue 13): a restore clears a void with its reason in
/// the change set's note; a household still paid is not voided before a stop-payment decision.
@Suite("Merge engine: restore and the void of a household still paid")
struct RestoreAndStopPaymentMergeTests {
    typealias F = MergeFixtures
    typealias L = LedgerInvariantTests

    static func void(_ author: inout Author, household h: UUID, base: HLCStamp) -> ChangeSet {
        author.changeSet("household.void") { s in
            [Change(entity: .household, record: h, operation: .void, village: F.village, household: h,
                    fields: [FieldChange(name: "status", value: .object(["voided": .string("全户迁出")]), stamp: s, previous: nil),
                             FieldChange(name: "voidReason", value: .string("全户迁出"), stamp: s, previous: nil)], base: base)]
        }
    }

    static func restore(_ author: inout Author, household h: UUID, base: HLCStamp, note: String?, extra: [(String, JSONValue)] = []) -> ChangeSet {
        var cs = author.changeSet("household.restore") { s in
            [Change(entity: .household, record: h, operation: .restore, village: F.village, household: h,
                    fields: [FieldChange(name: "status", value: .string("active"), stamp: s, previous: nil),
                             FieldChange(name: "voidReason", value: .null, stamp: s, previous: nil)]
                        + extra.map { FieldChange(name: $0.0, value: $0.1, stamp: s, previous: nil) }, base: base)]
        }
        cs.note = note
        return cs
    }

    @Test("a restore clears the void; without its reason, or changing other fields, it is refused")
    func restore() async throws {
        let (server, a0, h, _, base) = try await MergeEngineTests.seeded()
        var a = a0
        let void = Self.void(&a, household: h, base: base.stamp)
        #expect(try await server.push(void, by: F.collector).status == .accepted)
        #expect(try server.record(.household, h)?.isVoided == true)

        let noReason = try await server.push(Self.restore(&a, household: h, base: void.stamp, note: nil), by: F.collector)
        #expect(noReason.status == .rejected && noReason.code == "validation" && noReason.message?.contains("reason") == true)
        let sneaky = try await server.push(Self.restore(&a, household: h, base: void.stamp, note: "误注销", extra: [("address", .string("别处"))]),
                                           by: F.collector)
        #expect(sneaky.status == .rejected && sneaky.message?.contains("changes nothing else") == true)

        let ack = try await server.push(Self.restore(&a, household: h, base: void.stamp, note: "误注销，仍在本村居住"), by: F.collector)
        #expect(ack.status == .accepted, "\(ack.message ?? "")")
        let restored = try #require(try server.record(.household, h))
        #expect(!restored.isVoided && restored.values["status"] == .string("active") && restored.values["address"] == .string("五星村1组1号"))
    }

    @Test("a household with an enrolment without an end is not voided (停保 first); once it has its last month it is")
    func voidStillPaid() async throws {
        let (server, a0, h, _, base) = try await MergeEngineTests.seeded()
        var a = a0
        var (town, _) = L.townDevices()
        let dibao = try L.dibao(household: h, start: "2020-07")
        #expect(try await server.push(L.enrol(&town, dibao), by: F.approver).status == .accepted)

        let refused = try await server.push(Self.void(&a, household: h, base: base.stamp), by: F.collector)
        #expect(refused.status == .rejected && refused.code == "validation", "\(refused.message ?? "")")
        #expect(refused.message?.contains("停保") == true && refused.message?.contains("农村低保 from 2020-07") == true)
        #expect(try server.record(.household, h)?.isVoided == false)

        var ended = dibao
        ended.end = try F.month("2020-09")
        let stop = town.changeSet("enrolment.stop") { s in
            [Change(entity: .enrolment, record: ended.id, operation: .update, village: F.village, household: h,
                    fields: [FieldChange(name: "end", value: .string("2020-09"), stamp: s, previous: nil)], base: s)]
        }
        #expect(try await server.push(stop, by: F.approver).status == .accepted)
        let ack = try await server.push(Self.void(&a, household: h, base: base.stamp), by: F.collector)
        #expect(ack.status == .accepted || ack.status == .acceptedWithConflicts, "\(ack.message ?? "")")
        #expect(try server.record(.household, h)?.isVoided == true)
    }
}
