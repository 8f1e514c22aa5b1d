import Foundation

/// The assessment engine: for a household on a day, under the policy version in
/// force, a determination per programme and per person, each with its amount
/// and its explanation citing the clauses of POLICY.md.
///
/// Pure: no clock, no I/O. The village laptop, the town and the district run the
/// same code on the same data and get the same answer.
///
/// ```swift
/// let policy = try book.inForce(on: day)
/// let assessment = Assessor(policy: policy).assess(householdCase, asOf: day)
/// for d in assessment.determinations { print(d.programme.chineseName, d.monthlyAmount) }
/// ```
public struct Assessor: Sendable {
    public let policy: PolicyVersion

    public init(policy: PolicyVersion) { self.policy = policy }

    /// Assesses a validated household case on a day.
    ///
    /// Order matters and follows the policy: 特困 first (it is exclusive with dibao),
    /// then orphans, dibao (household, gradual exit, single-person cases), classified
    /// aid, de-facto unsupported children with their top-up over what dibao or 特困
    /// pays them, the two disability subsidies, price subsidies and temporary aid.
    public func assess(_ householdCase: HouseholdCase, asOf day: Day) -> Assessment {
        let facts = HouseholdFacts(householdCase, policy: policy, asOf: day)
        var result: [Determination] = []
        if case .voided(let reason) = householdCase.household.status {
            result.append(Determination(programme: .dibao, status: .notEligible,
                                        steps: [.init("该户已注销（\(reason)），不予评估")]))
            return Assessment(household: householdCase.household.id, asOf: day, policy: policy.id, determinations: result)
        }
        let tekun = tekunDeterminations(facts)
        result += tekun
        let tekunMembers = Set(tekun.filter { $0.status == .eligible }.compactMap(\.member))
        let orphans = orphanDeterminations(facts)
        result += orphans
        let dibao = dibaoDeterminations(facts, tekunMembers: tekunMembers)
        result += dibao.determinations
        let classified = classifiedAidDeterminations(facts, dibao: dibao)
        result += classified
        result += unsupportedChildDeterminations(facts, dibao: dibao, classified: classified, tekunMembers: tekunMembers,
                                                 orphans: Set(orphans.filter { $0.status == .eligible }.compactMap(\.member)))
        result += disabilityDeterminations(facts, dibao: dibao)
        result += priceSubsidyDeterminations(facts, qualifying: result)
        result += temporaryAidDeterminations(facts, current: result)
        return Assessment(household: householdCase.household.id, asOf: day, policy: policy.id, determinations: result)
    }
}
