import Foundation

/// The offline worklist of a village or town (`doudi due`): what falls due by a day, computed
/// from the households, enrolments, surveys and applications the laptop holds and the policy.
///
/// - 复核调查: a household enrolled in a programme that has a re-survey interval
///   (`workflow.reviewSchedule.resurveyMonths`, a setting) whose latest survey is older than it;
/// - 渐退期届满 (§3.1.5): the last month of a gradual exit, decided by
///   ``Enrolment/gradualExitPhase(in:surveyMonth:rule:)`` as the assessment and the roll decide it;
/// - 特困未成年人满龄 (§3.2.1): a 特困 child turning `tekun.minorUnder` (16);
/// - 儿童满18周岁 (§3.3.2, §3.3.3, §3.1.6): a child receiving an orphan or unsupported-child
///   allowance, or a minor's classified aid, turning `ages.minorUnder` (18);
/// - 先行救助补办手续 (§3.6.4): emergency aid paid first whose paperwork is still open,
///   due `workflow.reviewSchedule.aidFirstPaperworkDays` after it was paid.
///
/// - 社会组织年度报告 (§3.7): on the district's list, each social organisation's annual report
///   not yet received, due on its register's day (``AnnualReportWorklist``).
///
/// Items already overdue are listed too (they still need doing), first. Pure: no clock.
///
/// ```swift
/// let due = DueList(cases: cases, workflows: open, policy: policy, asOf: today, withinDays: 30)
/// for item in due.items { print(item.due, item.kind.chineseName, item.name) }
/// ```
public struct DueList: Sendable, Hashable {
    /// The day the list is drawn up.
    public var asOf: Day
    /// The last day of the look-ahead window (`asOf` + `withinDays`).
    public var through: Day
    /// The items falling due on or before ``through``, overdue ones included; by due day,
    /// then village, household and kind.
    public var items: [DueItem]

    /// Draws up the worklist.
    ///
    /// - Parameters:
    ///   - cases: the households of the village or town (voided ones are left out).
    ///   - workflows: application workflows; those at ``ApplicationWorkflow/Stage/aidPaidFirst``
    ///     whose application is among the cases' give a paperwork item.
    ///   - policy: the version in force on `asOf`.
    ///   - asOf: the day the list is drawn up.
    ///   - withinDays: how far ahead to look (0: only what is due today or overdue).
    ///   - organisations: the social organisations whose annual reports the list chases (§3.7):
    ///     the district's registry on the district's list, none below it.
    public init(cases: [HouseholdCase], workflows: [ApplicationWorkflow], policy: PolicyVersion, asOf: Day, withinDays: Int,
                organisations: [SocialOrganisation] = []) {
        self.asOf = asOf
        through = asOf.adding(days: max(withinDays, 0))
        var items: [DueItem] = []
        var seen = Set<UUID>()
        let active = cases.filter { $0.household.status.isActive && seen.insert($0.household.id).inserted }
        for c in active {
            items += Self.resurveys(c, policy: policy, asOf: asOf)
            items += Self.gradualExits(c, policy: policy, asOf: asOf)
            items += Self.ageLimits(c, policy: policy, asOf: asOf)
        }
        let byApplication = Dictionary(active.flatMap { c in c.applications.map { ($0.id, c) } }, uniquingKeysWith: { a, _ in a })
        for w in workflows where w.stage == .aidPaidFirst {
            guard let c = byApplication[w.application] else { continue }
            items += Self.aidFirst(w, c, policy: policy)
        }
        for report in AnnualReportWorklist.items(organisations, asOf: asOf, within: max(withinDays, 0)) {
            items.append(DueItem(kind: .annualReport, due: report.report.due, clause: "3.7", household: nil,
                                 village: report.organisation.district, name: report.organisation.name,
                                 detail: "\(report.report.year) 年度报告\(report.statusText)，未报送：催报，收到后 doudi org report"))
        }
        let last = through
        self.items = items.filter { $0.due <= last }.sorted {
            ($0.due, $0.village.value, $0.household?.uuidString ?? "", $0.kind.rawValue, $0.member?.uuidString ?? "")
                < ($1.due, $1.village.value, $1.household?.uuidString ?? "", $1.kind.rawValue, $1.member?.uuidString ?? "")
        }
    }

    /// The items of one kind.
    public func items(_ kind: DueItem.Kind) -> [DueItem] { items.filter { $0.kind == kind } }

    // MARK: - the rules

    static func head(_ c: HouseholdCase) -> Member? {
        c.members.first { $0.relation == .head && $0.personStatus == .normal } ?? c.members.first { $0.relation == .head } ?? c.members.first
    }

    static func item(_ kind: DueItem.Kind, _ c: HouseholdCase, due: Day, clause: String, programme: Programme?,
                     member: Member?, detail: String) -> DueItem {
        let who = member ?? head(c)
        return DueItem(kind: kind, due: due, clause: clause, household: c.household.id, village: c.household.village,
                       programme: programme, member: member?.id, name: who?.name ?? "", residentID: who?.residentID, detail: detail)
    }

    /// Re-survey: one item per household, for the enrolled programme with the shortest interval.
    static func resurveys(_ c: HouseholdCase, policy: PolicyVersion, asOf: Day) -> [DueItem] {
        let month = asOf.yearMonth
        let schedule = policy.workflow.reviewSchedule
        let scheduled = Set(c.enrolments.filter { $0.isActive(in: month) }.map(\.programme))
            .compactMap { p in schedule.resurveyMonths(for: p).map { (programme: p, months: $0) } }
            .sorted { ($0.months, $0.programme) < ($1.months, $1.programme) }
        guard let first = scheduled.first else { return [] }
        let clause = first.programme == .tekun ? "3.2.1" : "3.1.0"
        guard let survey = c.latestSurvey(onOrBefore: asOf) else {
            return [item(.resurvey, c, due: asOf, clause: clause, programme: first.programme, member: nil,
                         detail: "\(first.programme.chineseName)在保户无家庭经济状况调查记录：请入户调查")]
        }
        let due = survey.date.adding(months: first.months)
        return [item(.resurvey, c, due: due, clause: clause, programme: first.programme, member: nil,
                     detail: "上次调查 \(survey.date)，\(first.programme.chineseName)每 \(first.months) 个月复核一次（政策设置）")]
    }

    /// §3.1.5: the last month of a gradual exit, recorded or (not yet recorded) found by the assessment.
    static func gradualExits(_ c: HouseholdCase, policy: PolicyVersion, asOf: Day) -> [DueItem] {
        let month = asOf.yearMonth
        let rule = policy.dibao.gradualExit
        var out: [DueItem] = []
        for e in c.enrolments where e.programme == .dibao && e.isActive(in: month) {
            var phase = e.gradualExitPhase(in: month, surveyMonth: nil, rule: rule)
            if phase == nil, e.member == nil,
               Assessor(policy: policy).assess(c, asOf: asOf).determination(.dibao)?.status == .gradualExit {
                phase = e.gradualExitPhase(in: month, surveyMonth: c.latestSurvey(onOrBefore: asOf)?.date.yearMonth ?? month, rule: rule)
            }
            guard let phase else { continue }
            let window = phase.window
            let recorded = e.gradualExitStart == nil ? "（渐退起始月未登记）" : ""
            let detail = phase.hasEnded
                ? "渐退期 \(window.lowerBound)–\(window.upperBound) 已届满，保障仍在册：请办理退出（enrolment review）\(recorded)"
                : "渐退期 \(window.lowerBound)–\(window.upperBound)，\(window.upperBound) 为最后发放月：请复核后办理退出\(recorded)"
            out.append(item(.gradualExitEnds, c, due: window.upperBound.lastDay, clause: "3.1.5", programme: .dibao,
                            member: e.member.flatMap(c.member), detail: detail))
        }
        return out
    }

    /// §3.2.1, §3.3.2, §3.3.3, §3.1.6: enrolled children reaching an age limit.
    static func ageLimits(_ c: HouseholdCase, policy: PolicyVersion, asOf: Day) -> [DueItem] {
        let month = asOf.yearMonth
        var out: [DueItem] = []
        let limits: [(Programme, Int, DueItem.Kind, String)] = [
            (.tekun, policy.tekun.minorUnder, .tekunMinorAge, "3.2.1"),
            (.orphan, policy.ages.minorUnder, .minorAge, "3.3.2"),
            (.unsupportedChild, policy.ages.minorUnder, .minorAge, "3.3.3"),
            (.classifiedAid, policy.ages.minorUnder, .minorAge, "3.1.6"),
        ]
        for m in c.members where m.personStatus == .normal {
            for (programme, age, kind, clause) in limits {
                guard c.enrolments.contains(where: { e in
                    e.programme == programme && e.isActive(in: month)
                        && (e.member == m.id || e.classifiedAid.contains { $0.member == m.id })
                }) else { continue }
                let birthday = m.birthDate.birthday(age: age)
                // 特困 and classified aid go on for adults on other grounds: only children still under the
                // age are listed; an orphan or unsupported-child allowance still active past it is overdue
                guard m.birthDate.age(on: asOf) < age || programme == .orphan || programme == .unsupportedChild else { continue }
                let what: String = switch programme {
                case .tekun: "年满\(age)周岁，不再属特困供养的未成年人：请复核特困供养条件（残疾等仍可认定）"
                case .classifiedAid: "年满\(age)周岁，分类救助“未成年人”类别结束：请镇复核分类救助档次"
                default: "年满\(age)周岁，\(programme.chineseName)终止：请办理停发"
                }
                out.append(item(kind, c, due: birthday, clause: clause, programme: programme, member: m, detail: what))
            }
        }
        return out
    }

    /// §3.6.4: emergency aid paid first, paperwork due a set number of days after.
    static func aidFirst(_ w: ApplicationWorkflow, _ c: HouseholdCase, policy: PolicyVersion) -> [DueItem] {
        guard let paid = w.history.last(where: { $0.to == .aidPaidFirst }) else { return [] }
        let days = policy.workflow.reviewSchedule.aidFirstPaperworkDays
        let application = c.applications.first { $0.id == w.application }
        let member = application?.member.flatMap(c.member)
        return [item(.aidFirstPaperwork, c, due: paid.day.adding(days: days), clause: "3.6.4", programme: .temporaryAid, member: member,
                     detail: "急难型临时救助 \(paid.day) 已先行救助：请登记救助对象、原因和金额，补齐审核审批手续（\(days) 天内，政策设置）")]
    }
}

extension Day {
    /// The same day `months` later, or the month's last day when it has no such day (01-31 + 1 month → 02-28/29).
    func adding(months: Int) -> Day {
        let m = yearMonth.adding(months: months)
        return Day(unchecked: m.year, m.month, Swift.min(day, m.lastDay.day))
    }

    /// The day a person born on this day reaches `age` (29 February: 1 March in other years, as ``age(on:)`` counts).
    func birthday(age: Int) -> Day {
        let year = self.year + age
        if month == 2 && day == 29 && !Day.isLeap(year) { return Day(unchecked: year, 3, 1) }
        return Day(unchecked: year, month, day)
    }
}
