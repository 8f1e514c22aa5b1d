import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

/// A household's 一卡通 account, once it has one, is changed by the town or the district: a
/// village's change would redirect every later payment (issue 15 review). The server holds the
/// rule as the laptop does (``BenefitAccount/checkChange(from:to:by:)``).
@Suite("Benefit account changes 一卡通账户变更")
struct BenefitAccountMergeTests {
    typealias F = MergeFixtures

    static func account(_ number: String) -> JSONValue {
        .object(["bank": .string("四川农信东兴支行"), "accountName": .string("张大山"), "accountNumber": .string(number)])
    }

    @Test("The village sets the first account; only the town changes or removes it; the refusal leaves the record as it was")
    func onlyTheTownChangesAnAccount() async throws {
        let (server, a0, h, _, base) = try await MergeEngineTests.seeded()
        var village = a0
        let first = MergeEngineTests.edit(&village, household: h, [("benefitAccount", Self.account("6214670000123456789"))], base: base)
        #expect(try await server.push(first, by: F.collector).status == .accepted)

        let redirect = MergeEngineTests.edit(&village, household: h, [("benefitAccount", Self.account("6214670000999999999"))], base: first)
        let refused = try await server.push(redirect, by: F.collector)
        #expect(refused.code == "authority" && (refused.message ?? "").contains("town"), "\(refused)")
        let removal = MergeEngineTests.edit(&village, household: h, [("benefitAccount", .null)], base: first)
        #expect(try await server.push(removal, by: F.collector).code == "authority")
        #expect(try server.record(.household, h)?.values["benefitAccount"] == Self.account("6214670000123456789"))
        // nor inside a void: a void carries its reason (and a household's status) and nothing else
        let riding = village.changeSet("household.void") { s in
            [Change(entity: .household, record: h, operation: .void, village: F.village, household: h,
                    fields: [FieldChange(name: "voidReason", value: .string("全户迁出"), stamp: s, previous: nil),
                             FieldChange(name: "status", value: .object(["voided": .string("全户迁出")]), stamp: s, previous: nil),
                             FieldChange(name: "benefitAccount", value: Self.account("6214670000999999999"), stamp: s, previous: nil)],
                    base: first.stamp)]
        }
        #expect(try await server.push(riding, by: F.collector).code == "validation")
        #expect(try server.record(.household, h)?.values["benefitAccount"] == Self.account("6214670000123456789"))
        #expect(try server.record(.household, h)?.values["voidReason"] == nil)
        // the same account sent again (an edit of another field carrying it) is no change
        let same = MergeEngineTests.edit(&village, household: h, [("benefitAccount", Self.account("6214670000123456789")), ("phone", .string("13800000000"))], base: first)
        #expect(try await server.push(same, by: F.collector).status == .accepted)

        var town = Author(F.approver, device: "dev-town")
        town.now = village.now + 1_000
        let corrected = MergeEngineTests.edit(&town, household: h, [("benefitAccount", Self.account("6214670000999999999"))], base: same)
        #expect(try await server.push(corrected, by: F.approver).status == .accepted)
        #expect(try server.record(.household, h)?.values["benefitAccount"] == Self.account("6214670000999999999"))
    }

    @Test("The rule in DoudiModel: none → an account by anyone; a change or removal by the town or the district only")
    func rule() {
        let a = BenefitAccount(bank: "四川农信", accountName: "张大山", accountNumber: "6214670000123456789")
        var b = a
        b.accountNumber = "6214670000999999999"
        #expect(throws: Never.self) { try BenefitAccount.checkChange(from: nil, to: a, by: .collector) }
        #expect(throws: Never.self) { try BenefitAccount.checkChange(from: a, to: a, by: .collector) }
        #expect(throws: ModelError.self) { try BenefitAccount.checkChange(from: a, to: b, by: .collector) }
        #expect(throws: ModelError.self) { try BenefitAccount.checkChange(from: a, to: nil, by: .collector) }
        #expect(throws: Never.self) { try BenefitAccount.checkChange(from: a, to: b, by: .townApprover) }
        #expect(throws: Never.self) { try BenefitAccount.checkChange(from: a, to: nil, by: .districtOfficer) }
    }
}
