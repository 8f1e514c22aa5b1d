import Foundation
import Testing
@testable import DoudiModel

/// §3.3.1 困境儿童 counted against the district's target (1,450), in the town ledger and for the district.
@Suite("§3.3.1 children in difficulty against the target")
struct ChildrenInDifficultyTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let asOf = F.day("2026-12-31")

    static let grandparents = [F.member(2, name: "张老汉", born: "1950-01-01"), F.member(3, name: "李老太", born: "1952-01-01", relation: .spouse)]

    @Test("§3.3.1 who counts, each child once, under the first reason", arguments: [
        // (enrolments of the household, child born, reason)
        ([R.enrolment(20, .orphan, member: 5, amount: "900.00")], "2015-01-01", ChildrenInDifficulty.Reason.orphan as ChildrenInDifficulty.Reason?),
        ([R.enrolment(20, .unsupportedChild, member: 5, amount: "640.00"), R.enrolment(21, .dibao, amount: "520.00")], "2015-01-01", .unsupportedChild),
        ([R.enrolment(20, .tekun, member: 5, amount: "500.00")], "2015-01-01", .tekun),
        ([R.enrolment(20, .dibao, amount: "520.00")], "2015-01-01", .dibao),
        ([R.enrolment(20, .dibao, member: 5, amount: "360.00")], "2015-01-01", .dibao),   // a single-person case
        ([R.enrolment(20, .tekun, member: 2, amount: "500.00")], "2015-01-01", nil),     // a 特困 grandfather: personal, not the child's
        ([R.enrolment(20, .dibao, amount: "520.00")], "2008-12-31", nil),                 // 18 on the as-of day: no longer a child
        ([R.enrolment(20, .dibao, amount: "520.00")], "2009-01-01", .dibao),              // 17
        ([R.enrolment(20, .dibao, end: "2026-11", amount: "520.00")], "2015-01-01", nil), // dibao ended
        ([], "2015-01-01", nil),
    ])
    func reason(enrolments: [Enrolment], born: String, reason: ChildrenInDifficulty.Reason?) {
        let child = F.member(5, name: "张小宝", born: born, relation: .grandchild)
        let c = R.household(10, members: Self.grandparents + [child], enrolments: enrolments)
        #expect(ChildrenInDifficulty.reason(of: c.members[2], in: c, policy: F.policy2020, asOf: Self.asOf) == reason)
        let count = ChildrenInDifficulty(cases: [c], policy: F.policy2020, asOf: Self.asOf)
        #expect(count.total == (reason == nil ? 0 : 1))
        #expect(count.target == 1450)
    }

    static func cases() -> [HouseholdCase] {
        let orphan = R.household(10, village: R.wuxing, members: Self.grandparents + [F.member(5, born: "2015-01-01", relation: .grandchild)],
                                 enrolments: [R.enrolment(20, .orphan, member: 5, amount: "900.00")])
        let dibao = R.household(11, village: R.hongqi, members: [
            F.member(12, born: "1980-01-01"), F.member(13, born: "2012-01-01", relation: .son), F.member(14, born: "2014-01-01", relation: .daughter),
            F.member(15, born: "2016-01-01", relation: .son, status: .dead),
        ], enrolments: [R.enrolment(21, .dibao, amount: "700.00")])
        let otherTown = R.household(30, village: R.xinhua, members: [F.member(31, born: "1980-01-01"), F.member(32, born: "2013-01-01", relation: .son)],
                                    enrolments: [R.enrolment(33, .dibao, amount: "400.00")])
        let voided = R.household(40, members: [F.member(41, born: "2013-01-01")], enrolments: [R.enrolment(42, .orphan, member: 41, amount: "900.00")],
                                 status: .voided(reason: "迁出"))
        return [orphan, dibao, otherTown, voided]
    }

    @Test("§3.3.1 the town ledger counts its children against the district's target; the district counts every town")
    func ledgerAndDistrict() {
        let ledger = TownLedger(town: R.town, cases: Self.cases(), policy: F.policy2020, asOf: Self.asOf, org: R.org)
        let children = ledger.childrenInDifficulty
        #expect(children.total == 3)
        #expect(children.byReason == [.orphan: 1, .dibao: 2])
        #expect(children.breakdown == "困境儿童 3 人（孤儿 1，事实无人抚养儿童 0，特困供养儿童 0，低保家庭儿童 2）")
        let csv = ledger.csv().components(separatedBy: "\r\n")
        #expect(csv.contains("困境儿童（§3.3.1）,人数,孤儿,事实无人抚养儿童,特困供养儿童,低保家庭儿童,全区目标人数"))
        #expect(csv.contains("本镇,3,1,0,0,2,1450"))

        let district = ChildrenInDifficulty(cases: Self.cases(), policy: F.policy2020, asOf: Self.asOf)
        #expect(district.total == 4)
        #expect(district.shareOfTarget == "0.3%")
        var p = F.policy2020
        p.children.childrenInDifficultyTarget = 8
        #expect(ChildrenInDifficulty(cases: Self.cases(), policy: p, asOf: Self.asOf).shareOfTarget == "50.0%")
        p.children.childrenInDifficultyTarget = 0
        #expect(ChildrenInDifficulty(cases: Self.cases(), policy: p, asOf: Self.asOf).shareOfTarget == nil)
    }
}
