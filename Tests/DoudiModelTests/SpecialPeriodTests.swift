import Foundation
import Testing
import DoudiModel

/// §4.4 the special approval period: declared by the district, the special procedure during
/// it and for 3 months after its declared end, then the normal authority and procedure again.
@Suite("Special approval period §4.4")
struct SpecialPeriodTests {
    typealias W = WorkflowTests

    static let district = W.org("511011")
    /// Declared 2020-01-24, ended 2020-05-31: the special procedure runs through 2020-08-31.
    static let ended = SpecialPeriod(id: W.member(501), district: district, title: "新冠肺炎疫情防控期间",
                                     basis: "东兴区民政局关于疫情防控期间社会救助审批的通知", start: W.day("2020-01-24"),
                                     declaredEnd: W.day("2020-05-31"), endBasis: "东兴区疫情防控应急响应调整的通知")
    static let running = SpecialPeriod(id: W.member(502), district: district, title: "新冠肺炎疫情防控期间",
                                       basis: "东兴区民政局关于疫情防控期间社会救助审批的通知", start: W.day("2020-01-24"))

    static func book(_ periods: [SpecialPeriod]) -> PolicyBook { try! PolicyBook([W.policy], specialPeriods: periods) }

    // MARK: when the special procedure applies

    @Test("§4.4 the special procedure applies from the start, through the end and 3 months after it, and not the day after",
          arguments: [
            ("2020-01-23", false, false),   // the day before the declared start
            ("2020-01-24", true, false),    // the first day
            ("2020-04-15", true, false),    // a day inside the period
            ("2020-05-31", true, false),    // the declared end
            ("2020-06-01", true, true),     // the first day of the continuation
            ("2020-08-31", true, true),     // the last day of the continuation (3 months after 05-31)
            ("2020-09-01", false, false),   // the day after: normal authority and procedure return by themselves
          ])
    func coverage(day: String, special: Bool, continuation: Bool) {
        let procedure = Self.book([Self.ended]).specialProcedure(on: W.day(day))
        #expect((procedure != nil) == special)
        #expect((procedure?.isContinuation ?? false) == continuation)
        #expect(procedure.map { $0.rules.continuationMonths } ?? 3 == 3)
    }

    @Test("§4.4 a period whose end is not declared runs on")
    func runsOn() {
        #expect(Self.book([Self.running]).specialProcedure(on: W.day("2026-11-30")) != nil)
        #expect(Self.running.lastDay(continuationMonths: 3) == nil)
    }

    @Test("§4.4 3 calendar months after an end on the 30th/31st fall on the month's last day",
          arguments: [("2020-05-31", "2020-08-31"), ("2020-11-30", "2021-02-28"), ("2023-11-30", "2024-02-29"), ("2020-03-10", "2020-06-10")])
    func calendarMonths(end: String, last: String) {
        #expect(W.day(end).addingCalendarMonths(3) == W.day(last))
    }

    @Test("§4.4 the continuation is a policy-file setting, not a constant")
    func continuationIsPolicy() {
        var policy = W.policy
        policy.specialProcedure?.continuationMonths = 1
        let book = try! PolicyBook([policy], specialPeriods: [Self.ended])
        #expect(book.specialProcedure(on: W.day("2020-06-30")) != nil)
        #expect(book.specialProcedure(on: W.day("2020-07-01")) == nil)
    }

    @Test("a declaration needs its basis; an end needs its own basis and cannot precede the start")
    func validation() {
        var p = Self.running
        p.basis = " "
        #expect(throws: ModelError.self) { try p.validate() }
        p = Self.ended
        p.endBasis = nil
        #expect(throws: ModelError.self) { try p.validate() }
        p = Self.ended
        p.declaredEnd = W.day("2020-01-01")
        #expect(throws: ModelError.self) { try p.validate() }
        #expect(throws: Never.self) { try Self.ended.validate() }
    }

    @Test("§4.4 an end is declared as it happens: not so far back that the continuation closed before today",
          arguments: [("2020-05-31", "2020-08-31", true), ("2020-05-31", "2020-09-01", false), ("2020-01-01", "2020-03-01", false)])
    func endDeclaredInTime(end: String, today: String, accepted: Bool) {
        let result = Result { () throws(ModelError) in try Self.running.checkEnd(W.day(end), declaredOn: W.day(today), continuationMonths: 3) }
        #expect(((try? result.get()) != nil) == accepted)
    }

    // MARK: what it changes in the workflow

    static let reviewed: [W.Step] = Array(W.toNotice.dropLast())   // collective review on 2020-06-28

    static func special(on day: String) -> SpecialProcedure? { book([ended]).specialProcedure(on: W.day(day)) }

    @Test("§4.4 inside the period the town approves right after the collective review, marks it, and posts the notice afterwards; the district files once it is posted",
          arguments: ["2020-07-02", "2020-08-31"])
    func approveBeforeNotice(day: String) throws {
        var w = W.workflow(.dibao)
        try W.run(Self.reviewed, on: &w)
        let special = Self.special(on: day)
        #expect(w.allowedEvents(for: W.approver, on: W.day(day), special: special).contains(.approve))
        try w.apply(W.approve(), by: W.approver, on: W.day(day), policy: W.policy, special: special)
        let approval = try #require(w.approval)
        #expect(approval.specialPeriod == Self.ended.id)
        #expect(approval.notice == nil && approval.awaitsNotice)
        // the district cannot file it before the notice
        #expect(throws: WorkflowError.self) { try w.check(.file, by: W.officer, on: W.day(day), policy: W.policy) }
        // the notice follows, even once the period is over
        try w.apply(.postNotice, by: W.approver, on: W.day("2020-09-05"), policy: W.policy)
        #expect(w.approval?.notice?.postedOn == W.day("2020-09-05"))
        #expect(w.approval?.awaitsNotice == false)
        try w.apply(.file, by: W.officer, on: W.day("2020-09-20"), policy: W.policy)
        #expect(w.stage == .filed)
        #expect(w.approval?.specialPeriod == Self.ended.id)
    }

    @Test("§4.4 the day after the continuation the normal procedure returns: no approval before the notice")
    func normalAgain() throws {
        var w = W.workflow(.dibao)
        try W.run(Self.reviewed, on: &w)
        let special = Self.special(on: "2020-09-01")
        #expect(special == nil)
        #expect(!w.allowedEvents(for: W.approver, on: W.day("2020-09-01"), special: special).contains(.approve))
        let error = try #require(W.refusal(W.Step(W.approve(), W.approver, "2020-09-01"), on: w))
        #expect(error.code == .illegalTransition)
    }

    @Test("§4.4 under the special procedure a running notice does not hold the approval back")
    func approveDuringNotice() throws {
        var w = W.workflow(.dibao)
        try W.run(W.toNotice, on: &w)   // notice 2020-07-01 … 07-07
        #expect(W.refusal(W.Step(W.approve(), W.approver, "2020-07-03"), on: w)?.code == .noticePeriodNotEnded)
        try w.apply(W.approve(), by: W.approver, on: W.day("2020-07-03"), policy: W.policy, special: Self.special(on: "2020-07-03"))
        #expect(w.approval?.specialPeriod == Self.ended.id)
        #expect(w.approval?.notice?.postedOn == W.day("2020-07-01"))
    }

    @Test("§4.4 temporary aid: the town approves up to the special multiple (6 × 360 = 2,160) inside the period, 1,080 outside it (§3.6.3)")
    func temporaryAidAuthority() throws {
        var w = W.workflow(.temporaryAid, .expenditure)
        try W.run(Self.reviewed, on: &w)
        let big = W.approve("2000.00")
        #expect(W.refusal(W.Step(big, W.approver, "2020-09-01"), on: w)?.code == .illegalTransition)
        var inside = w
        try inside.apply(big, by: W.approver, on: W.day("2020-08-31"), policy: W.policy, special: Self.special(on: "2020-08-31"))
        #expect(inside.approval?.authority == .town)
        // above the special limit the district still decides
        #expect(throws: WorkflowError.self) {
            try w.check(W.approve("2200.00"), by: W.approver, on: W.day("2020-08-31"), policy: W.policy, special: Self.special(on: "2020-08-31"))
        }
    }

    @Test("§4.4 a programme the policy does not list keeps the normal procedure")
    func unlistedProgramme() throws {
        var w = W.workflow(.disabilityNursing)
        try W.run(Self.reviewed, on: &w)
        #expect(!w.allowedEvents(for: W.approver, on: W.day("2020-07-02"), special: Self.special(on: "2020-07-02")).contains(.approve))
    }

    @Test("§4.4 a policy file without specialProcedure is refused, naming the field")
    func policyFileRequiresIt() throws {
        let text = String(decoding: try Data(contentsOf: W.repoRoot.appendingPathComponent("ServerConfig/policy/dongxing-2020.json")), as: UTF8.self)
        let start = try #require(text.range(of: "\"specialProcedure\""))
        let end = try #require(text.range(of: "},", range: start.upperBound..<text.endIndex))
        let without = text.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        #expect {
            _ = try PolicyVersion.load(json: Data(without.utf8), document: "p.json")
        } throws: { error in
            "\(error)".contains("specialProcedure")
        }
    }
}
