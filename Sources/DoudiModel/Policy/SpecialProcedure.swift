/// §4.4 what the special procedure changes, as policy-file settings (`specialProcedure`).
///
/// The seed says only that during the epidemic the towns review and approve "按特殊程序" and
/// file with the district, and that the special procedure continues for 3 months after the
/// epidemic ends. What the special procedure is, is these settings (docs/TOWN-AND-DISTRICT.md):
/// for the listed programmes the town may approve right after its collective review and post
/// the public notice afterwards (先审批后公示), and may approve temporary aid up to a higher
/// multiple of the dibao standard. Every approval made so carries the period's mark and is
/// filed with the district like any town approval.
public struct SpecialProcedureRules: Hashable, Sendable, Codable {
    /// §4.4 seed: months the special procedure continues after the declared end (3).
    public var continuationMonths: Int
    /// Setting: programmes approved under the special procedure while it applies.
    public var programmes: [Programme]
    /// Setting: the town may approve before the public notice and post it afterwards (先审批后公示).
    public var noticeAfterApproval: Bool
    /// Setting: the town approves temporary aid per person up to this many times the monthly
    /// dibao standard (normally `temporaryAid.townAuthorityMultipleOfStandard`, 3).
    public var temporaryAidTownAuthorityMultipleOfStandard: Int

    /// The settings as the policy file states them.
    public init(continuationMonths: Int, programmes: [Programme], noticeAfterApproval: Bool,
                temporaryAidTownAuthorityMultipleOfStandard: Int) {
        self.continuationMonths = continuationMonths; self.programmes = programmes
        self.noticeAfterApproval = noticeAfterApproval
        self.temporaryAidTownAuthorityMultipleOfStandard = temporaryAidTownAuthorityMultipleOfStandard
    }
}

extension PolicyVersion {
    /// The special-procedure settings (§4.4); for a version stored before they existed, settings
    /// that change nothing but the seed's 3 months of continuation.
    public var specialRules: SpecialProcedureRules {
        specialProcedure ?? SpecialProcedureRules(continuationMonths: 3, programmes: [], noticeAfterApproval: false,
                                                  temporaryAidTownAuthorityMultipleOfStandard: temporaryAid.townAuthorityMultipleOfStandard)
    }
}

/// The special procedure as it applies on one day: the declared period and the policy's
/// settings for it (§4.4). ``PolicyBook/specialProcedure(on:)`` finds it; the workflow takes it.
public struct SpecialProcedure: Hashable, Sendable {
    /// The period the day falls in (or in its continuation).
    public var period: SpecialPeriod
    /// The settings of the policy version in force on the day.
    public var rules: SpecialProcedureRules
    /// True when the day falls in the months after the declared end (延续期).
    public var isContinuation: Bool

    /// The procedure of `period` under `rules`.
    public init(period: SpecialPeriod, rules: SpecialProcedureRules, isContinuation: Bool) {
        self.period = period; self.rules = rules; self.isContinuation = isContinuation
    }

    /// True when applications for `programme` are handled under it.
    public func applies(to programme: Programme) -> Bool { rules.programmes.contains(programme) }

    /// How the mark reads on lists and in explanations, e.g. 特殊程序（新冠肺炎疫情防控期间，延续期）.
    public var chineseName: String {
        "特殊程序（\(period.title)\(isContinuation ? "，结束后延续期" : "")）"
    }
}

extension ApplicationWorkflow {
    /// The public notice the case is on the notice sheet of: the notice running or run while the
    /// decision is pending, or the notice posted after an approval made under the special
    /// procedure (§4.4, 先审批后公示); `nil` otherwise.
    public var noticeOnSheet: NoticePeriod? {
        switch state {
        case .publicNotice(let notice, _): notice
        case .approved(let approval) where approval.specialPeriod != nil: approval.notice
        default: nil
        }
    }
}

extension PolicyBook {
    /// The special procedure on `day` (§4.4): the declared period that covers it — from its
    /// start through its declared end and the policy's continuation months — or `nil` when the
    /// normal authority and procedure apply. Overlapping periods: the earliest-started wins.
    public func specialProcedure(on day: Day) -> SpecialProcedure? {
        guard !specialPeriods.isEmpty, let policy = try? inForce(on: day) else { return nil }
        guard let period = specialPeriods.filter({ $0.covers(day, continuationMonths: continuationMonths(of: $0)) })
            .min(by: { $0.start < $1.start }) else { return nil }
        return SpecialProcedure(period: period, rules: policy.specialRules,
                                isContinuation: period.isContinuation(day, continuationMonths: continuationMonths(of: period)))
    }

    /// The months the special procedure of `period` continues after its declared end: the
    /// setting of the version in force on that end (on its start while none is declared), the
    /// seed's 3 when no version is in force then.
    public func continuationMonths(of period: SpecialPeriod) -> Int {
        (try? inForce(on: period.declaredEnd ?? period.start))?.specialRules.continuationMonths ?? 3
    }

    /// The last day of `period`'s special procedure (its declared end and the continuation after
    /// it); `nil` while no end is declared.
    public func lastSpecialDay(of period: SpecialPeriod) -> Day? {
        period.lastDay(continuationMonths: continuationMonths(of: period))
    }
}
