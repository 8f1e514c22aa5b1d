import Foundation
import Testing
@testable import DoudiModel

/// §3.6 临时救助: bands, authority, aid first, means test, reserve fund.
@Suite("§3.6 temporary assistance")
struct TemporaryAidTests {
    typealias F = Fixtures

    static func aidCase(amount: String?, hardship: Hardship = .ordinary, type: TemporaryAidType = .emergency,
                        categories: Set<HouseholdCategory> = [.marginal], persons: Int = 2) -> HouseholdCase {
        let app = Application(id: F.uuid(80), household: F.uuid(1), programme: .temporaryAid, temporaryAidType: type, hardship: hardship,
                              amountPerPerson: amount.map(F.money), persons: persons, summary: "房屋失火", date: F.day("2020-06-20"))
        let members = [F.member(2, born: "1970-01-01", relation: .head), F.member(3, born: "1972-01-01", relation: .spouse)]
        return F.household(members, survey: F.survey(incomes: [F.wage(2, "2000.00")]), categories: categories, applications: [app])
    }

    static let groups: [([HouseholdCategory], Bool)] = [([.marginal], true), ([.elderlyHousehold], true), ([.specialHardship], true), ([], false)]

    @Test("§3.6.1 only the safety-net groups", arguments: groups)
    func targetGroups(categories: [HouseholdCategory], eligible: Bool) {
        let d = F.assess(Self.aidCase(amount: "500.00", categories: Set(categories))).determination(.temporaryAid)!
        #expect(d.status.qualifies == eligible)
        #expect(d.clauses.first == "3.6.1")
    }

    @Test("§3.6.2 bands: 360–1,080 ordinary, up to 2,160 particularly difficult, case by case above", arguments: [
        (Hardship.ordinary, Int64(36_000), Int64(108_000) as Int64?),
        (.particular, 36_000, 216_000),
        (.major, 36_000, nil),
    ])
    func bands(hardship: Hardship, min: Int64, max: Int64?) {
        let rules = TemporaryAidRules(policy: F.policy2020)
        let band = rules.band(for: hardship)
        #expect(band.minimum.fen == min)
        #expect(band.maximum?.fen == max)
        let d = F.assess(Self.aidCase(amount: nil, hardship: hardship)).determination(.temporaryAid)!
        #expect(d.temporaryAid!.minimumPerPerson.fen == min)
        #expect(d.temporaryAid!.maximumPerPerson?.fen == max)
        #expect(d.clauses.contains("3.6.2"))
    }

    @Test("§3.6.2 asking above the band's maximum needs a higher band")
    func aboveBand() {
        let d = F.assess(Self.aidCase(amount: "1200.00", hardship: .ordinary)).determination(.temporaryAid)!
        #expect(d.status == .pending)
    }

    @Test("§3.6.3 the town approves within 3 × the monthly standard; above it the district", arguments: [
        ("360.00", "1080.00", ApprovalAuthority.town),
        ("360.00", "1080.01", .district),
        ("360.00", "2160.00", .district),
        ("360.00", "2160.01", .districtCaseByCase),
        ("400.00", "1200.00", .town),       // a later standard moves the limit with it
        ("400.00", "1200.01", .district),
    ])
    func authority(standard: String, amount: String, authority: ApprovalAuthority) {
        var policy = F.policy2020
        policy.dibao.standard = F.money(standard)
        #expect(TemporaryAidRules(policy: policy).authority(forPerPerson: F.money(amount)) == authority)
        let d = F.assess(Self.aidCase(amount: amount, hardship: .major), policy: policy).determination(.temporaryAid)!
        #expect(d.temporaryAid!.authority == authority)
        #expect(d.clauses.contains(authority == .districtCaseByCase ? "3.6.2" : "3.6.3"))
    }

    @Test("§3.6.4 emergency aid may be paid first; expenditure type follows the full procedure", arguments: [
        (TemporaryAidType.emergency, "900.00", true),
        (.expenditure, "900.00", false),
        (.emergency, "1500.00", false),   // above the reserve-fund draw limit: no aid first
    ])
    func aidFirst(type: TemporaryAidType, amount: String, aidFirst: Bool) {
        let d = F.assess(Self.aidCase(amount: amount, hardship: .particular, type: type)).determination(.temporaryAid)!
        #expect(d.temporaryAid!.aidFirst == aidFirst)
        #expect(d.clauses.contains("3.6.4"))
    }

    static let meansTestCases: [([HouseholdCategory], Bool)] = [([.registeredPoor], false), ([.marginal], true)]

    @Test("§3.6.4 registered-poor, dibao and 特困 applicants are not income- or asset-surveyed", arguments: meansTestCases)
    func meansTest(categories: [HouseholdCategory], required: Bool) {
        let d = F.assess(Self.aidCase(amount: "500.00", categories: Set(categories))).determination(.temporaryAid)!
        #expect(d.temporaryAid!.meansTestRequired == required)
    }

    @Test("§3.6.4 a dibao household needs no means test for temporary aid")
    func dibaoNoMeansTest() {
        var c = Self.aidCase(amount: "500.00", categories: [])
        c.surveys = [F.survey(incomes: [F.wage(2, "100.00")])]
        let d = F.assess(c).determination(.temporaryAid)!
        #expect(d.status == .eligible)
        #expect(d.temporaryAid!.meansTestRequired == false)
    }

    @Test("§3.6.5 reserve fund: 2 yuan × the town's population; draws up to 3 × the standard per person", arguments: [
        (50_000, Int64(10_000_000)),
        (1, 200),
        (0, 0),
    ])
    func reserveFund(population: Int, fen: Int64) {
        let rules = TemporaryAidRules(policy: F.policy2020)
        #expect(rules.reserveFundSize(population: population).fen == fen)
        #expect(rules.reserveFundDrawLimitPerPerson.fen == 108_000)
    }
}
