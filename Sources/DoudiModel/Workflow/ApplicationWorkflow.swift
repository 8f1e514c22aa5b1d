import Foundation

/// The progress of one application as a state machine value (§3.6.3, §3.6.4, §3.1.6).
///
/// The normal path is
/// draft → submitted → town review → collective review (集体评审) → public notice (公示)
/// → approved → filed with the district (备案). An objection during the notice sends the
/// case to re-investigation, a new collective review and a **new** notice. A case above the
/// town's authority is referred to the district, whose approval counts as filed. Emergency
/// (急难型) temporary aid may be paid first by the town (先行救助), then its paperwork is
/// completed and it is filed. Any case still under the town may be rejected with a reason.
///
/// Every step names the roles that may take it, and the actor must hold jurisdiction over
/// the application's village: a collector only at that village, a town approver in the
/// town that contains it, a district officer in its district. An auditor takes no step.
/// An illegal step throws a ``WorkflowError`` that says why and what to do; the value is
/// then unchanged.
///
/// The value is pure: it reads no clock. Each step brings its ``Day``, its ``Actor`` and
/// the ``PolicyVersion`` in force (the notice period and the authority limits are policy).
///
/// ```swift
/// var workflow = try ApplicationWorkflow(application: id, programme: .dibao, village: village)
/// try workflow.apply(.submit, by: collector, on: day("2020-06-20"), policy: policy)
/// try workflow.apply(.startTownReview, by: approver, on: day("2020-06-22"), policy: policy)
/// workflow.allowedEvents(for: approver, on: day("2020-06-23"))   // [.returnForCorrection, .recordCollectiveReview, .reject]
/// ```
public struct ApplicationWorkflow: Hashable, Sendable {
    /// The application's id.
    public let application: UUID
    /// The programme applied for.
    public let programme: Programme
    /// The village (村/社区) the application comes from: the jurisdiction every actor is checked against.
    public let village: OrgCode
    /// 急难型 or 支出型, for temporary aid (§3.6.4).
    public let temporaryAidType: TemporaryAidType?
    /// Where the application stands, with what that stage holds (the notice period, the approval…).
    public private(set) var state: State
    /// Every step taken, oldest first.
    public private(set) var history: [Transition]

    /// Starts the workflow of an application as a draft.
    ///
    /// - Parameters:
    ///   - application: The application's id.
    ///   - programme: The programme applied for.
    ///   - village: The 12-digit code of the applicant household's village.
    ///   - temporaryAidType: 急难型 or 支出型, for temporary aid only.
    /// - Throws: ``ModelError`` when `village` is not a village code or a temporary-aid type
    ///   is given for another programme.
    public init(application: UUID, programme: Programme, village: OrgCode,
                temporaryAidType: TemporaryAidType? = nil) throws(ModelError) {
        guard village.level == .village else {
            throw ModelError(.invalidValue, field: "village",
                             "must be a 12-digit village code such as 511011001201, not \(village)")
        }
        if temporaryAidType != nil, programme != .temporaryAid {
            throw ModelError(.invalidValue, field: "temporaryAidType",
                             "is only for temporary aid (临时救助); this application is for \(programme.chineseName): leave it empty")
        }
        self.application = application; self.programme = programme; self.village = village
        self.temporaryAidType = temporaryAidType
        self.state = .draft
        self.history = []
    }

    /// Starts the workflow of an ``Application`` as a draft.
    ///
    /// - Parameters:
    ///   - application: The application; its id, programme and temporary-aid type are used.
    ///   - village: The 12-digit code of the applicant household's village.
    /// - Throws: ``ModelError`` as ``init(application:programme:village:temporaryAidType:)``.
    public init(for application: Application, village: OrgCode) throws(ModelError) {
        try self.init(application: application.id, programme: application.programme, village: village,
                      temporaryAidType: application.temporaryAidType)
    }

    // MARK: - Reading the state

    /// The stage the application is at, without its details.
    public var stage: Stage { state.stage }

    /// How many public notices have been posted (a second one follows an objection).
    public var noticesPosted: Int { history.lazy.filter { $0.event.kind == .postNotice }.count }

    /// The approval, once approved or filed.
    public var approval: Approval? { state.approval }

    /// True once rejected or filed: no step follows.
    public var isClosed: Bool { state.stage.isFinal }

    // MARK: - Steps

    /// Takes a step: checks it and moves to the next state, recording the transition.
    ///
    /// On error the workflow is unchanged.
    ///
    /// ```swift
    /// try workflow.apply(.postNotice, by: approver, on: try Day(iso: "2020-07-01"), policy: policy)
    /// // 7-day notice: runs 2020-07-01 … 2020-07-07, approval from 2020-07-08
    /// ```
    /// - Parameters:
    ///   - event: The step and what it records.
    ///   - actor: Who takes it.
    ///   - day: The day it is taken (not before the previous step).
    ///   - policy: The policy version in force on `day` (notice period, authority limits).
    /// - Returns: The transition appended to ``history``: what to write and sync.
    /// - Throws: ``WorkflowError`` saying why the step is not allowed and what to do.
    ///   - special: The special procedure in force on `day` (§4.4, ``PolicyBook/specialProcedure(on:)``), if any.
    @discardableResult
    public mutating func apply(_ event: WorkflowEvent, by actor: Actor, on day: Day,
                               policy: PolicyVersion, special: SpecialProcedure? = nil) throws(WorkflowError) -> Transition {
        let next = try check(event, by: actor, on: day, policy: policy, special: special)
        let transition = Transition(from: state.stage, to: next.stage, event: event, actor: actor, day: day, policy: policy.id)
        state = next
        history.append(transition)
        return transition
    }

    /// Checks a step without taking it, and returns the state it would lead to.
    ///
    /// Runs every check ``apply(_:by:on:policy:)`` runs: role, jurisdiction, state, date
    /// order, notice period, authority and the step's own fields.
    ///
    /// - Parameters:
    ///   - event: The step and what it records.
    ///   - actor: Who would take it.
    ///   - day: The day it would be taken.
    ///   - policy: The policy version in force on `day`.
    ///   - special: The special procedure in force on `day` (§4.4), if any.
    /// - Returns: The state the step leads to.
    /// - Throws: ``WorkflowError`` saying why the step is not allowed and what to do.
    public func check(_ event: WorkflowEvent, by actor: Actor, on day: Day,
                      policy: PolicyVersion, special: SpecialProcedure? = nil) throws(WorkflowError) -> State {
        let kind = event.kind
        let special = special.flatMap { $0.applies(to: programme) ? $0 : nil }
        try checkAllowed(kind, by: actor, on: day, special: special)
        func fail(_ code: WorkflowError.Code, _ message: String) -> WorkflowError {
            WorkflowError(code, state: state, event: kind, message)
        }
        func requireText(_ text: String, _ what: String) throws(WorkflowError) {
            if text.trimmingWhitespace().isEmpty { throw fail(.reasonRequired, what) }
        }

        switch (state, event) {
        case (.draft, .submit):
            return .submitted

        case (.submitted, .returnForCorrection(let reason)), (.townReview, .returnForCorrection(let reason)):
            try requireText(reason, "a return needs its reason: say what the village must correct")
            return .draft

        case (.submitted, .startTownReview):
            return .townReview

        case (.townReview, .recordCollectiveReview(let review)), (.reinvestigating, .recordCollectiveReview(let review)):
            guard review.agreeing >= 0, review.disagreeing >= 0 else {
                throw fail(.invalidReview, "the numbers agreeing (\(review.agreeing)) and disagreeing (\(review.disagreeing)) cannot be negative: correct the review record")
            }
            return .collectivelyReviewed(review: review)

        case (.collectivelyReviewed(let review), .postNotice):
            return .publicNotice(notice: NoticePeriod(round: noticesPosted + 1, postedOn: day,
                                                      days: policy.workflow.publicNoticeDays),
                                 review: review)

        case (.publicNotice(let notice, let review), .raiseObjection(let summary)):
            try requireText(summary, "an objection needs a summary: say what is objected to (no ID numbers, disease names or costs)")
            return .objected(notice: notice, review: review, objection: summary)

        case (.objected, .startReinvestigation):
            return .reinvestigating

        case (.publicNotice(let notice, let review), .approve(let terms)):
            return .approved(try approval(terms, by: actor, on: day, review: review, notice: notice, policy: policy, special: special))

        case (.collectivelyReviewed(let review), .approve(let terms)):
            // §4.4 先审批后公示: checkAllowed has let it through only under the special procedure
            return .approved(try approval(terms, by: actor, on: day, review: review, notice: nil, policy: policy, special: special))

        case (.approved(var approval), .postNotice):
            // §4.4 the notice after an approval made under the special procedure
            approval.notice = NoticePeriod(round: noticesPosted + 1, postedOn: day, days: policy.workflow.publicNoticeDays)
            return .approved(approval)

        case (.referredToDistrict(let review, let notice), .approve(let terms)):
            // §3.6.3: a district approval is itself the district's record: it counts as filed.
            return .filed(try approval(terms, by: actor, on: day, review: review, notice: notice, policy: policy))

        case (_, .reject(let reason)):
            try requireText(reason, "a rejection needs its reason (不予批准理由): state why the application does not qualify")
            return .rejected(reason: reason)

        case (_, .withdraw(let reason)):
            try requireText(reason, "a withdrawal needs its reason (撤回原因): say why the applicant withdraws")
            return .withdrawn(reason: reason)

        case (.publicNotice(let notice, let review), .referToDistrict):
            return .referredToDistrict(review: review, notice: notice)

        case (_, .payFirst(let amount)):
            let rules = TemporaryAidRules(policy: policy)
            guard amount.fen > 0 else {
                throw fail(.invalidAmount, "the amount paid first must be above zero, not \(amount.yuanText)")
            }
            let limit = rules.reserveFundDrawLimitPerPerson
            guard amount <= limit else {
                throw fail(.exceedsReserveFundLimit,
                           "\(amount.yuanText) per person is above the reserve-fund draw limit of \(limit.yuanText) (\(policy.reserveFund.drawLimitMultipleOfStandard) × the dibao standard \(policy.dibao.standard.yuanText) under \(policy.id), §3.6.5): pay at most \(limit.yuanText) first, or take the case through review and notice and refer it to the district")
            }
            return .aidPaidFirst(amountPerPerson: amount)

        case (.aidPaidFirst(let amount), .completeAidFirst(let note)):
            return .approved(Approval(amount: amount, classifiedAidTiers: [], authority: .town, aidFirst: true,
                                      review: nil, notice: nil, decidedBy: actor, date: day, note: note,
                                      specialPeriod: special?.period.id))

        case (.approved(let approval), .file):
            return .filed(approval)

        default:
            // checkAllowed has accepted the kind in this stage, so every pair is handled above.
            throw fail(.illegalTransition, "this step does not follow from \(stage.chineseName) (\(stage.englishName)); the next steps from here are: \(Self.nextStepsText(from: stage))")
        }
    }

    /// Checks whether an actor may take a kind of step on a day, whatever it records.
    ///
    /// Checks role, jurisdiction, state, date order, the notice period and whether the case
    /// is emergency aid; not the step's own fields (reason, amount, tiers), which
    /// ``check(_:by:on:policy:)`` checks.
    ///
    /// - Parameters:
    ///   - kind: The kind of step.
    ///   - actor: Who would take it.
    ///   - day: The day it would be taken.
    ///   - special: The special procedure in force on `day` (§4.4), if any.
    /// - Throws: ``WorkflowError`` saying why not and what to do.
    public func checkAllowed(_ kind: WorkflowEvent.Kind, by actor: Actor, on day: Day,
                             special: SpecialProcedure? = nil) throws(WorkflowError) {
        let special = special.flatMap { $0.applies(to: programme) ? $0 : nil }
        func fail(_ code: WorkflowError.Code, _ message: String) -> WorkflowError {
            WorkflowError(code, state: state, event: kind, message)
        }

        // Role: may this role ever take this step?
        if actor.role == .auditor {
            throw fail(.roleNotAllowed, "an auditor has read-only access and takes no step; only \(Self.names(kind.roles)) may \(kind.englishName)")
        }
        guard kind.roles.contains(actor.role) else {
            throw fail(.roleNotAllowed, "\(Self.article(actor.role)) cannot \(kind.englishName); only \(Self.names(kind.roles)) may")
        }

        // Jurisdiction: village ⊂ town ⊂ district.
        guard actor.org.level == actor.role.level else {
            throw fail(.outsideJurisdiction, "user \(actor.user) is \(Self.article(actor.role)), who works at a \(actor.role.level.rawValue) (\(actor.role.level.chineseName)), but belongs to \(actor.org), a \(actor.org.level.rawValue) code: correct the user's org unit")
        }
        if actor.role == .collector, actor.org != village {
            throw fail(.outsideJurisdiction, "the collector of village \(actor.org) may act only on applications from that village; this one is from village \(village): ask its own collector or the town")
        }
        guard actor.hasJurisdiction(over: village) else {
            let owner = actor.role == .districtOfficer ? "district \(village.district)" : "town \(village.town ?? village)"
            throw fail(.outsideJurisdiction, "the \(Self.name(actor.role)) of \(actor.org) has no jurisdiction over village \(village), which lies in \(owner): ask the \(Self.name(actor.role)) of \(owner)")
        }

        // State: does this step follow from here, and for this role?
        guard let roles = Self.roles(for: kind, in: stage) ?? specialRoles(for: kind, special: special) else {
            if stage.isFinal {
                throw fail(.illegalTransition, "the application is \(stage.englishName) (\(stage.chineseName)) and closed; a new request needs a new application")
            }
            throw fail(.illegalTransition, "this step does not follow from \(stage.chineseName) (\(stage.englishName)); the next steps from here are: \(Self.nextStepsText(from: stage))")
        }
        guard roles.contains(actor.role) else {
            var hint = ""
            if actor.role == .districtOfficer, kind == .approve || kind == .reject {
                hint = "; the district decides only cases the town refers to it (报区审批)"
            } else if stage == .referredToDistrict {
                hint = "; the case has been referred to the district, which decides it"
            }
            throw fail(.roleNotAllowed, "while the application is \(stage.englishName) (\(stage.chineseName)) only \(Self.names(roles)) may \(kind.englishName)\(hint)")
        }

        // Dates: a step follows the step before it.
        if let last = history.last, day < last.day {
            throw fail(.dateOutOfOrder, "this step is dated \(day) but the step before it (\(last.event.kind.chineseName)) was on \(last.day): a step cannot be dated before the one it follows; check the date")
        }

        // Rules of the step in this state.
        switch (state, kind) {
        case (.publicNotice(let notice, _), .approve), (.publicNotice(let notice, _), .referToDistrict):
            // §4.4 under the special procedure the town may approve while the notice still runs
            if !notice.hasEnded(on: day), !(kind == .approve && special?.rules.noticeAfterApproval == true) {
                let verb = kind == .approve ? "approve" : "refer the case"
                throw fail(.noticePeriodNotEnded, "the public notice runs until \(notice.through); \(verb) on or after \(notice.firstDayAfter)")
            }
        case (.publicNotice(let notice, _), .raiseObjection):
            if notice.hasEnded(on: day) {
                throw fail(.noticeNotRunning, "the public notice ran from \(notice.postedOn) to \(notice.through); an objection on \(day) comes after it ended: take the complaint into account when deciding (reject with a reason if it holds)")
            }
        case (.collectivelyReviewed(let review), .postNotice), (.collectivelyReviewed(let review), .approve):
            if !review.qualifies {
                throw fail(.reviewNotFavourable, "the collective review concluded 不符合 (\(review.agreeing) agreeing, \(review.disagreeing) disagreeing): no notice is posted for a case that does not qualify; reject it with a reason")
            }
        case (.approved(let approval), .file) where approval.awaitsNotice:
            throw fail(.noticeNotPosted, "the town approved this case under the special procedure (§4.4) before its public notice; file it once the town has posted the notice (review notice)")
        case (_, .payFirst):
            if programme != .temporaryAid {
                throw fail(.notEmergencyAid, "aid first (先行救助) is only for emergency (急难型) temporary aid (§3.6.4); this is a \(programme.chineseName) application: take it through review and notice")
            }
            if temporaryAidType != .emergency {
                let what = temporaryAidType.map { "\($0.chineseName) (\($0.rawValue))" } ?? "of no stated type"
                throw fail(.notEmergencyAid, "aid first (先行救助) is only for emergency (急难型) temporary aid (§3.6.4); this temporary-aid case is \(what): take it through the full review")
            }
        default:
            break
        }
    }

    /// The kinds of step an actor may take next on a day, for a UI to offer.
    ///
    /// A kind is listed when ``checkAllowed(_:by:on:)`` accepts it; the step's own fields
    /// (reason, amount, tiers) are checked when it is taken.
    ///
    /// - Parameters:
    ///   - actor: Who asks.
    ///   - day: The day they would act.
    /// - Returns: The kinds in ``WorkflowEvent/Kind`` order; empty for an auditor or a closed case.
    public func allowedEvents(for actor: Actor, on day: Day, special: SpecialProcedure? = nil) -> [WorkflowEvent.Kind] {
        WorkflowEvent.Kind.allCases.filter { (try? checkAllowed($0, by: actor, on: day, special: special)) != nil }
    }

    /// The steps the special procedure adds (§4.4), beyond the ``roles(for:in:)`` table: the
    /// town approves a collectively reviewed case before its notice, and posts the notice of a
    /// case it so approved afterwards (whether or not the period still applies that day).
    private func specialRoles(for kind: WorkflowEvent.Kind, special: SpecialProcedure?) -> Set<Role>? {
        switch (state, kind) {
        case (.collectivelyReviewed, .approve) where special?.rules.noticeAfterApproval == true:
            return [.townApprover]
        case (.approved(let approval), .postNotice) where approval.specialPeriod != nil && approval.notice == nil && !approval.aidFirst:
            return [.townApprover]
        default:
            return nil
        }
    }

    /// The roles that may take a kind of step from a stage; `nil` when the step does not
    /// follow from that stage. This table is the workflow.
    ///
    /// - Parameters:
    ///   - kind: The kind of step.
    ///   - stage: The stage it would be taken from.
    /// - Returns: The roles, or `nil` for an illegal transition.
    public static func roles(for kind: WorkflowEvent.Kind, in stage: Stage) -> Set<Role>? {
        let town: Set<Role> = [.townApprover]
        let district: Set<Role> = [.districtOfficer]
        switch (stage, kind) {
        case (.draft, .submit): return [.collector, .townApprover]
        case (.submitted, .startTownReview): return town
        case (.submitted, .returnForCorrection), (.townReview, .returnForCorrection): return town
        // §3.6.4 急难型: aid first, before review.
        case (.submitted, .payFirst), (.townReview, .payFirst): return town
        case (.townReview, .recordCollectiveReview), (.reinvestigating, .recordCollectiveReview): return town
        case (.collectivelyReviewed, .postNotice): return town
        case (.publicNotice, .raiseObjection): return [.collector, .townApprover]
        case (.publicNotice, .approve), (.publicNotice, .referToDistrict): return town
        case (.objected, .startReinvestigation): return town
        case (.submitted, .reject), (.townReview, .reject), (.collectivelyReviewed, .reject),
             (.publicNotice, .reject), (.objected, .reject), (.reinvestigating, .reject):
            return town
        case (.referredToDistrict, .approve), (.referredToDistrict, .reject): return district
        case (.aidPaidFirst, .completeAidFirst): return town
        case (.approved, .file): return district
        // 撤回申请: the applicant withdraws before a decision — at the village while it is
        // there, through the town once under its review, through either once referred
        case (.draft, .withdraw), (.submitted, .withdraw): return [.collector, .townApprover]
        case (.townReview, .withdraw), (.collectivelyReviewed, .withdraw), (.publicNotice, .withdraw),
             (.objected, .withdraw), (.reinvestigating, .withdraw):
            return town
        case (.referredToDistrict, .withdraw): return [.townApprover, .districtOfficer]
        default: return nil
        }
    }

    // MARK: - Approval

    /// Checks approval terms and builds the approval (§3.6.3, §3.1.6).
    private func approval(_ terms: WorkflowEvent.ApprovalTerms, by actor: Actor, on day: Day,
                          review: WorkflowEvent.CollectiveReview, notice: NoticePeriod?,
                          policy: PolicyVersion, special: SpecialProcedure? = nil) throws(WorkflowError) -> Approval {
        func fail(_ code: WorkflowError.Code, _ message: String) -> WorkflowError {
            WorkflowError(code, state: state, event: .approve, message)
        }

        // §3.1.6 classified aid: decided per person by the town on a dibao approval.
        if !terms.classifiedAidTiers.isEmpty {
            guard programme == .dibao || programme == .classifiedAid else {
                throw fail(.invalidTier, "classified-aid tiers belong to a dibao approval (§3.1.6); this is a \(programme.chineseName) application: approve it without tiers")
            }
            guard actor.role == .townApprover else {
                throw fail(.invalidTier, "the classified-aid tier is decided by the town (§3.1.6), in the approval table the town head signs: approve without tiers")
            }
            let amounts = policy.dibao.classifiedAid.tiers
            var seen = Set<UUID>()
            for entry in terms.classifiedAidTiers {
                guard (1...amounts.count).contains(entry.tier) else {
                    let list = amounts.enumerated().map { "tier \($0.offset + 1): \($0.element.yuanText)" }.joined(separator: ", ")
                    throw fail(.invalidTier, "member \(entry.member) has tier \(entry.tier), which does not exist; under \(policy.id) the tiers are \(list) (§3.1.6)")
                }
                guard seen.insert(entry.member).inserted else {
                    throw fail(.invalidTier, "member \(entry.member) is given more than one tier: decide one tier per person (§3.1.6)")
                }
            }
        }

        // Amount, and who may approve it (§3.6.3).
        var authority = ApprovalAuthority.town
        if programme == .temporaryAid {
            guard let amount = terms.amount else {
                throw fail(.invalidAmount, "give the one-off amount per person: it decides who may approve (§3.6.3)")
            }
            guard amount.fen > 0 else {
                throw fail(.invalidAmount, "the amount per person must be above zero, not \(amount.yuanText)")
            }
            let rules = TemporaryAidRules(policy: policy, special: actor.role == .townApprover ? special : nil)
            authority = rules.authority(forPerPerson: amount)
            if actor.role == .townApprover, authority != .town {
                let limit = rules.townLimitPerPerson
                let basis = special.map { "\($0.rules.temporaryAidTownAuthorityMultipleOfStandard) × the dibao standard \(policy.dibao.standard.yuanText) under the special procedure of \($0.period.title), §4.4" }
                    ?? "\(policy.temporaryAid.townAuthorityMultipleOfStandard) × the dibao standard \(policy.dibao.standard.yuanText) under \(policy.id), §3.6.3"
                var message = "\(amount.yuanText) per person is above the town's limit of \(limit.yuanText) (\(basis)): refer the case to the district"
                if authority == .districtCaseByCase {
                    message += ", which decides amounts above \(policy.temporaryAid.particularMax.yuanText) case by case (一事一议, §3.6.2)"
                }
                throw fail(.exceedsTownAuthority, message)
            }
            if authority == .districtCaseByCase, terms.note.trimmingWhitespace().isEmpty {
                throw fail(.minutesRequired, "\(amount.yuanText) per person is above \(policy.temporaryAid.particularMax.yuanText), so it is decided case by case (一事一议, §3.6.2): put the minuted decision in the approval's note")
            }
        } else if let amount = terms.amount, amount.fen <= 0 {
            throw fail(.invalidAmount, "the monthly amount must be above zero, not \(amount.yuanText); leave it empty if the town does not state it here")
        }
        if actor.role == .districtOfficer { authority = max(authority, .district) }

        return Approval(amount: terms.amount, classifiedAidTiers: terms.classifiedAidTiers, authority: authority,
                        aidFirst: false, review: review, notice: notice, decidedBy: actor, date: day, note: terms.note,
                        specialPeriod: actor.role == .townApprover ? special?.period.id : nil)
    }

    // MARK: - Message helpers

    static func name(_ role: Role) -> String {
        switch role {
        case .collector: "village collector"
        case .townApprover: "town approver"
        case .districtOfficer: "district officer"
        case .auditor: "auditor"
        }
    }

    static func article(_ role: Role) -> String { role == .auditor ? "an auditor" : "a \(name(role))" }

    static func names(_ roles: Set<Role>) -> String {
        Role.allCases.filter(roles.contains).map { "the \(name($0))" }.joined(separator: " or ")
    }

    static func nextStepsText(from stage: Stage) -> String {
        let kinds = WorkflowEvent.Kind.allCases.filter { roles(for: $0, in: stage) != nil }
        return kinds.isEmpty ? "none" : kinds.map { "\($0.englishName) (\($0.chineseName))" }.joined(separator: ", ")
    }
}

// MARK: - Stage and state

extension ApplicationWorkflow {
    /// The stages of an application, with stable codes for the wire and database columns.
    public enum Stage: String, Codable, Sendable, CaseIterable {
        /// 草稿
        case draft
        /// 已提交
        case submitted
        /// 镇审核中
        case townReview
        /// 已集体评审
        case collectivelyReviewed
        /// 公示中 (running or run, decision pending)
        case publicNotice
        /// 有异议
        case objected
        /// 重新调查
        case reinvestigating
        /// 报区审批 (§3.6.3)
        case referredToDistrict
        /// 已先行救助 (§3.6.4)
        case aidPaidFirst
        /// 已批准
        case approved
        /// 不予批准 (final)
        case rejected
        /// 已备案 (final)
        case filed
        /// 已撤回: withdrawn by the applicant before a decision (final)
        case withdrawn

        /// The stage as printed in CLI tables, e.g. 公示中.
        public var chineseName: String {
            switch self {
            case .draft: "草稿"
            case .submitted: "已提交"
            case .townReview: "镇审核中"
            case .collectivelyReviewed: "已集体评审"
            case .publicNotice: "公示中"
            case .objected: "有异议"
            case .reinvestigating: "重新调查"
            case .referredToDistrict: "报区审批"
            case .aidPaidFirst: "已先行救助"
            case .approved: "已批准"
            case .rejected: "不予批准"
            case .filed: "已备案"
            case .withdrawn: "已撤回"
            }
        }

        /// The stage in English prose, e.g. "on public notice".
        public var englishName: String {
            switch self {
            case .draft: "a draft"
            case .submitted: "submitted"
            case .townReview: "under town review"
            case .collectivelyReviewed: "collectively reviewed"
            case .publicNotice: "on public notice"
            case .objected: "objected to"
            case .reinvestigating: "being re-investigated"
            case .referredToDistrict: "referred to the district"
            case .aidPaidFirst: "paid first, paperwork pending"
            case .approved: "approved"
            case .rejected: "rejected"
            case .filed: "filed with the district"
            case .withdrawn: "withdrawn by the applicant"
            }
        }

        /// True for rejected, filed and withdrawn: no step follows.
        public var isFinal: Bool { self == .rejected || self == .filed || self == .withdrawn }
    }

    /// Where the application stands, with what that stage holds.
    public enum State: Hashable, Sendable {
        /// 草稿: being drafted at the village.
        case draft
        /// 已提交: submitted to the town.
        case submitted
        /// 镇审核中: the town is reviewing it.
        case townReview
        /// 已集体评审: the collective review has concluded.
        case collectivelyReviewed(review: WorkflowEvent.CollectiveReview)
        /// 公示中: the public notice is posted (it may have ended; the decision is pending).
        case publicNotice(notice: NoticePeriod, review: WorkflowEvent.CollectiveReview)
        /// 有异议: an objection was received during the notice.
        case objected(notice: NoticePeriod, review: WorkflowEvent.CollectiveReview, objection: String)
        /// 重新调查: being re-investigated after an objection.
        case reinvestigating
        /// 报区审批: referred to the district for decision (§3.6.3).
        case referredToDistrict(review: WorkflowEvent.CollectiveReview, notice: NoticePeriod)
        /// 已先行救助: emergency aid paid first; paperwork pending (§3.6.4).
        case aidPaidFirst(amountPerPerson: Money)
        /// 已批准: approved by the town; to be filed.
        case approved(Approval)
        /// 不予批准: rejected, with the reason.
        case rejected(reason: String)
        /// 已备案: filed with the district, or approved by it.
        case filed(Approval)
        /// 已撤回: withdrawn by the applicant before a decision, with the reason.
        case withdrawn(reason: String)

        /// The stage, without details.
        public var stage: Stage {
            switch self {
            case .draft: .draft
            case .submitted: .submitted
            case .townReview: .townReview
            case .collectivelyReviewed: .collectivelyReviewed
            case .publicNotice: .publicNotice
            case .objected: .objected
            case .reinvestigating: .reinvestigating
            case .referredToDistrict: .referredToDistrict
            case .aidPaidFirst: .aidPaidFirst
            case .approved: .approved
            case .rejected: .rejected
            case .filed: .filed
            case .withdrawn: .withdrawn
            }
        }

        /// The stage as printed in CLI tables, e.g. 公示中.
        public var chineseName: String { stage.chineseName }

        /// The current or last notice, while the case is on notice, objected or referred.
        public var notice: NoticePeriod? {
            switch self {
            case .publicNotice(let notice, _), .objected(let notice, _, _), .referredToDistrict(_, let notice): notice
            default: nil
            }
        }

        /// The approval, once approved or filed.
        public var approval: Approval? {
            switch self {
            case .approved(let approval), .filed(let approval): approval
            default: nil
            }
        }
    }

    /// The period of a public notice (公示), first and last day inclusive.
    ///
    /// A notice of *n* days posted on day D runs D … D + n − 1: the day it is posted is
    /// its first day. With the 2020 setting of 7 days, a notice posted 2020-07-01 runs
    /// through 2020-07-07; objections are taken on those days, and the case may be decided
    /// from 2020-07-08.
    public struct NoticePeriod: Hashable, Sendable, Codable {
        /// 1 for the first notice, 2 for the one after a re-investigation, …
        public var round: Int
        /// The day it was posted, its first day.
        public var postedOn: Day
        /// Its last day.
        public var through: Day

        /// Creates a period from its first and last day.
        public init(round: Int, postedOn: Day, through: Day) {
            self.round = round; self.postedOn = postedOn; self.through = through
        }

        /// Creates the period of a notice of `days` days posted on `postedOn` (at least one day).
        public init(round: Int, postedOn: Day, days: Int) {
            self.init(round: round, postedOn: postedOn, through: postedOn.adding(days: max(1, days) - 1))
        }

        /// The first day a decision may be made.
        public var firstDayAfter: Day { through.adding(days: 1) }

        /// Length in days, both ends included.
        public var days: Int { postedOn.days(until: through) + 1 }

        /// True when `day` falls within the notice.
        public func contains(_ day: Day) -> Bool { postedOn <= day && day <= through }

        /// True when the notice has run its full period by `day`.
        public func hasEnded(on day: Day) -> Bool { day > through }
    }

    /// The approval of an application (审批意见: 同意), as filed with the district (FORMS.md).
    public struct Approval: Hashable, Sendable, Codable {
        /// For temporary aid the one-off amount per person; for monthly programmes the
        /// monthly amount, if stated.
        public var amount: Money?
        /// Classified-aid tier per person, decided by the town (§3.1.6).
        public var classifiedAidTiers: [ClassifiedAidTier]
        /// The level that decided: the town, the district, or the district case by case (§3.6.3).
        public var authority: ApprovalAuthority
        /// Paid first from the reserve fund and completed afterwards (先行救助, §3.6.4).
        public var aidFirst: Bool
        /// The collective review it rests on (none for aid first).
        public var review: WorkflowEvent.CollectiveReview?
        /// The public notice it rests on (none for aid first).
        public var notice: NoticePeriod?
        /// 负责人: who approved.
        public var decidedBy: Actor
        /// 日期
        public var date: Day
        /// 意见 / remarks; the minuted decision for a case-by-case decision.
        public var note: String
        /// The special period (§4.4) whose procedure the town approved under; `nil` for the normal procedure.
        /// Such an approval may precede its public notice, which the town posts afterwards.
        public var specialPeriod: UUID?

        /// Creates an approval record.
        public init(amount: Money?, classifiedAidTiers: [ClassifiedAidTier], authority: ApprovalAuthority,
                    aidFirst: Bool, review: WorkflowEvent.CollectiveReview?, notice: NoticePeriod?,
                    decidedBy: Actor, date: Day, note: String, specialPeriod: UUID? = nil) {
            self.amount = amount; self.classifiedAidTiers = classifiedAidTiers; self.authority = authority
            self.aidFirst = aidFirst; self.review = review; self.notice = notice; self.decidedBy = decidedBy
            self.date = date; self.note = note; self.specialPeriod = specialPeriod
        }

        /// True when approved under the special procedure and its public notice is still to be posted.
        public var awaitsNotice: Bool { specialPeriod != nil && notice == nil && !aidFirst }
    }

    /// One step taken: who, in which role and unit, on which day, what, and under which policy.
    public struct Transition: Hashable, Sendable, Codable {
        /// The stage before the step.
        public var from: Stage
        /// The stage after the step.
        public var to: Stage
        /// The step and what it recorded.
        public var event: WorkflowEvent
        /// Who took it (user, role, org unit).
        public var actor: Actor
        /// The day it was taken.
        public var day: Day
        /// The id of the policy version it was checked against.
        public var policy: String

        /// Creates a transition record.
        public init(from: Stage, to: Stage, event: WorkflowEvent, actor: Actor, day: Day, policy: String) {
            self.from = from; self.to = to; self.event = event; self.actor = actor; self.day = day; self.policy = policy
        }
    }
}

// MARK: - Codable

extension ApplicationWorkflow.State: Codable {
    private enum CodingKeys: String, CodingKey {
        case stage, review, notice, objection, amountPerPerson, approval, reason
    }

    /// Reads `{"stage": …, …}` with the fields of the stage.
    ///
    /// - Throws: `DecodingError` for an unknown stage or a missing field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .stage)
        guard let stage = ApplicationWorkflow.Stage(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .stage, in: c,
                debugDescription: "unknown workflow stage \"\(text)\": it may come from a newer Doudi; upgrade this one")
        }
        typealias Review = WorkflowEvent.CollectiveReview
        typealias Notice = ApplicationWorkflow.NoticePeriod
        switch stage {
        case .draft: self = .draft
        case .submitted: self = .submitted
        case .townReview: self = .townReview
        case .collectivelyReviewed: self = .collectivelyReviewed(review: try c.decode(Review.self, forKey: .review))
        case .publicNotice:
            self = .publicNotice(notice: try c.decode(Notice.self, forKey: .notice), review: try c.decode(Review.self, forKey: .review))
        case .objected:
            self = .objected(notice: try c.decode(Notice.self, forKey: .notice), review: try c.decode(Review.self, forKey: .review),
                             objection: try c.decode(String.self, forKey: .objection))
        case .reinvestigating: self = .reinvestigating
        case .referredToDistrict:
            self = .referredToDistrict(review: try c.decode(Review.self, forKey: .review), notice: try c.decode(Notice.self, forKey: .notice))
        case .aidPaidFirst: self = .aidPaidFirst(amountPerPerson: try c.decode(Money.self, forKey: .amountPerPerson))
        case .approved: self = .approved(try c.decode(ApplicationWorkflow.Approval.self, forKey: .approval))
        case .rejected: self = .rejected(reason: try c.decode(String.self, forKey: .reason))
        case .filed: self = .filed(try c.decode(ApplicationWorkflow.Approval.self, forKey: .approval))
        case .withdrawn: self = .withdrawn(reason: try c.decode(String.self, forKey: .reason))
        }
    }

    /// Writes `{"stage": …, …}` with the fields of the stage.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage.rawValue, forKey: .stage)
        switch self {
        case .draft, .submitted, .townReview, .reinvestigating: break
        case .collectivelyReviewed(let review): try c.encode(review, forKey: .review)
        case .publicNotice(let notice, let review), .referredToDistrict(let review, let notice):
            try c.encode(notice, forKey: .notice); try c.encode(review, forKey: .review)
        case .objected(let notice, let review, let objection):
            try c.encode(notice, forKey: .notice); try c.encode(review, forKey: .review)
            try c.encode(objection, forKey: .objection)
        case .aidPaidFirst(let amount): try c.encode(amount, forKey: .amountPerPerson)
        case .approved(let approval), .filed(let approval): try c.encode(approval, forKey: .approval)
        case .rejected(let reason), .withdrawn(let reason): try c.encode(reason, forKey: .reason)
        }
    }
}

extension ApplicationWorkflow: Codable {
    private enum CodingKeys: String, CodingKey {
        case application, programme, village, temporaryAidType, state, history
    }

    /// Reads a stored workflow, checking that its state is where its history ends.
    ///
    /// - Throws: `DecodingError` for a missing field, a non-village code, or a state that
    ///   does not match the last transition.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        application = try c.decode(UUID.self, forKey: .application)
        programme = try c.decode(Programme.self, forKey: .programme)
        village = try c.decode(OrgCode.self, forKey: .village)
        temporaryAidType = try c.decodeIfPresent(TemporaryAidType.self, forKey: .temporaryAidType)
        state = try c.decode(State.self, forKey: .state)
        history = try c.decode([Transition].self, forKey: .history)
        guard village.level == .village else {
            throw DecodingError.dataCorruptedError(forKey: .village, in: c,
                                                   debugDescription: "must be a 12-digit village code, not \(village)")
        }
        let expected = history.last?.to ?? .draft
        guard state.stage == expected else {
            throw DecodingError.dataCorruptedError(
                forKey: .state, in: c,
                debugDescription: "the state is \(state.stage.rawValue) but the history ends at \(expected.rawValue)")
        }
    }

    /// Writes the workflow with its state and full history.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(application, forKey: .application)
        try c.encode(programme, forKey: .programme)
        try c.encode(village, forKey: .village)
        try c.encodeIfPresent(temporaryAidType, forKey: .temporaryAidType)
        try c.encode(state, forKey: .state)
        try c.encode(history, forKey: .history)
    }
}
