import Foundation
import Testing
@testable import DoudiModel

/// `doudi policy what-if`: a draft policy version's caseload and monthly money against the
/// version in force, per town and programme, and the households that gain or lose.
@Suite("policy what-if 草案测算")
struct PolicyWhatIfTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let month = R.month("2026-12")

    /// The shipped 2020 version with its dibao standard raised (§3.1.0: 360 → `standard`).
    static func draft(standard: String = "400.00") throws -> PolicyVersion {
        var text = String(decoding: F.policyJSON, as: UTF8.self)
        for (target, replacement) in [("\"id\": \"dongxing-2020\"", "\"id\": \"dongxing-2027-draft\""),
                                      ("\"effectiveFrom\": \"2020-01-01\"", "\"effectiveFrom\": \"2027-01-01\""),
                                      ("\"standard\": \"360.00\"", "\"standard\": \"\(standard)\"")] {
            #expect(text.contains(target), "the shipped policy has no \(target)")
            text = text.replacingOccurrences(of: target, with: replacement)
        }
        return try PolicyVersion.load(json: Data(text.utf8), document: "draft.json")
    }

    /// A household of healthy working-age adults (so nothing but dibao applies) with a
    /// monthly household income.
    static func household(_ n: Int, village: OrgCode, persons: Int, income: String, status: RecordStatus = .active) -> HouseholdCase {
        let names = ["甲", "乙", "丙", "丁"].map { "户\(n)\($0)" }
        let members = (0..<persons).map { i in
            F.member(n * 10 + i + 1, name: names[i], born: "198\(i)-03-01", relation: i == 0 ? .head : (i == 1 ? .spouse : .son))
        }
        return R.household(n, village: village, members: members, survey: F.survey("2026-06-01", incomes: [F.wage(nil, income)]),
                           status: status)
    }

    /// 1: 3 persons, 370 per capita: above 360, below 400. 2: 2 persons, 200 per capita. 3: 500
    /// per capita, in the other town. 4: voided, 100 per capita.
    static let cases = [
        household(1, village: R.wuxing, persons: 3, income: "1110.00"),
        household(2, village: R.hongqi, persons: 2, income: "400.00"),
        household(3, village: R.xinhua, persons: 1, income: "500.00"),
        household(4, village: R.wuxing, persons: 2, income: "200.00", status: .voided(reason: "迁出")),
    ]

    @Test("§3.1.0 a draft raising the dibao standard 360 → 400 adds the household at 370 per capita and raises the amounts")
    func raisedStandard() throws {
        let w = PolicyWhatIf(cases: Self.cases, org: R.org, current: F.policy2020, draft: try Self.draft(), month: Self.month)
        #expect(w.asOf == F.day("2026-12-31"))
        #expect(w.currentPolicy == "dongxing-2020" && w.draftPolicy == "dongxing-2027-draft")
        #expect(w.householdsAssessed == 3, "the voided household is not assessed")

        let dibao = try #require(w.rows.first { $0.town == R.town && $0.programme == .dibao })
        #expect(dibao.townName == "椑木镇")
        #expect(dibao.current == .init(households: 1, persons: 2, monthlyAmount: Money(fen: 32_000)))  // (360 − 200) × 2
        #expect(dibao.draft == .init(households: 2, persons: 5, monthlyAmount: Money(fen: 49_000)))    // (400 − 200) × 2 + (400 − 370) × 3
        #expect(dibao.difference == .init(households: 1, persons: 3, monthlyAmount: Money(fen: 17_000)))

        let townTotal = try #require(w.rows.first { $0.town == R.town && $0.programme == nil })
        #expect(townTotal.current.persons == nil && townTotal.draft.monthlyAmount == Money(fen: 49_000))
        #expect(w.rows.filter { $0.town == R.town }.map(\.programme) == [.dibao, nil], "programmes neither side pays are left out")
        let other = try #require(w.rows.first { $0.town == R.otherTown && $0.programme == nil })
        #expect(other.current.households == 0 && other.draft.households == 0, "a town with nothing paid still shows its total")
        let area = try #require(w.rows.last)
        #expect(area.town == nil && area.townName == "全区" && area.programme == nil)
        #expect(area.difference.monthlyAmount == Money(fen: 17_000))

        #expect(w.changes.count == 2, "\(w.changes)")
        let gain = try #require(w.changes.first { $0.household == F.uuid(1) })
        #expect(gain.kind == .gain && gain.programme == .dibao && gain.member == nil)
        #expect(gain.before == nil && gain.after == Money(fen: 9_000))
        #expect(gain.headName == "户1甲" && gain.villageName == "五星村" && gain.townName == "椑木镇")
        #expect(gain.clause == "3.1.0" && gain.reason.contains("400"), "\(gain.reason)")
        let raise = try #require(w.changes.first { $0.household == F.uuid(2) })
        #expect(raise.kind == .increase && raise.before == Money(fen: 32_000) && raise.after == Money(fen: 40_000))
        #expect(raise.difference == Money(fen: 8_000) && raise.clause == "3.1.0")
        #expect(w.changes.map(\.household) == [F.uuid(1), F.uuid(2)], "ordered by village: 五星村 before 红旗村")
    }

    @Test("§3.1.0 a draft lowering the standard to 300: the household at 200 per capita gets less, none leaves")
    func loweredStandard() throws {
        let w = PolicyWhatIf(cases: Self.cases, org: R.org, current: F.policy2020, draft: try Self.draft(standard: "300.00"), month: Self.month)
        #expect(w.changes.map(\.kind) == [.decrease])
        #expect(w.changes.first?.after == Money(fen: 20_000))   // (300 − 200) × 2
        #expect(PolicyWhatIf.signedText(w.changes[0].difference) == "-120.00")
        #expect(PolicyWhatIf.cells(w.rows[0], plusSign: true).suffix(3) == ["0", "0", "-120.00"])
        #expect(PolicyWhatIf.cells(w.rows[0], plusSign: false).suffix(3) == ["0", "0", "-120.00"], "a minus before a digit is not a formula")
    }

    @Test("§3.1.0 thousands of households (assessed in chunks at once): the sums and the order of the changes are as one by one")
    func manyHouseholds() throws {
        let many = (0..<2_500).map { i in Self.household(100 + i, village: i.isMultiple(of: 2) ? R.wuxing : R.xinhua, persons: 2,
                                                           income: i.isMultiple(of: 3) ? "740.00" : "400.00") }
        let w = PolicyWhatIf(cases: many, org: R.org, current: F.policy2020, draft: try Self.draft(), month: Self.month)
        let gains = many.indices.filter { $0.isMultiple(of: 3) }.count   // 370 per capita
        let area = try #require(w.rows.first { $0.town == nil && $0.programme == .dibao })
        #expect(area.current.households == 2_500 - gains && area.draft.households == 2_500)
        #expect(area.draft.monthlyAmount == Money(fen: Int64(gains) * 6_000 + Int64(2_500 - gains) * 40_000))
        let expected = many.enumerated().sorted { ($0.element.household.village, $0.offset) < ($1.element.household.village, $1.offset) }
            .map(\.element.household.id)
        #expect(w.changes.map(\.household) == expected, "every household changes, by village and then as given")
    }

    @Test("a draft that changes nothing: the same caseload on both sides and no changes")
    func unchanged() throws {
        let w = PolicyWhatIf(cases: Self.cases, org: R.org, current: F.policy2020, draft: try Self.draft(standard: "360.00"), month: Self.month)
        #expect(w.changes.isEmpty)
        #expect(w.rows.allSatisfy { $0.current == $0.draft })
    }

    @Test("CSV: BOM, the caseload columns in Chinese, differences without a formula-like plus, the note on temporary aid, the changes with their clause")
    func csv() throws {
        let w = PolicyWhatIf(cases: Self.cases, org: R.org, current: F.policy2020, draft: try Self.draft(), month: Self.month)
        let text = w.csv { String($0.uuidString.prefix(8)).lowercased() }
        #expect(text.hasPrefix(CSVText.byteOrderMark))
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[1] == "乡镇,项目,现行户数,现行人数,现行月金额,草案户数,草案人数,草案月金额,增减户数,增减人数,增减月金额")
        #expect(lines.contains("椑木镇,农村低保,1,2,320.00,2,5,490.00,1,3,170.00"), "\(lines)")
        #expect(lines.contains("全区,合计,1,—,320.00,2,—,490.00,1,—,170.00"), "\(lines)")
        #expect(lines.contains { $0.contains("临时救助") && $0.contains("不计入月金额") })
        #expect(lines.contains { $0 == "新增享受,椑木镇,五星村,00000000,户1甲,（全户）,农村低保,—,90.00,90.00,§3.1.0,家庭人均收入 370.00 元（1110.00 ÷ 3 人）< 低保标准 400.00 元" }, "\(lines)")
    }
}
