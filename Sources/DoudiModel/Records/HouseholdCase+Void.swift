import Foundation

/// Voiding (注销) a household or member that is still paid would drop them from the next
/// payment roll without a decision. Payment is stopped first by a stop-payment decision
/// (停保, ``StopPaymentPlan``), which gives every enrolment its last month; then the record
/// may be voided, and the roll pays it through that month and not after (``PaymentRoll``).
///
/// The rule reads no clock: an enrolment without an end is "still paid", one with an end
/// (from 停保, an enrolment review or a gradual exit) is decided. So a laptop whose date is
/// wrong and the server judge a void the same way.
extension HouseholdCase {
    /// Enrolments without an end (no 停保, review or exit has decided their last month). With
    /// `member`, only that person's own.
    public func openEnrolments(member: UUID? = nil) -> [Enrolment] {
        enrolments.filter { $0.end == nil && (member == nil || $0.member == member) }
    }

    /// Checks the household may be voided: every enrolment has a decided end.
    ///
    /// - Throws: ``ModelError`` `still-paid` naming the enrolments and the stop-payment decision to make first.
    public func checkVoid() throws(ModelError) {
        let open = openEnrolments()
        guard open.isEmpty else { throw Self.stillPaid(open, who: "this household", member: nil) }
    }

    /// Checks a member may be voided: every enrolment of the person's own has a decided end.
    ///
    /// - Throws: ``ModelError`` `still-paid` naming the enrolments and the stop-payment decision to make first.
    public func checkVoid(member: UUID) throws(ModelError) {
        let open = openEnrolments(member: member)
        guard open.isEmpty else {
            let name = members.first { $0.id == member }?.name ?? "this member"
            throw Self.stillPaid(open, who: name, member: name)
        }
    }

    /// The refusal of a void of something still paid, naming the enrolments and what to do.
    public static func stillPaid(_ open: [Enrolment], who: String, member: String?) -> ModelError {
        let list = open.map { "\($0.programme.chineseName) from \($0.start)" }.joined(separator: ", ")
        let option = member.map { " --member \($0)" } ?? ""
        return ModelError(.stillPaid, field: "enrolments",
                          "\(who) is still paid (\(list), no last month decided): voiding would drop it from the payment roll without a decision. The town decides 停保 first — `doudi enrolment stop HOUSEHOLD\(option) --reason … --last-month YYYY-MM` (a death: `--died YYYY-MM-DD`) — then void it")
    }
}

extension ModelError.Code {
    /// A record still paid (an enrolment without an end) cannot be voided before a stop-payment decision.
    public static let stillPaid = ModelError.Code(rawValue: "still-paid")
}
