import Foundation

/// Voiding (注销) a household or member that is still paid would drop them from the next
/// payment roll without a decision. The payment is stopped first by a stop-payment decision
/// (停保, ``StopPaymentPlan``); then the record may be voided.
extension HouseholdCase {
    /// Enrolments still paid after `month`: no end, or an end after it. With `member`, only
    /// that person's.
    public func enrolmentsPaid(after month: YearMonth, member: UUID? = nil) -> [Enrolment] {
        enrolments.filter { e in (member == nil || e.member == member) && (e.end.map { $0 > month } ?? true) }
    }

    /// Checks the household may be voided on `day`: nothing of it is paid after that month.
    ///
    /// - Throws: ``ModelError`` naming the enrolments and the stop-payment decision to make first.
    public func checkVoid(on day: Day) throws(ModelError) {
        let paid = enrolmentsPaid(after: day.yearMonth)
        guard paid.isEmpty else { throw Self.stillPaid(paid, who: "this household", on: day, member: nil) }
    }

    /// Checks a member may be voided on `day`: none of the person's own enrolments is paid after that month.
    ///
    /// - Throws: ``ModelError`` naming the enrolments and the stop-payment decision to make first.
    public func checkVoid(member: UUID, on day: Day) throws(ModelError) {
        let paid = enrolmentsPaid(after: day.yearMonth, member: member)
        guard paid.isEmpty else {
            let name = members.first { $0.id == member }?.name ?? "this member"
            throw Self.stillPaid(paid, who: name, on: day, member: name)
        }
    }

    private static func stillPaid(_ paid: [Enrolment], who: String, on day: Day, member: String?) -> ModelError {
        let list = paid.map { "\($0.programme.chineseName) \($0.start)–\($0.end?.description ?? "")" }.joined(separator: ", ")
        let option = member.map { " --member \($0)" } ?? ""
        return ModelError(.stillPaid, field: "enrolments",
                          "\(who) is still paid after \(day.yearMonth) (\(list)): voiding would drop it from the payment roll without a decision. The town decides 停保 first — `doudi enrolment stop HOUSEHOLD\(option) --reason … --last-month YYYY-MM` (a death: `--ground 死亡 --died YYYY-MM-DD`) — then void it")
    }
}

extension ModelError.Code {
    /// A record still paid (an enrolment running) cannot be voided before a stop-payment decision.
    public static let stillPaid = ModelError.Code(rawValue: "still-paid")
}
