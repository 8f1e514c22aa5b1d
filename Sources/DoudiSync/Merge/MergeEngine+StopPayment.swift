import DoudiModel
import Foundation

extension MergeRun {
    /// A household or member still paid (an enrolment without a decided end) is not voided:
    /// payment is stopped first by a stop-payment decision (停保, DoudiModel's
    /// ``HouseholdCase/checkVoid()`` rule, which reads no clock).
    func requireNotPaid(_ change: Change) throws {
        let household: UUID, member: UUID?
        switch change.entity {
        case .household: household = change.record; member = nil
        case .member:
            guard let h = change.household else { return }
            household = h; member = change.record
        default: return
        }
        var versions: [UUID: RecordVersion] = [:]
        for v in state.enrolments(household: household) { versions[v.record] = v }
        for v in overlay.values where v.entity == .enrolment && v.household == household { versions[v.record] = v }
        let enrolments = versions.values.filter { !$0.isVoided }.compactMap { try? RecordFields.record(Enrolment.self, from: $0.values) }
        let open = enrolments.filter { $0.end == nil && (member == nil || $0.member == member) }.sorted { $0.start < $1.start }
        guard open.isEmpty else {
            throw reject(.validation, change, HouseholdCase.stillPaid(open, who: "the \(change.entity.rawValue)", member: member.map { _ in "MEMBER" }).message)
        }
    }
}
