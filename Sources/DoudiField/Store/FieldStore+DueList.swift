import DoudiModel
import Foundation

extension FieldStore {
    /// What falls due within `org` in the `withinDays` after `day` (``DueList``): re-surveys,
    /// gradual exits ending, children's birthdays, aid-first paperwork, and for the district the
    /// social organisations' annual reports (§3.7).
    public func dueList(within org: OrgCode, policy: PolicyVersion, asOf day: Day, withinDays: Int) throws -> DueList {
        let open = try cases(at: [.aidPaidFirst]).map(\.workflow).filter { org.contains($0.village) }
        let organisations = org.level == .district ? try socialOrganisations() : []
        return DueList(cases: try householdCases(within: org), workflows: open, policy: policy, asOf: day, withinDays: withinDays, organisations: organisations)
    }
}
