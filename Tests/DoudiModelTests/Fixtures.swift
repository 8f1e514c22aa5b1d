import Foundation
@testable import DoudiModel

/// Builders for tests: the shipped policy, valid ID numbers, members and households.
enum Fixtures {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped 2020 Dongxing policy version.
    static let policy2020: PolicyVersion = {
        let url = repoRoot.appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        return try! PolicyVersion.load(json: try! Data(contentsOf: url), document: url.lastPathComponent)
    }()

    static let policyJSON: Data = try! Data(contentsOf: repoRoot.appendingPathComponent("ServerConfig/policy/dongxing-2020.json"))

    static let village = try! OrgCode("511011101201")
    static let otherDistrict = try! OrgCode("511002")

    static func day(_ s: String) -> Day { try! Day(iso: s) }
    static func money(_ s: String) -> Money { try! Money(yuanString: s) }

    /// A valid Dongxing resident ID number for a birth date (sequence picks sex and uniqueness).
    static func residentID(born: String, sequence: Int = 123) -> ResidentID {
        try! ResidentID.make(area: "511011", birth: day(born), sequence: sequence)
    }

    static func uuid(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", n))! }

    static func member(
        _ n: Int, name: String = "成员", born: String, relation: Relation = .head, employment: Employment = .farming,
        labour: LabourCapacity = .full, health: Health = .healthy, disability: (DisabilityCategory, Int)? = nil,
        supporter: LegalSupporterStatus = .able, father: ParentStatus = .present, mother: ParentStatus = .present,
        lostContactConfirmed: Bool = false, dependsOnFamily: Bool = false, status: PersonStatus = .normal
    ) -> Member {
        Member(id: uuid(n), household: uuid(1), name: name, residentID: residentID(born: born, sequence: n), relation: relation,
               employment: employment, labourCapacity: labour, health: health,
               seriousIllness: health == .seriouslyIll ? "尿毒症" : nil,
               disability: disability.map { try! Disability(category: $0.0, grade: $0.1) }, personStatus: status,
               legalSupporter: supporter, father: father, mother: mother,
               lostContactConfirmed: lostContactConfirmed, dependsOnFamily: dependsOnFamily)
    }

    static func wage(_ member: Int?, _ yuan: String, period: Period = .monthly, kind: IncomeKind = .wage) -> IncomeItem {
        IncomeItem(member: member.map(uuid), kind: kind, amount: money(yuan), period: period)
    }

    static func survey(_ date: String = "2020-06-01", incomes: [IncomeItem] = [], deductions: [Deduction] = [], assets: Assets = Assets()) -> Survey {
        Survey(id: uuid(9000), date: day(date), surveyors: ["王五", "赵六"], incomes: incomes, deductions: deductions, assets: assets)
    }

    static func household(
        _ members: [Member], survey: Survey? = Fixtures.survey(), categories: Set<HouseholdCategory> = [],
        hukou: OrgCode = village, exhausted: Bool = false, enrolments: [Enrolment] = [], obligors: [SupportObligor] = [],
        applications: [Application] = []
    ) -> HouseholdCase {
        HouseholdCase(
            household: Household(id: uuid(1), village: village, hukou: hukou, address: "五星村3组12号",
                                 categories: categories, employmentSupportExhausted: exhausted),
            members: members, obligors: obligors, surveys: survey.map { [$0] } ?? [], enrolments: enrolments,
            applications: applications)
    }

    static func assess(_ c: HouseholdCase, on date: String = "2020-07-01", policy: PolicyVersion = policy2020) -> Assessment {
        Assessor(policy: policy).assess(c, asOf: day(date))
    }
}
