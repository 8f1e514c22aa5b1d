import Foundation

/// One step a person takes on an application: submit it, review it, post its notice,
/// approve it, file it… (§3.6.3, §3.6.4, §3.1.6).
///
/// An event says *what* is done and carries what the step records (a reason, the
/// collective review's result, the approved amount and tiers). *Who* does it and *when*
/// are given beside it to ``ApplicationWorkflow/apply(_:by:on:policy:)``, which decides
/// whether it is legal. Events are the unit that syncs: each one is written with the
/// transition it caused and travels in a change set.
///
/// On the wire an event is a flat JSON object with a `kind` and the fields of that kind:
///
/// ```json
/// {"kind": "reject", "reason": "家庭人均收入高于低保标准"}
/// {"kind": "payFirst", "amountPerPerson": "800.00"}
/// {"kind": "approve", "terms": {"amount": "1080.00", "classifiedAidTiers": [], "note": ""}}
/// ```
public enum WorkflowEvent: Hashable, Sendable {
    /// 提交申请: the collector (or the town, for an application made at the town office)
    /// submits a draft.
    case submit
    /// 退回补正: the town sends a submitted application back to the village as a draft
    /// to be corrected; the reason is required.
    case returnForCorrection(reason: String)
    /// 受理审核: the town starts its review.
    case startTownReview
    /// 集体评审 / 民主评议: the town records the collective review and its conclusion.
    case recordCollectiveReview(CollectiveReview)
    /// 张榜公示: the town posts the public notice; its period comes from the policy
    /// (`workflow.publicNoticeDays`), starting on the day of the event.
    case postNotice
    /// 异议: an objection received while the notice runs; it sends the case to re-investigation.
    case raiseObjection(summary: String)
    /// 重新调查: the town re-investigates an objected case; a new collective review and a
    /// new notice follow.
    case startReinvestigation
    /// 批准: the town (within its authority, after the notice) or the district (a
    /// referred case) approves, with the amount and the classified-aid tiers (§3.1.6).
    case approve(ApprovalTerms)
    /// 不予批准: the town or the district rejects; the reason is required.
    case reject(reason: String)
    /// 报区审批: the town refers the case to the district for decision (§3.6.3).
    case referToDistrict(note: String)
    /// 先行救助: the town pays emergency (急难型) temporary aid first, per person (§3.6.4–3.6.5).
    case payFirst(amountPerPerson: Money)
    /// 补办手续: the town completes the paperwork of aid already paid first (§3.6.4).
    case completeAidFirst(note: String)
    /// 备案: the district records the filing of a town's approval (§3.6.3, §3.1.6).
    case file
    /// 撤回申请: the applicant withdraws the application before a decision; the reason is
    /// required. The application is closed (a new request is a new application).
    case withdraw(reason: String)

    /// The kind of the event, without its payload.
    public var kind: Kind {
        switch self {
        case .submit: .submit
        case .returnForCorrection: .returnForCorrection
        case .startTownReview: .startTownReview
        case .recordCollectiveReview: .recordCollectiveReview
        case .postNotice: .postNotice
        case .raiseObjection: .raiseObjection
        case .startReinvestigation: .startReinvestigation
        case .approve: .approve
        case .reject: .reject
        case .referToDistrict: .referToDistrict
        case .payFirst: .payFirst
        case .completeAidFirst: .completeAidFirst
        case .file: .file
        case .withdraw: .withdraw
        }
    }

    /// The kinds of workflow events, with stable codes for the wire and for `--json`.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// ``WorkflowEvent/submit``
        case submit
        /// ``WorkflowEvent/returnForCorrection(reason:)``
        case returnForCorrection
        /// ``WorkflowEvent/startTownReview``
        case startTownReview
        /// ``WorkflowEvent/recordCollectiveReview(_:)``
        case recordCollectiveReview
        /// ``WorkflowEvent/postNotice``
        case postNotice
        /// ``WorkflowEvent/raiseObjection(summary:)``
        case raiseObjection
        /// ``WorkflowEvent/startReinvestigation``
        case startReinvestigation
        /// ``WorkflowEvent/approve(_:)``
        case approve
        /// ``WorkflowEvent/reject(reason:)``
        case reject
        /// ``WorkflowEvent/referToDistrict(note:)``
        case referToDistrict
        /// ``WorkflowEvent/payFirst(amountPerPerson:)``
        case payFirst
        /// ``WorkflowEvent/completeAidFirst(note:)``
        case completeAidFirst
        /// ``WorkflowEvent/file``
        case file
        /// ``WorkflowEvent/withdraw(reason:)``
        case withdraw

        /// The roles that may make this kind of event in some state. Which of them may make
        /// it in a given state is decided by ``ApplicationWorkflow``.
        public var roles: Set<Role> {
            switch self {
            case .submit, .raiseObjection: [.collector, .townApprover]
            case .withdraw: [.collector, .townApprover, .districtOfficer]
            case .approve, .reject: [.townApprover, .districtOfficer]
            case .file: [.districtOfficer]
            case .returnForCorrection, .startTownReview, .recordCollectiveReview, .postNotice,
                 .startReinvestigation, .referToDistrict, .payFirst, .completeAidFirst:
                [.townApprover]
            }
        }

        /// The name of the step as an officer reads it, e.g. 张榜公示.
        public var chineseName: String {
            switch self {
            case .submit: "提交申请"
            case .returnForCorrection: "退回补正"
            case .startTownReview: "受理审核"
            case .recordCollectiveReview: "集体评审"
            case .postNotice: "张榜公示"
            case .raiseObjection: "提出异议"
            case .startReinvestigation: "重新调查"
            case .approve: "批准"
            case .reject: "不予批准"
            case .referToDistrict: "报区审批"
            case .payFirst: "先行救助"
            case .completeAidFirst: "补办手续"
            case .file: "备案"
            case .withdraw: "撤回申请"
            }
        }

        /// The step as a verb phrase for English messages, e.g. "post the public notice".
        public var englishName: String {
            switch self {
            case .submit: "submit the application"
            case .returnForCorrection: "return it for correction"
            case .startTownReview: "start the town review"
            case .recordCollectiveReview: "record the collective review"
            case .postNotice: "post the public notice"
            case .raiseObjection: "record an objection"
            case .startReinvestigation: "start re-investigation"
            case .approve: "approve it"
            case .reject: "reject it"
            case .referToDistrict: "refer it to the district"
            case .payFirst: "pay aid first"
            case .completeAidFirst: "complete the aid-first paperwork"
            case .file: "file it with the district"
            case .withdraw: "withdraw the application"
            }
        }
    }

    /// The result of a collective review (集体评审 / 民主评议), as minuted (FORMS.md).
    ///
    /// The date is the day of the event; the full form (participants, absentees) is a record
    /// of its own.
    public struct CollectiveReview: Hashable, Sendable, Codable {
        /// 主持人
        public var chair: String
        /// 记录人
        public var recorder: String
        /// Number agreeing.
        public var agreeing: Int
        /// Number disagreeing.
        public var disagreeing: Int
        /// 结论: whether the case qualifies (符合) or not (不符合).
        public var qualifies: Bool
        /// Minutes; required in substance for case-by-case (一事一议) decisions.
        public var minutes: String

        /// Creates the record of a collective review.
        public init(chair: String, recorder: String, agreeing: Int, disagreeing: Int, qualifies: Bool, minutes: String = "") {
            self.chair = chair; self.recorder = recorder; self.agreeing = agreeing; self.disagreeing = disagreeing
            self.qualifies = qualifies; self.minutes = minutes
        }

        /// 符合 / 不符合
        public var conclusionChineseName: String { qualifies ? "符合" : "不符合" }
    }

    /// What an approval decides (审批意见: 同意).
    public struct ApprovalTerms: Hashable, Sendable, Codable {
        /// For temporary aid: the one-off amount **per person** (required; it decides the
        /// authority, §3.6.3). For monthly programmes: the household's monthly amount, if stated.
        public var amount: Money?
        /// The classified-aid tier of each qualifying person (§3.1.6); dibao approvals by
        /// the town only.
        public var classifiedAidTiers: [ClassifiedAidTier]
        /// 意见 / remarks; for a case-by-case (一事一议) decision, the minuted decision.
        public var note: String

        /// Creates approval terms.
        public init(amount: Money? = nil, classifiedAidTiers: [ClassifiedAidTier] = [], note: String = "") {
            self.amount = amount; self.classifiedAidTiers = classifiedAidTiers; self.note = note
        }
    }
}

extension WorkflowEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, reason, review, summary, terms, note, amountPerPerson
    }

    /// Reads `{"kind": …, …}`.
    ///
    /// - Throws: `DecodingError` for an unknown kind (a newer client: upgrade) or a missing field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "unknown workflow event \"\(text)\": it may come from a newer Doudi; upgrade this one")
        }
        switch kind {
        case .submit: self = .submit
        case .returnForCorrection: self = .returnForCorrection(reason: try c.decode(String.self, forKey: .reason))
        case .startTownReview: self = .startTownReview
        case .recordCollectiveReview: self = .recordCollectiveReview(try c.decode(CollectiveReview.self, forKey: .review))
        case .postNotice: self = .postNotice
        case .raiseObjection: self = .raiseObjection(summary: try c.decode(String.self, forKey: .summary))
        case .startReinvestigation: self = .startReinvestigation
        case .approve: self = .approve(try c.decode(ApprovalTerms.self, forKey: .terms))
        case .reject: self = .reject(reason: try c.decode(String.self, forKey: .reason))
        case .referToDistrict: self = .referToDistrict(note: try c.decode(String.self, forKey: .note))
        case .payFirst: self = .payFirst(amountPerPerson: try c.decode(Money.self, forKey: .amountPerPerson))
        case .completeAidFirst: self = .completeAidFirst(note: try c.decode(String.self, forKey: .note))
        case .file: self = .file
        case .withdraw: self = .withdraw(reason: try c.decode(String.self, forKey: .reason))
        }
    }

    /// Writes `{"kind": …, …}` with the fields of the kind.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.rawValue, forKey: .kind)
        switch self {
        case .submit, .startTownReview, .postNotice, .startReinvestigation, .file: break
        case .returnForCorrection(let reason), .reject(let reason), .withdraw(let reason): try c.encode(reason, forKey: .reason)
        case .recordCollectiveReview(let review): try c.encode(review, forKey: .review)
        case .raiseObjection(let summary): try c.encode(summary, forKey: .summary)
        case .approve(let terms): try c.encode(terms, forKey: .terms)
        case .referToDistrict(let note), .completeAidFirst(let note): try c.encode(note, forKey: .note)
        case .payFirst(let amount): try c.encode(amount, forKey: .amountPerPerson)
        }
    }
}
