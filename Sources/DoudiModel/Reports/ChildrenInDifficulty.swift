import Foundation

/// §3.3.1 困境儿童 (children in difficulty) counted against the district's target
/// (`children.childrenInDifficultyTarget`, 1,450 in 2020).
///
/// The seed gives a target but no definition; Doudi counts, from what the laptop holds, the
/// children in difficulty of the national definition (国发〔2016〕36号: 家庭贫困、自身残疾、
/// 监护缺失) that the district's programmes already identify. A child is a living member
/// (人员状态 正常) under `ages.minorUnder` (18) on the as-of day, of a household not voided,
/// counted **once**, under the first that applies:
///
/// 1. ``Reason/orphan``: an active 孤儿 enrolment (§3.3.2);
/// 2. ``Reason/unsupportedChild``: an active 事实无人抚养儿童 enrolment (§3.3.3);
/// 3. ``Reason/tekun``: the child's own active 特困 enrolment (§3.2.1);
/// 4. ``Reason/dibao``: the household's dibao, or the child's single-person dibao, active (§3.1).
///
/// A child living with a 特困 relative but not on dibao or 特困 themselves is not counted:
/// 特困 support is personal, it says nothing about the rest of the household.
///
/// ```swift
/// let children = ChildrenInDifficulty(cases: cases, policy: policy, asOf: today)
/// print(children.total, "/", children.target, children.shareOfTarget ?? "—")
/// ```
public struct ChildrenInDifficulty: Sendable, Hashable {
    /// Why a child counts, in the order tried.
    public enum Reason: String, CaseIterable, Sendable, Codable {
        case orphan, unsupportedChild, tekun, dibao

        /// The name on the ledger.
        public var chineseName: String {
            switch self {
            case .orphan: "孤儿"
            case .unsupportedChild: "事实无人抚养儿童"
            case .tekun: "特困供养儿童"
            case .dibao: "低保家庭儿童"
            }
        }
    }

    /// Children counted, by reason (each child once).
    public var byReason: [Reason: Int] = [:]
    /// The district's target (§3.3.1): the whole district's, also on a town's ledger.
    public var target: Int
    /// 截至
    public var asOf: Day

    /// Counts the children in difficulty of `cases` (voided households left out; each household once).
    ///
    /// - Parameters:
    ///   - cases: the households to count (a town's, or the district's).
    ///   - policy: the version in force: the minor age and the target.
    ///   - asOf: the day: ages on it, enrolments active in its month.
    public init(cases: [HouseholdCase], policy: PolicyVersion, asOf: Day) {
        target = policy.children.childrenInDifficultyTarget
        self.asOf = asOf
        var seen = Set<UUID>()
        for c in cases where c.household.status.isActive && seen.insert(c.household.id).inserted {
            for m in c.members where m.personStatus == .normal {
                if let reason = Self.reason(of: m, in: c, policy: policy, asOf: asOf) { byReason[reason, default: 0] += 1 }
            }
        }
    }

    /// Why `member` of `householdCase` counts as a child in difficulty on `asOf`, or `nil`.
    public static func reason(of member: Member, in householdCase: HouseholdCase, policy: PolicyVersion, asOf: Day) -> Reason? {
        guard member.personStatus == .normal, member.age(on: asOf) < policy.ages.minorUnder else { return nil }
        let active = householdCase.enrolments.filter { $0.isActive(in: asOf.yearMonth) }
        func own(_ p: Programme) -> Bool { active.contains { $0.programme == p && $0.member == member.id } }
        if own(.orphan) { return .orphan }
        if own(.unsupportedChild) { return .unsupportedChild }
        if own(.tekun) { return .tekun }
        if active.contains(where: { $0.programme == .dibao && ($0.member == nil || $0.member == member.id) }) { return .dibao }
        return nil
    }

    /// Children counted.
    public var total: Int { byReason.values.reduce(0, +) }

    /// The count as a share of the target, e.g. `37.5%` (one decimal, half up); `nil` when the target is 0.
    public var shareOfTarget: String? {
        guard target > 0 else { return nil }
        let tenths = (2 * total * 1000 + target) / (2 * target)
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `困境儿童 12 人（孤儿 2，事实无人抚养儿童 1，特困供养儿童 0，低保家庭儿童 9）`
    public var breakdown: String {
        "困境儿童 \(total) 人（" + Reason.allCases.map { "\($0.chineseName) \(byReason[$0] ?? 0)" }.joined(separator: "，") + "）"
    }
}
