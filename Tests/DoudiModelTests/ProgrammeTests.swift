import Foundation
import Testing
@testable import DoudiModel

/// §3.2–§3.5: 特困, children, disability subsidies and price subsidies, each checking a number.
@Suite("§3.2–3.5 programmes")
struct ProgrammeTests {
    typealias F = Fixtures

    @Test("§3.2.1 特困: elderly, disabled or under 16 with no labour, no income, no able supporter → §3.2.2 500", arguments: [
        ("1950-01-01", nil as (DisabilityCategory, Int)?, LabourCapacity.none, LegalSupporterStatus.none, false, true),
        ("1980-01-01", (.physical, 1), .none, .unable, false, true),
        ("1980-01-01", (.physical, 3), .partial, .none, false, false),   // some labour capacity (at 70 it is deemed none: TekunNationalRulesTests)
        ("1950-01-01", nil, .none, .able, false, false),      // supporter able to support
        ("1950-01-01", nil, .none, .none, true, false),       // has a source of income: 360, not below the dibao standard
        ("2005-07-02", nil, .none, .none, false, true),       // 14: under 16
        ("2004-07-02", nil, .none, .none, false, true),       // 15 until tomorrow
        ("2004-07-01", nil, .none, .none, false, false),      // 16th birthday on the as-of day
    ])
    func tekun(born: String, disability: (DisabilityCategory, Int)?, labour: LabourCapacity, supporter: LegalSupporterStatus,
               income: Bool, eligible: Bool) {
        let m = F.member(2, born: born, relation: .head, labour: labour, disability: disability, supporter: supporter)
        let c = F.household([m], survey: F.survey(incomes: income ? [F.wage(2, "360.00", kind: .transfer)] : []))
        let d = F.assess(c).determination(.tekun, member: F.uuid(2))!
        #expect(d.status == (eligible ? .eligible : .notEligible))
        #expect(d.monthlyAmount.fen == (eligible ? 50_000 : 0))
        #expect(d.clauses.contains("3.2.1"))
        if eligible { #expect(d.clauses.contains("3.2.2")) }
    }

    @Test("§3.2.2 a later standard applies from its effective day")
    func tekunStandardChanges() throws {
        var v2021 = F.policy2020
        v2021.id = "dongxing-2021"; v2021.effectiveFrom = F.day("2021-01-01"); v2021.tekun.standard = Money(yuan: 550)
        let book = try PolicyBook([F.policy2020, v2021])
        let c = F.household([F.member(2, born: "1940-01-01", labour: .none, supporter: .none)], survey: F.survey(incomes: []))
        for (day, fen) in [("2020-12-31", Int64(50_000)), ("2021-01-01", 55_000)] {
            let policy = try book.inForce(on: F.day(day))
            #expect(F.assess(c, on: day, policy: policy).determination(.tekun, member: F.uuid(2))!.monthlyAmount.fen == fen)
        }
    }

    @Test("§3.3.2 orphans under 18: 900; the 18th birthday ends it", arguments: [
        ("2002-07-02", ParentStatus.dead, ParentStatus.dead, true),     // 17
        ("2002-07-01", .dead, .dead, false),                             // 18 on the as-of day
        ("2010-01-01", .missing, .dead, true),                           // a parent cannot be found
        ("2010-01-01", .dead, .present, false),
    ])
    func orphan(born: String, father: ParentStatus, mother: ParentStatus, eligible: Bool) {
        let grandma = F.member(2, born: "1950-01-01", relation: .head)
        let child = F.member(3, born: born, relation: .grandchild, father: father, mother: mother)
        let c = F.household([grandma, child], survey: F.survey(incomes: [F.wage(2, "2000.00", kind: .transfer)]))
        let d = F.assess(c).determination(.orphan, member: F.uuid(3))
        #expect((d?.status == .eligible) == eligible)
        #expect((d?.monthlyAmount.fen ?? 0) == (eligible ? 90_000 : 0))
        if d != nil { #expect(d!.clauses == ["3.3.2"]) }
    }

    @Test("§3.3.2 an orphan who is also 特困 takes the orphan allowance, not both")
    func orphanNotTekun() {
        let child = F.member(3, born: "2012-01-01", relation: .head, labour: .none, supporter: .none, father: .dead, mother: .dead)
        let a = F.assess(F.household([child], survey: F.survey(incomes: [])))
        #expect(a.determination(.orphan, member: F.uuid(3))!.monthlyAmount.fen == 90_000)
        #expect(a.determination(.tekun, member: F.uuid(3))!.status == .notEligible)
    }

    @Test("§3.3.3 de-facto unsupported: both parents unable, or one gone and the other unable", arguments: [
        (ParentStatus.imprisoned, ParentStatus.severelyDisabled, true),
        (.drugRehabilitation, .otherRestriction, true),
        (.dead, .seriouslyIll, true),
        (.missing, .imprisoned, true),
        (.imprisoned, .present, false),
        (.dead, .present, false),
    ])
    func unsupportedChild(father: ParentStatus, mother: ParentStatus, eligible: Bool) {
        let grandpa = F.member(2, born: "1955-01-01", relation: .head)
        let child = F.member(3, born: "2012-01-01", relation: .grandchild, father: father, mother: mother)
        // income too high for dibao: the child gets the full standard
        let c = F.household([grandpa, child], survey: F.survey(incomes: [F.wage(2, "3000.00")]))
        let d = F.assess(c).determination(.unsupportedChild, member: F.uuid(3))
        #expect((d != nil) == eligible)
        if let d {
            #expect(d.monthlyAmount.fen == 90_000)
            #expect(d.clauses.contains("3.3.3"))
        }
    }

    @Test("§3.3.4 first enrolled in dibao or 特困; the difference to 900 is topped up")
    func topUp() {
        // dibao: 3 persons, no income → 1080 / 3 = 360 each → top-up 540
        let members = [
            F.member(2, born: "1950-01-01", relation: .head),
            F.member(3, born: "1952-01-01", relation: .spouse),
            F.member(4, born: "2012-01-01", relation: .grandchild, father: .imprisoned, mother: .dead),
        ]
        let a = F.assess(F.household(members, survey: F.survey(incomes: [])))
        let d = a.determination(.unsupportedChild, member: F.uuid(4))!
        #expect(a.determination(.dibao)!.monthlyAmount.fen == 108_000)
        #expect(d.monthlyAmount.fen == 54_000)
        #expect(d.clauses == ["3.3.3", "3.3.4"])
        #expect(d.steps.contains { $0.text == "补差 = 标准 900.00 − 已得 360.00 = 540.00 元" })
    }

    @Test("§3.3.4 classified aid the town decided counts in what the child already gets")
    func topUpWithClassifiedAid() {
        let members = [
            F.member(2, born: "1950-01-01", relation: .head),
            F.member(4, born: "2012-01-01", relation: .grandchild, father: .imprisoned, mother: .dead),
        ]
        let enrolment = Enrolment(id: F.uuid(70), programme: .dibao, start: try! YearMonth(iso: "2020-01"), monthlyAmount: F.money("720.00"),
                                  classifiedAid: [ClassifiedAidTier(member: F.uuid(4), tier: 1)])
        let a = F.assess(F.household(members, survey: F.survey(incomes: []), enrolments: [enrolment]))
        // 720 / 2 = 360 dibao + 120 tier 1 → 900 − 480 = 420
        #expect(a.determination(.unsupportedChild, member: F.uuid(4))!.monthlyAmount.fen == 42_000)
    }

    @Test("§3.3.4 a child under 16 who is 特困 tops up over 500")
    func topUpOverTekun() {
        let child = F.member(4, born: "2012-01-01", relation: .head, labour: .none, supporter: .unable, father: .imprisoned, mother: .dead)
        let a = F.assess(F.household([child], survey: F.survey(incomes: [])))
        #expect(a.determination(.tekun, member: F.uuid(4))!.monthlyAmount.fen == 50_000)
        #expect(a.determination(.unsupportedChild, member: F.uuid(4))!.monthlyAmount.fen == 40_000)
        #expect(a.determination(.dibao)!.status == .notEligible) // the only member is 特困
    }

    @Test("§3.3.5 lost contact counts once the town and police have established it", arguments: [
        (false, Determination.Status.pending, Int64(0)),
        (true, .eligible, 90_000),
    ])
    func lostContact(confirmed: Bool, status: Determination.Status, fen: Int64) {
        let grandpa = F.member(2, born: "1955-01-01", relation: .head)
        let child = F.member(3, born: "2012-01-01", relation: .grandchild, father: .lostContact, mother: .dead, lostContactConfirmed: confirmed)
        let c = F.household([grandpa, child], survey: F.survey(incomes: [F.wage(2, "3000.00")]))
        let d = F.assess(c).determination(.unsupportedChild, member: F.uuid(3))!
        #expect(d.status == status)
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses.contains("3.3.5"))
    }

    @Test("§3.3.1 the children-in-difficulty target is policy data (1,450 in 2020)")
    func childrenTarget() throws {
        #expect(F.policy2020.children.childrenInDifficultyTarget == 1450)
        let edited = String(decoding: F.policyJSON, as: UTF8.self).replacingOccurrences(of: "\"childrenInDifficultyTarget\": 1450", with: "\"childrenInDifficultyTarget\": 1600")
        #expect(try PolicyVersion.load(json: Data(edited.utf8), document: "x.json").children.childrenInDifficultyTarget == 1600)
    }

    @Test("§3.4.1 living subsidy for disabled people on dibao; §3.4.2 nursing subsidy by grade", arguments: [
        (1, true, Int64(10_000), Int64(8_000)),
        (2, true, 10_000, 5_000),
        (3, true, 10_000, 0),        // grade 3: no nursing subsidy
        (4, true, 10_000, 0),
        (1, false, 0, 8_000),        // not on dibao: nursing subsidy only
        (3, false, 0, 0),
    ])
    func disability(grade: Int, onDibao: Bool, living: Int64, nursing: Int64) {
        let m = F.member(2, born: "1980-01-01", relation: .head, disability: (.physical, grade))
        let income = onDibao ? "100.00" : "2000.00"
        let a = F.assess(F.household([m], survey: F.survey(incomes: [F.wage(nil, income, kind: .business)])))
        let l = a.determination(.disabilityLiving, member: F.uuid(2))!
        let n = a.determination(.disabilityNursing, member: F.uuid(2))!
        #expect(l.monthlyAmount.fen == living)
        #expect(n.monthlyAmount.fen == nursing)
        #expect(l.clauses == ["3.4.1"])
        #expect(n.clauses == ["3.4.2"])
        #expect(n.status == (nursing > 0 ? .eligible : .notEligible))
    }

    @Test("§3.5 a published price subsidy is paid in its months to each person of its groups, once", arguments: [
        ("2020-07-15", 3),
        ("2020-09-30", 3),
        ("2020-10-01", 0),
        ("2020-06-30", 0),
    ])
    func priceSubsidy(asOf: String, persons: Int) {
        var policy = F.policy2020
        policy.priceSubsidies = [PriceSubsidy(id: "2020q3", title: "2020年第三季度价格临时补贴", from: try! YearMonth(iso: "2020-07"),
                                              through: try! YearMonth(iso: "2020-09"), amountPerPerson: F.money("30.00"), groups: [.dibao, .tekun, .disabilityLiving])]
        let members = [
            F.member(2, born: "1950-01-01", relation: .head, disability: (.visual, 2)), // dibao + disability living: counted once
            F.member(3, born: "1952-01-01", relation: .spouse),
            F.member(4, born: "1990-01-01", relation: .son),
        ]
        let a = F.assess(F.household(members, survey: F.survey(incomes: [F.wage(4, "300.00")])), on: asOf, policy: policy)
        let lines = a.determinations.filter { $0.programme == .priceSubsidy }
        #expect(lines.count == persons)
        #expect(lines.allSatisfy { $0.monthlyAmount.fen == 3_000 && $0.clauses == ["3.5"] })
    }
}
