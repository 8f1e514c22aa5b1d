import DoudiModel
import Foundation

extension MergeRun {
    /// A household or member still paid is not voided: payment is stopped first by a
    /// stop-payment decision (停保, DoudiModel's ``HouseholdCase/checkVoid(on:)`` rule). The
    /// month is the change set's, judged with a day of slack for the device's clock.
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
        let month = RecordedDay.day(epochMillis: changeSet.stamp.wallMillis).adding(days: RecordedDay.serverTolerance).yearMonth
        let paid = enrolments.filter { e in (member == nil || e.member == member) && (e.end.map { $0 > month } ?? true) }
        guard paid.isEmpty else {
            let list = paid.sorted { $0.start < $1.start }.map { "\($0.programme.chineseName) \($0.start)–\($0.end?.description ?? "")" }.joined(separator: ", ")
            throw reject(.validation, change, "still paid after \(month) (\(list)): the town decides 停保 first (doudi enrolment stop), then the \(change.entity.rawValue) may be voided")
        }
    }
}
