import Foundation
import Testing
@testable import DoudiModel

/// §4.2 the town's ledger (台账) per group, with household income and the share of each kind of income.
@Suite("§4.2 town ledger 台账")
struct TownLedgerTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let asOf = F.day("2026-12-31")

    /// A: registered poor, on dibao; head severely disabled (grade 2); a dead son not counted.
    /// Income 300 wages + 100 transfer (+ 500 disregarded).
    static let a = R.household(10, village: R.wuxing, members: [
        F.member(2, name: "张大山", born: "1960-01-01", disability: (.physical, 2)),
        F.member(3, name: "李秀英", born: "1962-01-01", relation: .spouse),
        F.member(4, name: "张已故", born: "1985-01-01", relation: .son, status: .dead),
    ], enrolments: [R.enrolment(11, .dibao, amount: "400.00")],
       survey: F.survey("2026-03-01", incomes: [
        F.wage(2, "300.00"),
        F.wage(nil, "100.00", kind: .transfer),
        IncomeItem(kind: .transfer, amount: Money(yuan: 500), disregarded: true, basis: "优抚金"),
       ]), categories: [.registeredPoor])

    /// B: marginal and 老人户; seriously ill head, a 特困 grandparent, an intellectually
    /// disabled (grade 3, severe by the 2020 setting) son, an orphan grandchild.
    /// Latest survey before the as-of day: 1,000 a year wages + 200 a month business.
    static let b: HouseholdCase = {
        var c = R.household(20, village: R.hongqi, members: [
            F.member(21, name: "王一", born: "1955-01-01", health: .seriouslyIll),
            F.member(22, name: "王老", born: "1935-01-01", relation: .parent),
            F.member(23, name: "王二", born: "1980-01-01", relation: .son, disability: (.intellectual, 3)),
            F.member(24, name: "王小", born: "2015-01-01", relation: .grandchild, father: .dead, mother: .dead),
        ], enrolments: [
            R.enrolment(25, .tekun, member: 22, amount: "500.00"),
            R.enrolment(26, .orphan, member: 24, amount: "900.00"),
        ], categories: [.marginal, .elderlyHousehold])
        var old = F.survey("2025-01-01", incomes: [F.wage(21, "5000.00")])
        old.id = F.uuid(27)
        var latest = F.survey("2026-06-01", incomes: [F.wage(21, "1000.00", period: .annual), F.wage(nil, "200.00", kind: .business)])
        latest.id = F.uuid(28)
        var future = F.survey("2027-01-05", incomes: [F.wage(21, "9000.00")])
        future.id = F.uuid(29)
        c.surveys = [latest, future, old]
        return c
    }()

    /// E: special hardship; a de-facto unsupported child; an orphan enrolment that ended; no survey.
    static let e = R.household(50, village: R.wuxing, members: [
        F.member(51, name: "刘一", born: "1960-01-01"),
        F.member(52, name: "刘小", born: "2016-01-01", relation: .grandchild),
    ], enrolments: [
        R.enrolment(53, .unsupportedChild, member: 52, amount: "900.00"),
        R.enrolment(54, .orphan, member: 52, end: "2026-06", amount: "900.00"),
    ], categories: [.specialHardship])

    /// Outside the town, and voided: not counted.
    static let outside = R.household(30, village: R.xinhua, members: [F.member(31, born: "1950-01-01")],
                                     enrolments: [R.enrolment(32, .dibao, amount: "360.00")], categories: [.registeredPoor])
    static let voided = R.household(40, village: R.wuxing, members: [F.member(41, born: "1950-01-01")],
                                    enrolments: [R.enrolment(42, .dibao, amount: "360.00")], categories: [.registeredPoor],
                                    status: .voided(reason: "死亡销户"))

    static let ledger = TownLedger(town: R.town, cases: [outside, b, voided, e, a], policy: F.policy2020, asOf: asOf, org: R.org)

    static func row(_ g: LedgerGroup) -> TownLedger.GroupRow { ledger.groups.first { $0.group == g }! }

    @Test("§4.2 every group is listed, empty ones too, in order")
    func allGroups() {
        #expect(Self.ledger.groups.map(\.group) == LedgerGroup.allCases)
        #expect(LedgerGroup.allCases.map(\.chineseName) == [
            "建档立卡低收入户", "老人户", "特殊困难户", "边缘户", "低保户", "特困人员", "重度残疾人", "重病患者", "孤儿", "事实无人抚养儿童",
        ])
        let empty = TownLedger(town: R.town, cases: [], policy: F.policy2020, asOf: Self.asOf, org: R.org)
        #expect(empty.groups.count == LedgerGroup.allCases.count)
        #expect(empty.groups.allSatisfy { $0.households == 0 && $0.persons == 0 && $0.share(of: .wage) == nil })
    }

    @Test("§4.2 group counts: households and persons; outside the town and voided households excluded", arguments: [
        (LedgerGroup.registeredPoor, 1, 2, "400.00"),   // A only: C is in another town, D voided; the dead son not counted
        (.elderlyHousehold, 1, 4, "283.33"),
        (.specialHardship, 1, 2, "0.00"),
        (.marginal, 1, 4, "283.33"),
        (.dibao, 1, 2, "400.00"),
        (.tekun, 1, 1, "283.33"),                        // persons of the group
        (.severelyDisabled, 2, 2, "683.33"),             // grade 2 physical; grade 3 intellectual by the setting
        (.seriouslyIll, 1, 1, "283.33"),
        (.orphan, 1, 1, "283.33"),                       // E's orphan enrolment has ended
        (.unsupportedChild, 1, 1, "0.00"),
    ])
    func groupCounts(group: LedgerGroup, households: Int, persons: Int, income: String) {
        let row = Self.row(group)
        #expect(row.households == households)
        #expect(row.persons == persons)
        #expect(row.monthlyIncomeRounded == F.money(income))
        #expect(row.group.isPersonGroup == [.tekun, .severelyDisabled, .seriouslyIll, .orphan, .unsupportedChild].contains(group))
    }

    @Test("§4.2 income shares, exact in integer arithmetic; disregarded items left out", arguments: [
        (LedgerGroup.registeredPoor, [IncomeKind.wage: "75.0%", .transfer: "25.0%"]),                 // 300 + 100
        (.elderlyHousehold, [.wage: "29.4%", .business: "70.6%"]),                                     // 1000/12 + 200
        (.severelyDisabled, [.wage: "56.1%", .business: "29.3%", .transfer: "14.6%"]),                 // both
    ])
    func shares(group: LedgerGroup, expected: [IncomeKind: String]) {
        let row = Self.row(group)
        for kind in IncomeKind.allCases {
            #expect(row.share(of: kind) == (expected[kind] ?? "0.0%"), "\(kind)")
        }
    }

    @Test("§4.2 shares of every group with income add up to 100% (within rounding)")
    func sharesSum() throws {
        for row in Self.ledger.groups where row.monthlyIncome > .zero {
            let tenths = try IncomeKind.allCases.map { kind -> Int in
                let text = try #require(row.share(of: kind))
                return Int(text.dropLast().replacingOccurrences(of: ".", with: ""))!
            }.reduce(0, +)
            #expect(abs(tenths - 1000) <= IncomeKind.allCases.count / 2, "\(row.group)")
        }
        #expect(Self.row(.specialHardship).share(of: .wage) == nil)   // no income: no share
    }

    @Test("Percentages with one decimal, rounded half up, without floating point", arguments: [
        (Int64(3), Int64(8), "37.5%" as String?),
        (1, 3, "33.3%"),
        (2, 3, "66.7%"),
        (1, 16, "6.3%"),      // 6.25 → half up
        (0, 5, "0.0%"),
        (5, 5, "100.0%"),
        (1, 0, nil),
    ])
    func percent(part: Int64, whole: Int64, text: String?) {
        #expect(ReportFormat.percent(FenFraction(part), of: FenFraction(whole)) == text)
        // the same ratio in twelfths of a fen (annual ÷ 12)
        #expect(ReportFormat.percent(FenFraction(part * 7, 12), of: FenFraction(whole * 7, 12)) == text)
    }

    @Test("Programme summary: households, persons, monthly amounts of enrolments active in the as-of month")
    func programmes() {
        let rows = Dictionary(uniqueKeysWithValues: Self.ledger.programmes.map { ($0.programme, $0) })
        #expect(rows[.dibao]?.households == 1)
        #expect(rows[.dibao]?.persons == 2)
        #expect(rows[.dibao]?.monthlyAmount.fen == 40_000)
        #expect(rows[.tekun]?.monthlyAmount.fen == 50_000)
        #expect(rows[.orphan]?.persons == 1)
        #expect(rows[.orphan]?.monthlyAmount.fen == 90_000)      // E's ended enrolment not counted
        #expect(rows[.unsupportedChild]?.monthlyAmount.fen == 90_000)
        #expect(rows[.disabilityNursing]?.households == 0)        // zero rows listed
        #expect(rows[.priceSubsidy] == nil && rows[.temporaryAid] == nil)
    }

    @Test("CSV: title with the town and day, group table with shares, programme summary")
    func csv() {
        let text = Self.ledger.csv()
        #expect(text.hasPrefix("\u{FEFF}椑木镇社会救助对象分类台账（截至 2026-12-31）\r\n"))
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[1] == "类别,户数,人数,月收入合计,工资性收入占比,经营净收入占比,财产净收入占比,转移净收入占比,赡养费收入占比,实物收入占比")
        #expect(lines[2] == "建档立卡低收入户,1,2,400.00,75.0%,0.0%,0.0%,25.0%,0.0%,0.0%")
        #expect(lines[4] == "特殊困难户,1,2,0.00,—,—,—,—,—,—")
        #expect(lines[12] == "")
        #expect(lines[13] == "项目,户数,人数,月发放金额,已到账,未到账")
        #expect(lines[14] == "农村低保,1,2,400.00,0.00,0.00")
        #expect(lines.contains("孤儿基本生活费,1,1,900.00,0.00,0.00"))
    }
}
