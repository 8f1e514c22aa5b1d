import Foundation
import Testing
@testable import DoudiModel

/// 停保: a stop-payment decision ends enrolments with a last month; the roll pays through it
/// and not after; a household or member still paid is not voided.
@Suite("Stop-payment decision 停保")
struct StopPaymentTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let approver = Actor(user: "beimu.approver", role: .townApprover, org: R.town)
    static let collector = Actor(user: "wuxing.collector", role: .collector, org: R.wuxing)

    /// 马大勇 (head) and 周秀兰 (spouse, grade-2 disability): household dibao from 2026-12, her
    /// classified aid and living subsidy (§3.1.6, §3.4.1), and a price subsidy month later.
    static func household(status: RecordStatus = .active, enrolments: [Enrolment]? = nil, spouseStatus: PersonStatus = .normal) -> HouseholdCase {
        R.household(2, members: [F.member(21, name: "马大勇", born: "1955-03-01"),
                                 F.member(22, name: "周秀兰", born: "1957-04-02", relation: .spouse, status: spouseStatus)],
                    enrolments: enrolments ?? [
                        R.enrolment(201, .dibao, start: "2026-12", amount: "520.00"),
                        R.enrolment(202, .classifiedAid, member: 22, start: "2026-12", amount: "120.00"),
                        R.enrolment(203, .disabilityLiving, member: 22, start: "2026-12", amount: "100.00"),
                    ], status: status)
    }

    static func plan(_ c: HouseholdCase = household(), member: Int? = nil, ground: StopPaymentGround = .movedOut, reason: String = "全户迁往外省",
                     lastMonth: String? = "2027-02", died: String? = nil, by actor: Actor = approver, on day: String = "2027-02-10") throws(ModelError) -> StopPaymentPlan {
        try StopPaymentPlan(householdCase: c, member: member.map(F.uuid), ground: ground, reason: reason, lastMonth: lastMonth.map(R.month),
                            dateOfDeath: died.map(F.day), by: actor, on: F.day(day), makeID: { F.uuid(999) })
    }

    static func applying(_ plan: StopPaymentPlan, to c: HouseholdCase) -> HouseholdCase {
        var c = c
        for e in plan.ended { c.enrolments[c.enrolments.firstIndex { $0.id == e.id }!] = e }
        c.enrolments.removeAll { e in plan.withdrawn.contains { $0.id == e.id } }
        return c
    }

    static func roll(_ c: HouseholdCase, _ month: String) -> PaymentRoll {
        PaymentRoll(month: R.month(month), cases: [c], oneOffPayments: [], policy: F.policy2020, org: R.org, issuer: "东兴区民政局",
                    preparedOn: F.day("2027-03-25"))
    }

    @Test("the household's enrolments end with the last month: a decision with the reason, approved by the town")
    func wholeHousehold() throws {
        let plan = try Self.plan()
        #expect(plan.ended.map(\.id) == [F.uuid(201), F.uuid(202), F.uuid(203)])
        #expect(plan.ended.allSatisfy { $0.end == R.month("2027-02") })
        #expect(plan.withdrawn.isEmpty)
        let d = plan.decision
        #expect(d.application == nil && d.outcome == .approved && d.reason == "全户迁往外省")
        #expect(d.decidedBy == "beimu.approver" && d.role == .townApprover && d.date == F.day("2027-02-10"))
        #expect(d.stopPayment == StopPayment(household: F.uuid(2), enrolments: [F.uuid(201), F.uuid(202), F.uuid(203)],
                                             lastMonth: R.month("2027-02"), ground: .movedOut))
        #expect(d.household == F.uuid(2))
        try d.validate()
    }

    @Test("the roll pays through the last month and not after, even once the household is voided (注销)")
    func rollPaysThroughLastMonth() throws {
        let before = Self.household()
        #expect(Self.roll(before, "2027-03").grandTotal == F.money("740.00"), "without a decision every month is paid")
        var stopped = Self.applying(try Self.plan(), to: before)
        stopped.household.status = .voided(reason: "全户迁往外省")
        let february = Self.roll(stopped, "2027-02")
        #expect(february.lines.map(\.programme) == [.dibao, .disabilityLiving])
        #expect(february.grandTotal == F.money("740.00"), "520 + 120 classified aid + 100: the last month is paid in full")
        #expect(february.suspended.isEmpty)
        let march = Self.roll(stopped, "2027-03")
        #expect(march.lines.isEmpty && march.suspended.isEmpty, "nothing after the last month: \(march.lines)")
    }

    @Test("a household voided without a decision is not dropped silently: its enrolments are suspended and listed")
    func voidedWithoutDecision() {
        let voided = Self.household(status: .voided(reason: "全户迁出"))
        let roll = Self.roll(voided, "2027-01")
        #expect(roll.lines.isEmpty, "not paid")
        #expect(roll.suspended.map(\.id) == [F.uuid(201), F.uuid(202), F.uuid(203)], "but listed")
    }

    @Test("a death ends the person's enrolments at the end of the month of death (死亡); the household's dibao goes on")
    func death() throws {
        let plan = try Self.plan(member: 22, ground: .death, reason: "因病去世", lastMonth: nil, died: "2027-01-14", on: "2027-01-20")
        #expect(plan.ended.map(\.id) == [F.uuid(202), F.uuid(203)])
        #expect(plan.ended.allSatisfy { $0.end == R.month("2027-01") })
        #expect(plan.decision.stopPayment?.dateOfDeath == F.day("2027-01-14"))
        let after = Self.applying(plan, to: Self.household())
        #expect(Self.roll(after, "2027-01").grandTotal == F.money("740.00"))
        let february = Self.roll(after, "2027-02")
        #expect(february.lines.map(\.programme) == [.dibao] && february.grandTotal == F.money("520.00"))
    }

    @Test("the death of the last living member ends the household's enrolments too")
    func lastLivingMember() throws {
        let alone = R.household(3, members: [F.member(31, name: "郑永福", born: "1942-01-08")],
                                enrolments: [R.enrolment(301, .dibao, start: "2026-12", amount: "360.00")])
        let plan = try Self.plan(alone, member: 31, ground: .death, reason: "去世", lastMonth: nil, died: "2027-01-03", on: "2027-01-05")
        #expect(plan.ended.map(\.id) == [F.uuid(301)] && plan.ended[0].end == R.month("2027-01"))
    }

    @Test("an enrolment not started by the last month is withdrawn, never paid")
    func notStarted() throws {
        let plan = try Self.plan(lastMonth: "2026-11", on: "2026-11-20")
        #expect(plan.ended.isEmpty && plan.withdrawn.count == 3)
    }

    @Test("refusals: a collector, no reason, a death without its date or in the future, a month not matching it, nothing to stop")
    func refusals() throws {
        func refusal(_ body: () throws(ModelError) -> StopPaymentPlan) -> ModelError? {
            do { _ = try body(); return nil } catch { return error }
        }
        #expect(refusal { () throws(ModelError) in try Self.plan(by: Self.collector) }?.code == .notAllowed)
        #expect(refusal { () throws(ModelError) in try Self.plan(reason: " ") }?.field == "reason")
        #expect(refusal { () throws(ModelError) in try Self.plan(member: 22, ground: .death, lastMonth: nil) }?.field == "dateOfDeath")
        #expect(refusal { () throws(ModelError) in try Self.plan(member: 22, ground: .death, lastMonth: nil, died: "2027-03-01") }?.field == "dateOfDeath")
        #expect(refusal { () throws(ModelError) in try Self.plan(member: 22, ground: .death, lastMonth: "2027-02", died: "2027-01-14") }?.field == "lastMonth")
        #expect(refusal { () throws(ModelError) in try Self.plan(ground: .death, lastMonth: nil, died: "2027-01-14") }?.field == "member")
        #expect(refusal { () throws(ModelError) in try Self.plan(ground: .movedOut, lastMonth: nil) }?.field == "lastMonth")
        let ended = Self.household(enrolments: [R.enrolment(201, .dibao, start: "2026-12", end: "2027-01", amount: "520.00")])
        #expect(refusal { () throws(ModelError) in try Self.plan(ended) }?.message.contains("nothing to stop") == true)
    }

    @Test("a household or member still paid (no last month decided) is not voided before 停保; once decided it may be")
    func voidRules() throws {
        let c = Self.household()
        #expect(throws: ModelError.self) { try c.checkVoid() }
        do { try c.checkVoid() } catch {
            #expect(error.code == .stillPaid && error.message.contains("doudi enrolment stop") && error.message.contains("农村低保 from 2026-12"))
        }
        #expect(throws: ModelError.self) { try c.checkVoid(member: F.uuid(22)) }
        try c.checkVoid(member: F.uuid(21)) // the head has no enrolment of his own
        try Self.applying(try Self.plan(), to: c).checkVoid()
        let herStopped = Self.applying(try Self.plan(member: 22, ground: .death, lastMonth: nil, died: "2027-01-14"), to: c)
        try herStopped.checkVoid(member: F.uuid(22))
        #expect(throws: ModelError.self, "the household's dibao still runs") { try herStopped.checkVoid() }
    }

    @Test("the decision's wire form: application null, stopPayment with the terms")
    func wire() throws {
        let d = try Self.plan(member: 22, ground: .death, reason: "去世", lastMonth: nil, died: "2027-01-14", on: "2027-01-20").decision
        let data = try JSONEncoder().encode(d)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["application"] == nil)
        let terms = try #require(object["stopPayment"] as? [String: Any])
        #expect(terms["ground"] as? String == "death" && terms["lastMonth"] as? String == "2027-01" && terms["dateOfDeath"] as? String == "2027-01-14")
        #expect(try JSONDecoder().decode(Decision.self, from: data) == d)
        var orphan = d
        orphan.stopPayment = nil
        #expect(throws: ModelError.self, "a decision names its application or is a stop-payment decision") { try orphan.validate() }
    }
}
