import Foundation
import Testing
import DoudiModel

/// The application workflow (§3.6.3 procedure and authority, §3.6.4 aid first, §3.1.6 tiers).
@Suite("Application workflow")
struct WorkflowTests {
    // MARK: Fixtures (kept local to this suite)

    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped 2020 Dongxing policy (standard 360, 7-day notice).
    static let policy: PolicyVersion = {
        let url = repoRoot.appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        return try! PolicyVersion.load(json: try! Data(contentsOf: url), document: url.lastPathComponent)
    }()

    /// The 2020 policy with another dibao standard.
    static func withStandard(_ yuan: Int64) -> PolicyVersion {
        var p = policy
        p.dibao.standard = Money(yuan: yuan)
        return p
    }

    static func day(_ s: String) -> Day { try! Day(iso: s) }
    static func money(_ s: String) -> Money { try! Money(yuanString: s) }
    static func org(_ s: String) -> OrgCode { try! OrgCode(s) }
    static func member(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-4000-9000-%012d", n))! }

    static let village = org("511011001201")
    static let collector = Actor(user: "cun-wx", role: .collector, org: village)
    static let otherCollector = Actor(user: "cun-xl", role: .collector, org: org("511011001202"))
    static let approver = Actor(user: "zhen-bm", role: .townApprover, org: org("511011001"))
    static let otherApprover = Actor(user: "zhen-gj", role: .townApprover, org: org("511011002"))
    static let misfiledApprover = Actor(user: "zhen-x", role: .townApprover, org: org("511011"))
    static let officer = Actor(user: "qu-mz", role: .districtOfficer, org: org("511011"))
    static let otherOfficer = Actor(user: "qu-sz", role: .districtOfficer, org: org("511002"))
    static let auditor = Actor(user: "sj", role: .auditor, org: org("511011"))

    static let favourable = WorkflowEvent.CollectiveReview(chair: "张主任", recorder: "李文书", agreeing: 9, disagreeing: 1, qualifies: true)
    static let unfavourable = WorkflowEvent.CollectiveReview(chair: "张主任", recorder: "李文书", agreeing: 2, disagreeing: 8, qualifies: false)

    /// One step of a scripted path.
    struct Step: Sendable {
        var event: WorkflowEvent
        var actor: Actor
        var day: String
        init(_ event: WorkflowEvent, _ actor: Actor, _ day: String) { self.event = event; self.actor = actor; self.day = day }
    }

    /// Draft → submitted → town review → collective review → notice posted 2020-07-01 (runs through 2020-07-07).
    static let toNotice: [Step] = [
        Step(.submit, collector, "2020-06-20"),
        Step(.startTownReview, approver, "2020-06-22"),
        Step(.recordCollectiveReview(favourable), approver, "2020-06-28"),
        Step(.postNotice, approver, "2020-07-01"),
    ]

    static func approve(_ amount: String? = nil, tiers: [(Int, Int)] = [], note: String = "") -> WorkflowEvent {
        .approve(.init(amount: amount.map(money), classifiedAidTiers: tiers.map { ClassifiedAidTier(member: member($0.0), tier: $0.1) }, note: note))
    }

    static func workflow(_ programme: Programme = .dibao, _ type: TemporaryAidType? = nil) -> ApplicationWorkflow {
        try! ApplicationWorkflow(application: member(999), programme: programme, village: village, temporaryAidType: type)
    }

    static func run(_ steps: [Step], on w: inout ApplicationWorkflow, policy: PolicyVersion = policy) throws {
        for s in steps { try w.apply(s.event, by: s.actor, on: day(s.day), policy: policy) }
    }

    static func refusal(_ step: Step, on w: ApplicationWorkflow, policy: PolicyVersion = policy) -> WorkflowError? {
        var copy = w
        do throws(WorkflowError) {
            try copy.apply(step.event, by: step.actor, on: day(step.day), policy: policy)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Happy paths

    @Test("§3.6.3 §3.1.6 dibao: review, 7-day notice, town approval with tiers, filing")
    func dibaoHappyPath() throws {
        var w = Self.workflow(.dibao)
        #expect(w.stage == .draft)
        try Self.run(Self.toNotice, on: &w)
        let notice = try #require(w.state.notice)
        #expect(notice.round == 1)
        #expect(notice.postedOn == Self.day("2020-07-01"))
        #expect(notice.through == Self.day("2020-07-07"))
        #expect(notice.firstDayAfter == Self.day("2020-07-08"))
        #expect(notice.days == 7)

        try w.apply(Self.approve("560.00", tiers: [(1, 1), (2, 3)]), by: Self.approver, on: Self.day("2020-07-08"), policy: Self.policy)
        let approval = try #require(w.approval)
        #expect(w.stage == .approved)
        #expect(approval.authority == .town)
        #expect(approval.classifiedAidTiers == [ClassifiedAidTier(member: Self.member(1), tier: 1), ClassifiedAidTier(member: Self.member(2), tier: 3)])
        #expect(approval.review == Self.favourable)
        #expect(approval.notice == notice)
        #expect(approval.decidedBy == Self.approver)
        #expect(!approval.aidFirst)

        let t = try w.apply(.file, by: Self.officer, on: Self.day("2020-07-15"), policy: Self.policy)
        #expect(t.from == .approved && t.to == .filed && t.policy == "dongxing-2020")
        #expect(w.stage == .filed && w.isClosed)
        #expect(w.approval == approval)
        #expect(w.history.map(\.to.chineseName) == ["已提交", "镇审核中", "已集体评审", "公示中", "已批准", "已备案"])
        #expect(w.history.map(\.actor.role) == [.collector, .townApprover, .townApprover, .townApprover, .townApprover, .districtOfficer])
        for actor in [Self.collector, Self.approver, Self.officer, Self.auditor] {
            #expect(w.allowedEvents(for: actor, on: Self.day("2020-08-01")).isEmpty)
        }
    }

    @Test("§3.6.3 temporary aid within the town's authority: the town approves, the district files", arguments: [
        "360.00", "800.50", "1080.00",
    ])
    func temporaryAidWithinTownAuthority(amount: String) throws {
        var w = Self.workflow(.temporaryAid, .expenditure)
        try Self.run(Self.toNotice, on: &w)
        try w.apply(Self.approve(amount), by: Self.approver, on: Self.day("2020-07-08"), policy: Self.policy)
        #expect(w.approval?.authority == .town)
        #expect(w.approval?.amount == Self.money(amount))
        try w.apply(.file, by: Self.officer, on: Self.day("2020-07-09"), policy: Self.policy)
        #expect(w.stage == .filed)
    }

    @Test("§3.6.3 above the town's limit: refused to the town, referred, decided by the district (counts as filed)", arguments: [
        ("1080.01", ApprovalAuthority.district),
        ("2160.00", .district),
        ("2160.01", .districtCaseByCase),
        ("5000.00", .districtCaseByCase),
    ])
    func aboveTownAuthority(amount: String, authority: ApprovalAuthority) throws {
        var w = Self.workflow(.temporaryAid, .expenditure)
        try Self.run(Self.toNotice, on: &w)
        let error = try #require(Self.refusal(Step(Self.approve(amount), Self.approver, "2020-07-08"), on: w))
        #expect(error.code == .exceedsTownAuthority)
        #expect(error.message.contains("1080.00"))
        #expect(error.message.contains("refer the case to the district"))
        #expect(error.message.contains("一事一议") == (authority == .districtCaseByCase))

        try w.apply(.referToDistrict(note: "超出镇审批权限"), by: Self.approver, on: Self.day("2020-07-08"), policy: Self.policy)
        #expect(w.stage == .referredToDistrict)
        #expect(w.allowedEvents(for: Self.officer, on: Self.day("2020-07-09")) == [.approve, .reject, .withdraw])
        #expect(w.allowedEvents(for: Self.approver, on: Self.day("2020-07-09")) == [.withdraw], "the town only records an applicant's withdrawal")

        try w.apply(Self.approve(amount, note: "区民政局局务会一事一议纪要 2020-07-10"), by: Self.officer,
                    on: Self.day("2020-07-10"), policy: Self.policy)
        #expect(w.stage == .filed)
        #expect(w.approval?.authority == authority)
        #expect(w.approval?.decidedBy.role == .districtOfficer)
        #expect(w.approval?.notice?.through == Self.day("2020-07-07"))
    }

    @Test("§3.6.2 a case-by-case decision needs its minutes; the district may reject a referred case")
    func caseByCaseMinutesAndDistrictRejection() throws {
        var w = Self.workflow(.temporaryAid, .expenditure)
        try Self.run(Self.toNotice + [Step(.referToDistrict(note: ""), Self.approver, "2020-07-08")], on: &w)
        let error = try #require(Self.refusal(Step(Self.approve("3000.00"), Self.officer, "2020-07-10"), on: w))
        #expect(error.code == .minutesRequired)
        try w.apply(.reject(reason: "已获其他救助，困难已缓解"), by: Self.officer, on: Self.day("2020-07-10"), policy: Self.policy)
        #expect(w.state == .rejected(reason: "已获其他救助，困难已缓解"))
        #expect(w.isClosed)
    }

    @Test("§3.6.4 emergency aid: paid first by the town, paperwork completed, then filed", arguments: [false, true])
    func emergencyAidFirst(afterTownReviewStarted: Bool) throws {
        var w = Self.workflow(.temporaryAid, .emergency)
        try w.apply(.submit, by: Self.collector, on: Self.day("2020-06-20"), policy: Self.policy)
        if afterTownReviewStarted {
            try w.apply(.startTownReview, by: Self.approver, on: Self.day("2020-06-20"), policy: Self.policy)
        }
        #expect(w.allowedEvents(for: Self.approver, on: Self.day("2020-06-20")).contains(.payFirst))
        try w.apply(.payFirst(amountPerPerson: Self.money("1000.00")), by: Self.approver, on: Self.day("2020-06-20"), policy: Self.policy)
        #expect(w.state == .aidPaidFirst(amountPerPerson: Self.money("1000.00")))
        #expect(w.state.chineseName == "已先行救助")
        #expect(w.allowedEvents(for: Self.approver, on: Self.day("2020-06-25")) == [.completeAidFirst])
        #expect(w.allowedEvents(for: Self.officer, on: Self.day("2020-06-25")).isEmpty)

        try w.apply(.completeAidFirst(note: "已登记救助对象、原因和金额"), by: Self.approver, on: Self.day("2020-06-25"), policy: Self.policy)
        let approval = try #require(w.approval)
        #expect(w.stage == .approved)
        #expect(approval.aidFirst && approval.authority == .town)
        #expect(approval.amount == Self.money("1000.00"))
        #expect(approval.review == nil && approval.notice == nil)

        try w.apply(.file, by: Self.officer, on: Self.day("2020-06-30"), policy: Self.policy)
        #expect(w.stage == .filed)
    }

    @Test("§3.6.5 aid paid first is within the reserve-fund draw limit (3 × standard)", arguments: [
        (Int64(360), "1080.00", true),
        (360, "1080.01", false),
        (400, "1200.00", true),
        (400, "1200.01", false),
    ])
    func payFirstLimit(standard: Int64, amount: String, allowed: Bool) throws {
        var w = Self.workflow(.temporaryAid, .emergency)
        let policy = Self.withStandard(standard)
        try Self.run([Step(.submit, Self.collector, "2020-06-20")], on: &w, policy: policy)
        let error = Self.refusal(Step(.payFirst(amountPerPerson: Self.money(amount)), Self.approver, "2020-06-21"), on: w, policy: policy)
        #expect(error?.code == (allowed ? nil : .exceedsReserveFundLimit))
    }

    @Test("an objection during the notice: re-investigation, a new collective review and a new notice")
    func objectionLeadsToNewNotice() throws {
        var w = Self.workflow(.dibao)
        try Self.run(Self.toNotice, on: &w)
        #expect(w.allowedEvents(for: Self.collector, on: Self.day("2020-07-03")) == [.raiseObjection])
        try w.apply(.raiseObjection(summary: "群众反映该户有经营性收入"), by: Self.collector, on: Self.day("2020-07-03"), policy: Self.policy)
        #expect(w.stage == .objected)
        #expect(Self.refusal(Step(Self.approve(), Self.approver, "2020-07-08"), on: w)?.code == .illegalTransition)
        #expect(w.allowedEvents(for: Self.approver, on: Self.day("2020-07-04")) == [.startReinvestigation, .reject, .withdraw])

        try w.apply(.startReinvestigation, by: Self.approver, on: Self.day("2020-07-04"), policy: Self.policy)
        #expect(w.state.chineseName == "重新调查")
        #expect(Self.refusal(Step(.postNotice, Self.approver, "2020-07-05"), on: w)?.code == .illegalTransition)

        try w.apply(.recordCollectiveReview(Self.favourable), by: Self.approver, on: Self.day("2020-07-10"), policy: Self.policy)
        try w.apply(.postNotice, by: Self.approver, on: Self.day("2020-07-12"), policy: Self.policy)
        let second = try #require(w.state.notice)
        #expect(second.round == 2 && w.noticesPosted == 2)
        #expect(second.postedOn == Self.day("2020-07-12") && second.through == Self.day("2020-07-18"))

        let early = try #require(Self.refusal(Step(Self.approve(), Self.approver, "2020-07-18"), on: w))
        #expect(early.code == .noticePeriodNotEnded)
        #expect(early.message == "the public notice runs until 2020-07-18; approve on or after 2020-07-19")

        try w.apply(Self.approve(), by: Self.approver, on: Self.day("2020-07-19"), policy: Self.policy)
        #expect(w.approval?.notice?.round == 2)
        #expect(w.history.map(\.to) == [.submitted, .townReview, .collectivelyReviewed, .publicNotice, .objected,
                                        .reinvestigating, .collectivelyReviewed, .publicNotice, .approved])
    }

    @Test("a town may return a submitted application for correction; the village resubmits")
    func returnForCorrection() throws {
        var w = Self.workflow(.dibao)
        try Self.run([Step(.submit, Self.collector, "2020-06-20"), Step(.startTownReview, Self.approver, "2020-06-21")], on: &w)
        try w.apply(.returnForCorrection(reason: "缺少入户调查记录"), by: Self.approver, on: Self.day("2020-06-22"), policy: Self.policy)
        #expect(w.stage == .draft)
        #expect(w.allowedEvents(for: Self.collector, on: Self.day("2020-06-23")) == [.submit, .withdraw])
        try w.apply(.submit, by: Self.collector, on: Self.day("2020-06-25"), policy: Self.policy)
        #expect(w.stage == .submitted)
    }

    @Test("the town may reject with a reason at any stage it holds", arguments: [1, 2, 3, 4, 5, 6])
    func townRejection(stepsBefore: Int) throws {
        let path = Self.toNotice + [Step(.raiseObjection(summary: "有异议"), Self.approver, "2020-07-02"),
                                    Step(.startReinvestigation, Self.approver, "2020-07-03")]
        var w = Self.workflow(.dibao)
        try Self.run(Array(path.prefix(stepsBefore)), on: &w)
        try w.apply(.reject(reason: "家庭人均收入高于低保标准"), by: Self.approver, on: Self.day("2020-07-05"), policy: Self.policy)
        #expect(w.stage == .rejected && w.state.chineseName == "不予批准")
        #expect(Self.refusal(Step(.submit, Self.collector, "2020-07-06"), on: w)?.code == .illegalTransition)
    }

    // MARK: The notice period

    @Test("approval is refused until the notice has run its full period", arguments: [
        ("2020-07-01", false), ("2020-07-07", false), ("2020-07-08", true), ("2020-09-01", true),
    ])
    func approvalAfterNotice(on date: String, allowed: Bool) throws {
        var w = Self.workflow(.dibao)
        try Self.run(Self.toNotice, on: &w)
        let error = Self.refusal(Step(Self.approve(), Self.approver, date), on: w)
        #expect(error?.code == (allowed ? nil : .noticePeriodNotEnded))
        #expect(w.allowedEvents(for: Self.approver, on: Self.day(date)).contains(.approve) == allowed)
        if !allowed {
            #expect(error?.message == "the public notice runs until 2020-07-07; approve on or after 2020-07-08")
        }
    }

    @Test("a notice of n days posted on D runs D … D + n − 1", arguments: [
        (7, "2020-07-01", "2020-07-07"),
        (1, "2020-07-01", "2020-07-01"),
        (10, "2020-07-25", "2020-08-03"),
        (7, "2020-12-28", "2021-01-03"),
        (5, "2020-02-26", "2020-03-01"),
    ])
    func noticePeriod(days: Int, posted: String, through: String) throws {
        var policy = Self.policy
        policy.workflow.publicNoticeDays = days
        var w = Self.workflow(.dibao)
        try Self.run([Step(.submit, Self.collector, "2020-01-02"), Step(.startTownReview, Self.approver, "2020-01-03"),
                      Step(.recordCollectiveReview(Self.favourable), Self.approver, "2020-01-05")], on: &w, policy: policy)
        try w.apply(.postNotice, by: Self.approver, on: Self.day(posted), policy: policy)
        let notice = try #require(w.state.notice)
        #expect(notice.through == Self.day(through))
        #expect(notice.days == days)
        #expect(notice.contains(Self.day(through)) && !notice.contains(notice.firstDayAfter))
        // objections are taken on the last day, not after
        #expect(Self.refusal(Step(.raiseObjection(summary: "异议"), Self.approver, through), on: w, policy: policy) == nil)
        #expect(Self.refusal(Step(.raiseObjection(summary: "异议"), Self.approver, notice.firstDayAfter.iso), on: w, policy: policy)?.code == .noticeNotRunning)
    }

    @Test("§3.6.3 the town's limit follows the standard of the policy version", arguments: [
        (Int64(360), "1080.00", true),
        (360, "1080.01", false),
        (400, "1080.01", true),
        (400, "1200.00", true),
        (400, "1200.01", false),
    ])
    func townLimitFollowsStandard(standard: Int64, amount: String, allowed: Bool) throws {
        let policy = Self.withStandard(standard)
        var w = Self.workflow(.temporaryAid, .expenditure)
        try Self.run(Self.toNotice, on: &w, policy: policy)
        let error = Self.refusal(Step(Self.approve(amount), Self.approver, "2020-07-08"), on: w, policy: policy)
        #expect(error?.code == (allowed ? nil : .exceedsTownAuthority))
        if !allowed {
            #expect(error?.message.hasPrefix("\(amount) per person is above the town's limit of \(standard * 3).00") == true)
        }
    }

    // MARK: Refusals

    /// A step that must be refused, with the code that says why.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var programme: Programme = .dibao
        var type: TemporaryAidType? = nil
        var before: [Step]
        var step: Step
        var code: WorkflowError.Code
        var testDescription: String { "\(name) → \(code)" }
    }

    static let approved: [Step] = toNotice + [Step(approve(), approver, "2020-07-08")]
    static let referred: [Step] = toNotice + [Step(.referToDistrict(note: ""), approver, "2020-07-08")]

    static let refusals: [Refusal] = [
        // roles
        Refusal(name: "collector approving", before: toNotice, step: Step(approve(), collector, "2020-07-08"), code: .roleNotAllowed),
        Refusal(name: "collector filing", before: approved, step: Step(.file, collector, "2020-07-10"), code: .roleNotAllowed),
        Refusal(name: "town approver filing", before: approved, step: Step(.file, approver, "2020-07-10"), code: .roleNotAllowed),
        Refusal(name: "collector posting the notice", before: Array(toNotice.dropLast()), step: Step(.postNotice, collector, "2020-07-01"), code: .roleNotAllowed),
        Refusal(name: "auditor submitting", before: [], step: Step(.submit, auditor, "2020-06-20"), code: .roleNotAllowed),
        Refusal(name: "auditor approving", before: toNotice, step: Step(approve(), auditor, "2020-07-08"), code: .roleNotAllowed),
        Refusal(name: "district approving a case not referred", before: toNotice, step: Step(approve(), officer, "2020-07-08"), code: .roleNotAllowed),
        Refusal(name: "town approving a referred case", programme: .temporaryAid, type: .expenditure, before: referred,
                step: Step(approve("1500.00"), approver, "2020-07-09"), code: .roleNotAllowed),
        // jurisdiction
        Refusal(name: "other town's approver", before: toNotice, step: Step(approve(), otherApprover, "2020-07-08"), code: .outsideJurisdiction),
        Refusal(name: "other village's collector", before: [], step: Step(.submit, otherCollector, "2020-06-20"), code: .outsideJurisdiction),
        Refusal(name: "other district's officer filing", before: approved, step: Step(.file, otherOfficer, "2020-07-10"), code: .outsideJurisdiction),
        Refusal(name: "town approver with a district code", before: toNotice, step: Step(approve(), misfiledApprover, "2020-07-08"), code: .outsideJurisdiction),
        // state and dates
        Refusal(name: "filing a draft", before: [], step: Step(.file, officer, "2020-06-20"), code: .illegalTransition),
        Refusal(name: "approving before review", before: [Step(.submit, collector, "2020-06-20")], step: Step(approve(), approver, "2020-06-21"), code: .illegalTransition),
        Refusal(name: "approving after filing", before: approved + [Step(.file, officer, "2020-07-09")], step: Step(approve(), approver, "2020-07-10"), code: .illegalTransition),
        Refusal(name: "dated before the previous step", before: [Step(.submit, collector, "2020-06-20")], step: Step(.startTownReview, approver, "2020-06-19"), code: .dateOutOfOrder),
        Refusal(name: "approving on the last notice day", before: toNotice, step: Step(approve(), approver, "2020-07-07"), code: .noticePeriodNotEnded),
        Refusal(name: "referring on the last notice day", before: toNotice, step: Step(.referToDistrict(note: ""), approver, "2020-07-07"), code: .noticePeriodNotEnded),
        Refusal(name: "objection after the notice", before: toNotice, step: Step(.raiseObjection(summary: "迟到的异议"), collector, "2020-07-08"), code: .noticeNotRunning),
        Refusal(name: "notice after an unfavourable review",
                before: Array(toNotice.prefix(2)) + [Step(.recordCollectiveReview(unfavourable), approver, "2020-06-28")],
                step: Step(.postNotice, approver, "2020-07-01"), code: .reviewNotFavourable),
        Refusal(name: "review with a negative count", before: Array(toNotice.prefix(2)),
                step: Step(.recordCollectiveReview(.init(chair: "张", recorder: "李", agreeing: -1, disagreeing: 0, qualifies: true)), approver, "2020-06-28"),
                code: .invalidReview),
        // reasons
        Refusal(name: "reject without reason", before: toNotice, step: Step(.reject(reason: ""), approver, "2020-07-08"), code: .reasonRequired),
        Refusal(name: "reject with a blank reason", before: toNotice, step: Step(.reject(reason: "  \n"), approver, "2020-07-08"), code: .reasonRequired),
        Refusal(name: "district reject without reason", programme: .temporaryAid, type: .expenditure, before: referred,
                step: Step(.reject(reason: ""), officer, "2020-07-09"), code: .reasonRequired),
        Refusal(name: "return without reason", before: [Step(.submit, collector, "2020-06-20")], step: Step(.returnForCorrection(reason: ""), approver, "2020-06-21"), code: .reasonRequired),
        Refusal(name: "objection without summary", before: toNotice, step: Step(.raiseObjection(summary: " "), collector, "2020-07-02"), code: .reasonRequired),
        // aid first
        Refusal(name: "pay first on an expenditure-type case", programme: .temporaryAid, type: .expenditure,
                before: [Step(.submit, collector, "2020-06-20")], step: Step(.payFirst(amountPerPerson: money("500.00")), approver, "2020-06-20"), code: .notEmergencyAid),
        Refusal(name: "pay first on temporary aid of no type", programme: .temporaryAid,
                before: [Step(.submit, collector, "2020-06-20")], step: Step(.payFirst(amountPerPerson: money("500.00")), approver, "2020-06-20"), code: .notEmergencyAid),
        Refusal(name: "pay first on dibao", before: [Step(.submit, collector, "2020-06-20")],
                step: Step(.payFirst(amountPerPerson: money("500.00")), approver, "2020-06-20"), code: .notEmergencyAid),
        Refusal(name: "pay first nothing", programme: .temporaryAid, type: .emergency, before: [Step(.submit, collector, "2020-06-20")],
                step: Step(.payFirst(amountPerPerson: .zero), approver, "2020-06-20"), code: .invalidAmount),
        Refusal(name: "collector paying first", programme: .temporaryAid, type: .emergency, before: [Step(.submit, collector, "2020-06-20")],
                step: Step(.payFirst(amountPerPerson: money("500.00")), collector, "2020-06-20"), code: .roleNotAllowed),
        // amounts and authority
        Refusal(name: "town approving 1080.01 per person at standard 360", programme: .temporaryAid, type: .expenditure, before: toNotice,
                step: Step(approve("1080.01"), approver, "2020-07-08"), code: .exceedsTownAuthority),
        Refusal(name: "temporary aid approved without amount", programme: .temporaryAid, type: .expenditure, before: toNotice,
                step: Step(approve(), approver, "2020-07-08"), code: .invalidAmount),
        Refusal(name: "dibao approved at zero", before: toNotice, step: Step(approve("0.00"), approver, "2020-07-08"), code: .invalidAmount),
        Refusal(name: "case by case without minutes", programme: .temporaryAid, type: .expenditure, before: referred,
                step: Step(approve("2500.00"), officer, "2020-07-09"), code: .minutesRequired),
        // §3.1.6 tiers
        Refusal(name: "tier 4", before: toNotice, step: Step(approve(tiers: [(1, 4)]), approver, "2020-07-08"), code: .invalidTier),
        Refusal(name: "tier 0", before: toNotice, step: Step(approve(tiers: [(1, 0)]), approver, "2020-07-08"), code: .invalidTier),
        Refusal(name: "two tiers for one person", before: toNotice, step: Step(approve(tiers: [(1, 1), (1, 2)]), approver, "2020-07-08"), code: .invalidTier),
        Refusal(name: "tiers on temporary aid", programme: .temporaryAid, type: .expenditure, before: toNotice,
                step: Step(approve("500.00", tiers: [(1, 1)]), approver, "2020-07-08"), code: .invalidTier),
        Refusal(name: "tiers set by the district", before: referred, step: Step(approve(tiers: [(1, 1)]), officer, "2020-07-09"), code: .invalidTier),
    ]

    /// Codes that depend only on who, when and where — not on what the step records —
    /// so ``ApplicationWorkflow/allowedEvents(for:on:)`` must leave the step out.
    static let kindLevelCodes: Set<WorkflowError.Code> = [
        .roleNotAllowed, .outsideJurisdiction, .illegalTransition, .dateOutOfOrder, .noticePeriodNotEnded,
        .noticeNotRunning, .reviewNotFavourable, .notEmergencyAid,
    ]

    @Test("illegal steps are refused with a code that says why, and change nothing", arguments: refusals)
    func refused(_ r: Refusal) throws {
        var w = Self.workflow(r.programme, r.type)
        try Self.run(r.before, on: &w)
        let before = w
        do throws(WorkflowError) {
            try w.apply(r.step.event, by: r.step.actor, on: Self.day(r.step.day), policy: Self.policy)
            Issue.record("\(r.name) was allowed; expected \(r.code)")
        } catch {
            #expect(error.code == r.code, "\(error)")
            #expect(error.state == before.state)
            #expect(error.event == r.step.event.kind)
            #expect(!error.message.isEmpty)
            #expect(error.description.contains(error.message))
        }
        #expect(w == before)
        let offered = w.allowedEvents(for: r.step.actor, on: Self.day(r.step.day)).contains(r.step.event.kind)
        #expect(offered == !Self.kindLevelCodes.contains(r.code))
    }

    @Test("messages say what to do")
    func messages() throws {
        var w = Self.workflow(.dibao)
        try Self.run(Self.toNotice, on: &w)
        let collector = try #require(Self.refusal(Step(Self.approve(), Self.collector, "2020-07-08"), on: w))
        #expect(collector.message == "a village collector cannot approve it; only the town approver or the district officer may")
        let other = try #require(Self.refusal(Step(Self.approve(), Self.otherApprover, "2020-07-08"), on: w))
        #expect(other.message.contains("511011001201") && other.message.contains("town 511011001"))
        let file = try #require(Self.refusal(Step(.file, Self.officer, "2020-07-08"), on: w))
        #expect(file.message.hasPrefix("this step does not follow from 公示中 (on public notice); the next steps from here are: record an objection (提出异议), approve it (批准)"))
        let reject = try #require(Self.refusal(Step(.reject(reason: ""), Self.approver, "2020-07-08"), on: w))
        #expect(reject.message.contains("reason"))

        var aid = Self.workflow(.temporaryAid, .expenditure)
        try Self.run([Step(.submit, Self.collector, "2020-06-20")], on: &aid)
        let payFirst = try #require(Self.refusal(Step(.payFirst(amountPerPerson: Self.money("500.00")), Self.approver, "2020-06-20"), on: aid))
        #expect(payFirst.message.contains("支出型") && payFirst.message.contains("§3.6.4"))
    }

    // MARK: Allowed steps

    @Test("what each actor may do while the notice runs and after it ends", arguments: [
        ("2020-07-07", Role.townApprover, [WorkflowEvent.Kind.raiseObjection, .reject, .withdraw]),
        ("2020-07-08", .townApprover, [.approve, .reject, .referToDistrict, .withdraw]),
        ("2020-07-07", .collector, [.raiseObjection]),
        ("2020-07-08", .collector, []),
        ("2020-07-08", .districtOfficer, []),
        ("2020-07-08", .auditor, []),
    ])
    func allowedDuringNotice(date: String, role: Role, expected: [WorkflowEvent.Kind]) throws {
        let actor = [Self.collector, Self.approver, Self.officer, Self.auditor].first { $0.role == role }!
        var w = Self.workflow(.dibao)
        try Self.run(Self.toNotice, on: &w)
        #expect(w.allowedEvents(for: actor, on: Self.day(date)) == expected)
    }

    @Test("the transition table names a role for every step it allows")
    func table() {
        for stage in ApplicationWorkflow.Stage.allCases {
            for kind in WorkflowEvent.Kind.allCases {
                if let roles = ApplicationWorkflow.roles(for: kind, in: stage) {
                    #expect(!roles.isEmpty && roles.isSubset(of: kind.roles) && !roles.contains(.auditor))
                    #expect(!stage.isFinal)
                }
            }
        }
        #expect(ApplicationWorkflow.Stage.allCases.map(\.chineseName) ==
                ["草稿", "已提交", "镇审核中", "已集体评审", "公示中", "有异议", "重新调查", "报区审批", "已先行救助", "已批准", "不予批准", "已备案", "已撤回"])
    }

    // MARK: Construction and wire format

    @Test("a workflow needs a village code, and a temporary-aid type only for temporary aid")
    func construction() {
        #expect(throws: ModelError.self) { try ApplicationWorkflow(application: Self.member(1), programme: .dibao, village: Self.org("511011001")) }
        #expect(throws: ModelError.self) {
            try ApplicationWorkflow(application: Self.member(1), programme: .dibao, village: Self.village, temporaryAidType: .emergency)
        }
        let app = Application(id: Self.member(5), household: Self.member(6), programme: .temporaryAid, temporaryAidType: .emergency,
                              summary: "房屋失火", date: Self.day("2020-06-20"))
        let w = try? ApplicationWorkflow(for: app, village: Self.village)
        #expect(w?.application == app.id && w?.temporaryAidType == .emergency && w?.stage == .draft)
    }

    @Test("events have a flat, explicit JSON form", arguments: [
        (WorkflowEvent.submit, #"{"kind":"submit"}"#),
        (.reject(reason: "收入超标"), #"{"kind":"reject","reason":"收入超标"}"#),
        (.payFirst(amountPerPerson: Money(yuan: 800)), #"{"amountPerPerson":"800.00","kind":"payFirst"}"#),
        (.approve(.init(amount: Money(yuan: 500))), #"{"kind":"approve","terms":{"amount":"500.00","classifiedAidTiers":[],"note":""}}"#),
    ])
    func eventJSON(event: WorkflowEvent, json: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(event), as: UTF8.self) == json)
        #expect(try JSONDecoder().decode(WorkflowEvent.self, from: Data(json.utf8)) == event)
    }

    @Test("a workflow round-trips through JSON; unknown kinds and inconsistent states are refused")
    func workflowJSON() throws {
        var w = Self.workflow(.dibao)
        try Self.run(Self.toNotice + [
            Step(.raiseObjection(summary: "异议"), Self.collector, "2020-07-02"),
            Step(.startReinvestigation, Self.approver, "2020-07-03"),
            Step(.recordCollectiveReview(Self.favourable), Self.approver, "2020-07-06"),
            Step(.postNotice, Self.approver, "2020-07-07"),
            Step(Self.approve("560.00", tiers: [(1, 2)]), Self.approver, "2020-07-14"),
            Step(.file, Self.officer, "2020-07-20"),
        ], on: &w)
        let data = try JSONEncoder().encode(w)
        #expect(try JSONDecoder().decode(ApplicationWorkflow.self, from: data) == w)

        // every intermediate state round-trips too
        var replay = Self.workflow(.dibao)
        for t in w.history {
            try replay.apply(t.event, by: t.actor, on: t.day, policy: Self.policy)
            let state = try JSONDecoder().decode(ApplicationWorkflow.State.self, from: try JSONEncoder().encode(replay.state))
            #expect(state == replay.state)
        }
        #expect(replay == w)

        #expect(throws: DecodingError.self) { try JSONDecoder().decode(WorkflowEvent.self, from: Data(#"{"kind":"teleport"}"#.utf8)) }
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["state"] = ["stage": "draft"]
        let tampered = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ApplicationWorkflow.self, from: tampered) }
    }
}
