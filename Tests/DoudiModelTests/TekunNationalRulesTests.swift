import Foundation
import Testing
@testable import DoudiModel

/// §3.2.1 特困: the national rule the seed relies on without restating it
/// (特困人员认定办法, 民发〔2016〕178号, Art. 6 and 7), as policy-file settings.
@Suite("§3.2.1 特困 under the national rule (民发〔2016〕178号)")
struct TekunNationalRulesTests {
    typealias F = Fixtures

    /// One person living alone, no legal supporter, assessed on 2020-07-01 (survey 2020-06-01).
    static func alone(born: String, labour: LabourCapacity = .full, disability: (DisabilityCategory, Int)? = nil,
                      incomes: [IncomeItem] = []) -> HouseholdCase {
        F.household([F.member(2, name: "郑永福", born: born, labour: labour, disability: disability, supporter: .none)],
                     survey: F.survey(incomes: incomes))
    }

    static func tekun(_ c: HouseholdCase, policy: PolicyVersion = F.policy2020) -> Determination? {
        F.assess(c, policy: policy).determinations.first { $0.programme == .tekun && $0.member == F.uuid(2) }
    }

    // MARK: §3.2.1 a recorded income of 0.00 is no source of livelihood

    @Test("§3.2.1 an elderly person alone, no supporter, income lines of 0.00: 特困 at 500 (a zero line is no income)", arguments: [
        [F.wage(2, "0.00")],
        [F.wage(2, "0.00"), F.wage(2, "0.00", period: .annual, kind: .business)],
        [F.wage(nil, "0.00", kind: .inKind), F.wage(2, "0.00", kind: .support)],
    ])
    func zeroIncomeIsNoIncome(incomes: [IncomeItem]) throws {
        let d = try #require(Self.tekun(Self.alone(born: "1940-02-03", labour: .none, incomes: incomes)))
        #expect(d.status == .eligible)
        #expect(d.monthlyAmount.fen == 50_000)
        #expect(!d.steps.contains { $0.text.contains("有生活来源") })
    }

    // MARK: Art. 6 — deemed to have no labour capacity (应当认定), whatever was entered

    @Test("§3.2.1 Art. 6: age and disability deem no labour capacity even when entered as able", arguments: [
        // (born, disability, entered, eligible)
        ("2013-01-01", nil as (DisabilityCategory, Int)?, LabourCapacity.full, true),   // 7 years old, entered with the default
        ("2004-07-02", nil, .full, true),                                                 // 15: under 16
        ("1960-07-01", nil, .full, true),                                                 // 60 today
        ("1980-01-01", (.intellectual, 3), .full, true),
        ("1980-01-01", (.mental, 1), .partial, true),
        ("1980-01-01", (.physical, 2), .full, true),
        ("1980-01-01", (.physical, 3), .full, false),                                      // 肢体三级 is not listed
        ("1980-01-01", (.visual, 1), .full, true),
        ("1980-01-01", (.visual, 2), .full, false),                                        // 视力二级 is not listed
        ("1980-01-01", (.hearing, 1), .full, false),                                       // 听力 is not listed
        ("1980-01-01", (.physical, 3), .none, true),                                       // entered as none: no deeming needed
        ("1960-07-02", (.hearing, 2), .full, false),                                       // 59, 听力二级
    ])
    func deemedNoLabourCapacity(born: String, disability: (DisabilityCategory, Int)?, entered: LabourCapacity, eligible: Bool) throws {
        let d = try #require(Self.tekun(Self.alone(born: born, labour: entered, disability: disability)))
        #expect(d.status == (eligible ? .eligible : .notEligible), "\(d.steps.map(\.line))")
        #expect(d.clauses.contains("3.2.1"))
        if !eligible { #expect(d.steps.contains { $0.text.contains("有劳动能力") }) }
    }

    @Test("§3.2.1 the deemed step cites the national rule and is marked a setting")
    func deemedStepIsASetting() throws {
        let d = try #require(Self.tekun(Self.alone(born: "2013-01-01")))
        let step = try #require(d.steps.first { $0.text.contains("视为无劳动能力") })
        #expect(step.clause == "3.2.1" && step.isSetting)
        #expect(step.text.contains("特困人员认定办法（民发〔2016〕178号）第六条"))
        #expect(step.text.contains("未满16周岁"))
        #expect(step.text.contains("登记为“有劳动能力”"))
        #expect(step.line.hasSuffix("（政策设置）"))
    }

    @Test("§3.2.1 a 16-year-old is no longer a 特困 minor (the deemed age and the minor age both end at 16)")
    func sixteen() throws {
        let d = try #require(Self.tekun(Self.alone(born: "2004-07-01")))
        #expect(d.status == .notEligible)
    }

    @Test("§3.2.1 the deemed ages and disabilities are data: a later version can change them")
    func deemedIsData() throws {
        var p = F.policy2020
        p.tekun.deemedNoLabourCapacity.disabilities.append(DisabilityGrades(category: .hearing, grades: [1]))
        #expect(Self.tekun(Self.alone(born: "1980-01-01", disability: (.hearing, 1)), policy: p)?.status == .eligible)
        p.tekun.deemedNoLabourCapacity.ageFrom = 65
        #expect(Self.tekun(Self.alone(born: "1958-01-01"), policy: p)?.status == .notEligible)
    }

    // MARK: Art. 7 — income below the dibao standard is no source of livelihood

    @Test("§3.2.1 Art. 7: own income below the dibao standard (360) counts as no source of livelihood", arguments: [
        ("0.00", Period.monthly, false, true),
        ("300.00", .monthly, false, true),
        ("359.99", .monthly, false, true),
        ("360.00", .monthly, false, false),          // at the standard is not below it
        ("4319.88", .annual, false, true),           // 359.99 a month
        ("4320.00", .annual, false, false),
        ("1000.00", .monthly, true, true),           // disregarded (e.g. 高龄津贴): not income
    ])
    func incomeBelowStandard(amount: String, period: Period, disregarded: Bool, eligible: Bool) throws {
        var item = F.wage(2, amount, period: period, kind: .transfer)
        item.disregarded = disregarded
        let d = try #require(Self.tekun(Self.alone(born: "1940-02-03", incomes: [item])))
        #expect(d.status == (eligible ? .eligible : .notEligible), "\(d.steps.map(\.line))")
        if eligible, !disregarded, amount != "0.00" {
            let step = try #require(d.steps.first { $0.text.contains("视为无生活来源") })
            #expect(step.isSetting && step.clause == "3.2.1" && step.text.contains("第七条"))
        }
    }

    @Test("§3.2.1 with noLivelihood.incomeBelowDibaoStandard off, any income above zero is a source; 0.00 still is not", arguments: [
        ("0.00", true), ("0.01", false), ("300.00", false),
    ])
    func strictReading(amount: String, eligible: Bool) throws {
        var p = F.policy2020
        p.tekun.noLivelihood.incomeBelowDibaoStandard = false
        let d = try #require(Self.tekun(Self.alone(born: "1940-02-03", incomes: [F.wage(2, amount)]), policy: p))
        #expect(d.status == (eligible ? .eligible : .notEligible))
    }

    @Test("§3.2.1 the household's dibao does not count the 特困 person whom the national rule now qualifies")
    func dibaoExcludesDeemedChild() throws {
        // grandfather (able supporter: not 特困) and a 7-year-old without supporter
        let c = F.household([
            F.member(2, name: "张老汉", born: "1950-01-01", labour: .partial, supporter: .able),
            F.member(3, name: "张小宝", born: "2013-01-01", relation: .grandchild, supporter: .none),
        ], survey: F.survey(incomes: [F.wage(2, "100.00")]))
        let a = F.assess(c)
        #expect(a.determinations.first { $0.programme == .tekun && $0.member == F.uuid(3) }?.status == .eligible)
        #expect(a.determination(.dibao)?.coveredPersons == 1)
    }

    // MARK: the policy file

    @Test("the shipped policy states the national rule with its source")
    func shipped() {
        let t = F.policy2020.tekun
        #expect(t.deemedNoLabourCapacity.ageUnder == 16 && t.deemedNoLabourCapacity.ageFrom == 60)
        #expect(t.deemedNoLabourCapacity.disabilities == [
            DisabilityGrades(category: .intellectual, grades: [1, 2, 3]), DisabilityGrades(category: .mental, grades: [1, 2, 3]),
            DisabilityGrades(category: .physical, grades: [1, 2]), DisabilityGrades(category: .visual, grades: [1]),
        ])
        #expect(t.deemedNoLabourCapacity.source.contains("民发〔2016〕178号"))
        #expect(t.noLivelihood.incomeBelowDibaoStandard && t.noLivelihood.source.contains("第七条"))
    }

    @Test("a bad national-rule setting is an error naming the field", arguments: [
        (#""ageFrom": 60"#, #""ageFrom": 10"#, "tekun.deemedNoLabourCapacity.ageFrom"),
        (#"{ "category": "physical", "grades": [1, 2] }"#, #"{ "category": "physical", "grades": [1, 5] }"#, "tekun.deemedNoLabourCapacity.disabilities[2].grades"),
        (#""grades": [1] }"#, #""grades": [] }"#, "tekun.deemedNoLabourCapacity.disabilities[3].grades"),
        (#"{ "category": "visual""#, #"{ "category": "physical""#, "tekun.deemedNoLabourCapacity.disabilities[3].category"),
        (#""source": "特困人员认定办法（民发〔2016〕178号）第六条""#, #""source": " ""#, "tekun.deemedNoLabourCapacity.source"),
        (#""incomeBelowDibaoStandard": true"#, #""incomeBelowDibaoStandrad": true"#, "tekun.noLivelihood.incomeBelowDibaoStandard"),
        (#""ageUnder": 16,"#, "", "tekun.deemedNoLabourCapacity.ageUnder"),
    ])
    func badFile(from: String, to: String, field: String) {
        #expect { try PolicyVersion.load(json: PolicyFileTests.edited(from, to), document: "bad.json") } throws: { error in
            (error as? DocumentError)?.field == field
        }
    }
}
