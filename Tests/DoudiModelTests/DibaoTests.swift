import Foundation
import Testing
@testable import DoudiModel

/// §3.1 农村低保, clause by clause, each checking a number.
@Suite("§3.1 rural dibao")
struct DibaoTests {
    typealias F = Fixtures

    static let three = [
        F.member(2, name: "张大山", born: "1975-03-04", relation: .head),
        F.member(3, name: "李秀英", born: "1978-05-06", relation: .spouse),
        F.member(4, name: "张小明", born: "1995-01-01", relation: .son),
    ]

    /// (household monthly income, eligible, monthly dibao in fen) for 3 persons, standard 360.
    @Test("§3.1.0 strictly below the standard, difference payment", arguments: [
        ("600.00", true, 48_000),   // 200/person < 360 → (360−200)×3 = 480
        ("1079.97", true, 3),       // 359.99/person → 0.03
        ("1080.00", false, 0),      // exactly at the standard: not below
        ("1080.03", false, 0),      // above
        ("0.00", true, 108_000),    // no income: 3 × 360
    ])
    func incomeTest(income: String, eligible: Bool, fen: Int64) {
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, income)]))
        let d = F.assess(c).determination(.dibao)!
        #expect(d.status.qualifies == eligible)
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses.contains("3.1.0"))
        if eligible { #expect(d.coveredPersons == 3) }
    }

    @Test("§3.1.0 explanation names the numbers and the clause")
    func explanation() {
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, "600.00")]))
        let lines = F.assess(c).determination(.dibao)!.steps.map(\.line)
        #expect(lines.contains("家庭人均收入 200.00 元（600.00 ÷ 3 人）< 低保标准 360.00 元 §3.1.0"))
        #expect(lines.contains { $0.contains("(低保标准 360.00 − 人均收入 200.00) × 保障人口 3 人 = 480.00 元") && $0.hasSuffix("（政策设置）") })
    }

    @Test("§3.1.0 at-or-below setting makes income at the standard qualify")
    func atOrBelowSetting() {
        var policy = F.policy2020
        policy.dibao.incomeTest = .atOrBelow
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, "1080.00")]))
        let d = F.assess(c, policy: policy).determination(.dibao)!
        #expect(d.status == .eligible)
        #expect(d.monthlyAmount == .zero)
    }

    @Test("§3.1.0 district hukou required")
    func hukou() {
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, "300.00")]), hukou: F.otherDistrict)
        let d = F.assess(c).determination(.dibao)!
        #expect(d.status == .notEligible)
        #expect(d.steps.first!.line.contains("不在本区"))
    }

    @Test("§3.1.0 asset rules (district placeholders): 24 months × standard × persons", arguments: [
        ("25920.00", true),   // 24 × 360 × 3 = 25,920: within
        ("25920.01", false),
    ])
    func assets(financial: String, eligible: Bool) {
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, "300.00")], assets: Assets(financial: F.money(financial))))
        let d = F.assess(c).determination(.dibao)!
        #expect(d.status.qualifies == eligible)
        #expect(d.steps.contains { $0.clause == "3.1.0" && $0.text.contains("占位值") })
    }

    @Test("§3.1.0 vehicle and business rules; an exempt vehicle is not counted")
    func vehicles() {
        let exempt = Assets(vehicles: [Vehicle(kind: "三轮车", exemptReason: "生计")])
        let counted = Assets(vehicles: [Vehicle(kind: "小汽车", value: F.money("30000"))])
        let business = Assets(registeredBusiness: true)
        for (assets, ok) in [(exempt, true), (counted, false), (business, false)] {
            let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, "300.00")], assets: assets))
            #expect(F.assess(c).determination(.dibao)!.status.qualifies == ok)
        }
    }

    @Test("Annual income counts as one twelfth a month, rounded once at the end", arguments: [
        (RoundingRule.halfUpToFen, Int64(27_667)), // 360 − 1000/12 = 276.666… → 276.67
        (RoundingRule.upToYuan, Int64(27_700)),    // → 277.00
    ])
    func annualIncomeRounding(rule: RoundingRule, fen: Int64) {
        var policy = F.policy2020
        policy.rounding = rule
        let one = [F.member(2, born: "1970-01-01")]
        let c = F.household(one, survey: F.survey(incomes: [F.wage(2, "1000.00", period: .annual)]))
        let d = F.assess(c, policy: policy).determination(.dibao)!
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.steps.contains { $0.text.contains(rule.chineseName) })
    }

    static let priorityCases: [([HouseholdCategory], String, String, Bool, Bool)] = [
        ([.registeredPoor], "200.00", "100.00", true, true),
        ([.registeredPoor], "100.00", "200.00", true, false),
        ([.marginal], "200.00", "100.00", false, false),
    ]

    @Test("§3.1.1 registered-poor households are enrolled with priority; support share ≥ 50% is named", arguments: priorityCases)
    func priority(categories: [HouseholdCategory], support: String, wage: String, priority: Bool, supportNamed: Bool) {
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, wage), F.wage(3, support, kind: .support)]), categories: Set(categories))
        let d = F.assess(c).determination(.dibao)!
        #expect(d.status == .eligible)
        #expect(d.monthlyAmount.fen == 108_000 - 30_000)
        #expect(d.priority == priority)
        #expect(d.clauses.contains("3.1.1") == priority)
        #expect(d.steps.contains { $0.text.contains("赡养费收入") && $0.clause == "3.1.1" } == supportNamed)
    }

    @Test("§3.1.2 main members without labour capacity and no way out through support: all enrolled", arguments: [
        (LabourCapacity.partial, true, true),
        (LabourCapacity.none, true, true),
        (LabourCapacity.full, true, false),
        (LabourCapacity.partial, false, false),
    ])
    func allEnrol(labour: LabourCapacity, exhausted: Bool, enrolled: Bool) {
        let members = [
            F.member(2, born: "1960-03-04", relation: .head, labour: labour),
            F.member(3, born: "1962-05-06", relation: .spouse, labour: labour),
        ]
        // 800 / 2 = 400 per person: above 360
        let c = F.household(members, survey: F.survey(incomes: [F.wage(nil, "800.00", kind: .business)]), exhausted: exhausted)
        let d = F.assess(c).determination(.dibao)!
        #expect(d.status.qualifies == enrolled)
        if enrolled {
            #expect(d.coveredPersons == 2)
            #expect(d.monthlyAmount == .zero)
            #expect(d.clauses.contains("3.1.2"))
        }
    }

    @Test("§3.1.2 all-enrolled households below the standard get the difference")
    func allEnrolBelow() {
        let members = [F.member(2, born: "1960-03-04", relation: .head, labour: .none)]
        let c = F.household(members, survey: F.survey(incomes: [F.wage(nil, "160.00", kind: .business)]), exhausted: true)
        let d = F.assess(c).determination(.dibao)!
        #expect(d.monthlyAmount.fen == 20_000)
        #expect(d.clauses == ["3.1.0", "3.1.2"])
    }

    @Test("§3.1.3 single-person case: own income + support owed by legal supporters", arguments: [
        ("50.00", "100.00", nil as String?, true, Int64(21_000)),  // 360 − (50 + 100)
        ("50.00", "100.00", "残疾", true, Int64(31_000)),          // supporter cannot pay: 360 − 50
        ("50.00", "310.00", nil, false, Int64(0)),                 // 360: not below
    ])
    func singlePerson(own: String, owed: String, cannotPay: String?, eligible: Bool, fen: Int64) {
        let members = [
            F.member(2, born: "1970-03-04", relation: .head, employment: .employed),
            F.member(3, born: "1995-05-06", relation: .son, employment: .unemployed, labour: .none,
                     disability: (.physical, 2), dependsOnFamily: true),
        ]
        let obligor = SupportObligor(id: F.uuid(50), member: F.uuid(3), name: "张大姐", relation: "姐姐", supportOwed: F.money(owed), cannotPayReason: cannotPay)
        // the family earns 3000: not on dibao
        let c = F.household(members, survey: F.survey(incomes: [F.wage(2, "3000.00"), F.wage(3, own, kind: .inKind), F.wage(3, "80.00", kind: .support)]),
                            obligors: [obligor])
        let a = F.assess(c)
        #expect(a.determination(.dibao)!.status == .notEligible)
        let d = a.determination(.dibao, member: F.uuid(3))!
        #expect(d.status.qualifies == eligible)
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses.contains("3.1.3"))
        if eligible {
            #expect(d.coveredPersons == 1)
            // §3.4.1 follows: the single-person case is on dibao
            #expect(a.determination(.disabilityLiving, member: F.uuid(3))!.monthlyAmount.fen == 10_000)
        }
    }

    @Test("§3.1.3 not for minors, the employed, or one who does not depend on the family")
    func singlePersonConditions() {
        for m in [
            F.member(3, born: "2005-05-06", relation: .son, employment: .unemployed, disability: (.physical, 1), dependsOnFamily: true),
            F.member(3, born: "1990-05-06", relation: .son, employment: .employed, disability: (.physical, 1), dependsOnFamily: true),
            F.member(3, born: "1990-05-06", relation: .son, employment: .unemployed, disability: (.physical, 1), dependsOnFamily: false),
        ] {
            let c = F.household([F.member(2, born: "1970-03-04"), m], survey: F.survey(incomes: [F.wage(2, "3000.00")]))
            #expect(F.assess(c).determination(.dibao, member: F.uuid(3))?.status == .notEligible)
        }
    }

    @Test("§3.1.4 rigid expenses and employment costs are deducted; education is not in the 2020 list", arguments: [
        (DeductionKind.medical, "300.00", true, Int64(18_000)),        // (1200 − 300)/3 = 300 → (360−300)×3
        (DeductionKind.employmentCost, "300.00", true, Int64(18_000)),
        (DeductionKind.rehabilitation, "1500.00", true, Int64(108_000)), // never below zero income
        (DeductionKind.education, "300.00", false, Int64(0)),           // 400/person: not eligible
    ])
    func deductions(kind: DeductionKind, amount: String, eligible: Bool, fen: Int64) {
        let c = F.household(Self.three, survey: F.survey(incomes: [F.wage(2, "1200.00")], deductions: [Deduction(member: F.uuid(3), kind: kind, amount: F.money(amount))]))
        let d = F.assess(c).determination(.dibao)!
        #expect(d.status.qualifies == eligible)
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses.contains("3.1.4"))
    }

    static func exitCase(categories: Set<HouseholdCategory>, exitStart: String?) -> HouseholdCase {
        let enrolment = Enrolment(id: F.uuid(70), programme: .dibao, start: try! YearMonth(iso: "2019-01"),
                                  monthlyAmount: F.money("540.00"), gradualExitStart: exitStart.map { try! YearMonth(iso: $0) })
        return F.household(three, survey: F.survey("2019-12-15", incomes: [F.wage(2, "1500.00")]), categories: categories, enrolments: [enrolment])
    }

    @Test("§3.1.5 gradual exit lasts at most 12 months: month 12 still paid, month 13 exits", arguments: [
        ("2020-01-15", Determination.Status.gradualExit, Int64(54_000), "渐退期第 1 个月"),
        ("2020-12-31", .gradualExit, 54_000, "渐退期第 12 个月"),
        ("2021-01-01", .notEligible, 0, "已满 12 个月"),
    ])
    func gradualExit(asOf: String, status: Determination.Status, fen: Int64, text: String) {
        let c = Self.exitCase(categories: [.registeredPoor], exitStart: "2020-01")
        let d = F.assess(c, on: asOf).determination(.dibao)!
        #expect(d.status == status)
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses.contains("3.1.5"))
        #expect(d.steps.contains { $0.text.contains(text) })
    }

    @Test("§3.1.5 a re-survey above the standard starts gradual exit the month after it")
    func gradualExitStarts() {
        let c = Self.exitCase(categories: [.specialHardship], exitStart: nil)
        let d = F.assess(c, on: "2020-01-05").determination(.dibao)!
        #expect(d.status == .gradualExit)
        #expect(d.monthlyAmount.fen == 54_000)
        #expect(d.steps.contains { $0.text.contains("自 2020-01 起进入渐退期，至迟 2020-12 结束") })
    }

    @Test("§3.1.5 only registered-poor and special-hardship households have a gradual exit")
    func noGradualExitForOthers() {
        let d = F.assess(Self.exitCase(categories: [.marginal], exitStart: nil), on: "2020-01-05").determination(.dibao)!
        #expect(d.status == .notEligible)
        #expect(d.clauses.contains("3.1.5"))
    }

    @Test("§3.1.5 a longer exit in a later policy version needs no code change")
    func gradualExitSetting() {
        var policy = F.policy2020
        policy.dibao.gradualExit.maxMonths = 6
        let c = Self.exitCase(categories: [.registeredPoor], exitStart: "2020-01")
        #expect(F.assess(c, on: "2020-06-30", policy: policy).determination(.dibao)!.status == .gradualExit)
        #expect(F.assess(c, on: "2020-07-01", policy: policy).determination(.dibao)!.status == .notEligible)
    }

    @Test("§3.1.6 classified aid: candidates in dibao households; the town's tier sets the amount", arguments: [
        (1 as Int?, Determination.Status.eligible, Int64(12_000)),
        (2, .eligible, 8_000),
        (3, .eligible, 4_000),
        (nil, .candidate, 0),
    ])
    func classifiedAid(tier: Int?, status: Determination.Status, fen: Int64) {
        let members = [
            F.member(2, born: "1950-03-04", relation: .head),          // 70: elderly
            F.member(3, born: "1975-05-06", relation: .son),           // not one of the four kinds
        ]
        let enrolment = Enrolment(id: F.uuid(70), programme: .dibao, start: try! YearMonth(iso: "2020-01"), monthlyAmount: F.money("520.00"),
                                  classifiedAid: tier.map { [ClassifiedAidTier(member: F.uuid(2), tier: $0)] } ?? [])
        let c = F.household(members, survey: F.survey(incomes: [F.wage(3, "200.00")]), enrolments: [enrolment])
        let a = F.assess(c)
        let d = a.determination(.classifiedAid, member: F.uuid(2))!
        #expect(d.status == status)
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses == ["3.1.6"])
        #expect(a.determination(.classifiedAid, member: F.uuid(3)) == nil)
    }

    @Test("§3.1.6 the four kinds: elderly (60), minor (< 18), severely disabled, seriously ill", arguments: [
        ("1960-07-01", nil as (DisabilityCategory, Int)?, Health.healthy, true),   // 60th birthday on the as-of day
        ("1960-07-02", nil, .healthy, false),                                       // 59
        ("2002-07-02", nil, .healthy, true),                                        // 17
        ("2002-07-01", nil, .healthy, false),                                       // 18th birthday
        ("1980-01-01", (.physical, 2), .healthy, true),
        ("1980-01-01", (.mental, 3), .healthy, true),                               // grade 3 mental is severe
        ("1980-01-01", (.physical, 3), .healthy, false),                            // grade 3 physical is not
        ("1980-01-01", nil, .seriouslyIll, true),
    ])
    func fourKinds(born: String, disability: (DisabilityCategory, Int)?, health: Health, candidate: Bool) {
        let m = F.member(2, born: born, relation: .head, health: health, disability: disability, supporter: .able)
        let c = F.household([m], survey: F.survey(incomes: []))
        #expect((F.assess(c).determination(.classifiedAid, member: F.uuid(2)) != nil) == candidate)
    }

    @Test("特困 members are supported on their own and not counted in the dibao household")
    func tekunExclusive() {
        let members = [
            F.member(2, born: "1940-03-04", relation: .parent, labour: .none, supporter: .unable),
            F.member(3, born: "1975-05-06", relation: .head),
        ]
        let c = F.household(members, survey: F.survey(incomes: [F.wage(3, "200.00")]))
        let a = F.assess(c)
        #expect(a.determination(.tekun, member: F.uuid(2))!.monthlyAmount.fen == 50_000)
        let dibao = a.determination(.dibao)!
        #expect(dibao.coveredPersons == 1)
        #expect(dibao.monthlyAmount.fen == 16_000)
    }

    @Test("No survey yet: dibao is pending, not refused")
    func noSurvey() {
        let c = F.household(Self.three, survey: nil)
        #expect(F.assess(c).determination(.dibao)!.status == .pending)
    }
}
