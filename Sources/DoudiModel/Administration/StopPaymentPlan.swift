import Foundation

/// A stop-payment decision (停保) and what it does to the enrolments: the town (or the
/// district) decides, with a reason and the last month paid, that a household's — or one
/// person's — enrolments end.
///
/// Enrolments paid after ``lastMonth`` end with it; one that would only have started after it
/// is withdrawn (voided), never paid. After a death (死亡) the person's enrolments are paid to
/// the end of the month of death; when nobody of the household is left living, the household's
/// own enrolments (its dibao) end the same month. A payment roll then pays through the last
/// month and not after. A household (or member) is voided only once every enrolment has its
/// last month (``HouseholdCase/checkVoid()``), so a void never drops a payee silently.
///
/// ```swift
/// let plan = try StopPaymentPlan(householdCase: c, member: nil, ground: .movedOut, reason: "全户迁往外省",
///                                lastMonth: YearMonth(year: 2026, month: 12), by: approver, on: day, makeID: UUID.init)
/// // plan.decision (a Decision with stopPayment), plan.ended (end = 2026-12), plan.withdrawn
/// ```
public struct StopPaymentPlan: Hashable, Sendable {
    /// The roles that decide a stop of payment: like any decision, the town or the district.
    public static let deciders: Set<Role> = [.townApprover, .districtOfficer]

    /// 停保决定
    public var decision: Decision
    /// Enrolments that end with the last month (their `end` set).
    public var ended: [Enrolment]
    /// Enrolments that had not started by the last month: voided, never paid.
    public var withdrawn: [Enrolment]

    /// The last month paid.
    public var lastMonth: YearMonth { decision.stopPayment?.lastMonth ?? decision.date.yearMonth }

    /// Plans a stop of payment.
    ///
    /// - Parameters:
    ///   - householdCase: The household as it stands, with its enrolments.
    ///   - member: The person whose enrolments end; `nil` for the whole household.
    ///   - ground: 死亡, 迁出 or 其他.
    ///   - reason: 停保原因 (required).
    ///   - lastMonth: The last month paid; for a death, left out or the month of death.
    ///   - dateOfDeath: For ``StopPaymentGround/death``: the day of death, not after `day`.
    ///   - actor: Who decides: a town approver or a district officer.
    ///   - day: The day of the decision.
    ///   - makeID: Makes the decision's id.
    /// - Throws: ``ModelError`` saying what to fix: no reason, a collector deciding, a death
    ///   without its date or in the future, a person not of the household, nothing paid after
    ///   the last month.
    public init(householdCase: HouseholdCase, member: UUID? = nil, ground: StopPaymentGround, reason: String,
                lastMonth: YearMonth? = nil, dateOfDeath: Day? = nil, by actor: Actor, on day: Day,
                makeID: () -> UUID) throws(ModelError) {
        guard Self.deciders.contains(actor.role) else {
            throw ModelError(.notAllowed, field: "role",
                             "停保 is a decision of the town (or the district), like an approval; a \(actor.role.rawValue) reports the case (death, moving out …) to the town, which decides it with `doudi enrolment stop`")
        }
        try requireText(reason, "reason", "停保原因 (the reason payment stops)")
        if let member, !householdCase.members.contains(where: { $0.id == member }) {
            throw ModelError(.unknownReference, field: "member", "\(member) is not a member of this household")
        }
        let last: YearMonth
        if ground == .death {
            guard member != nil else {
                throw ModelError(.missingValue, field: "member", "name the person who died (--member)")
            }
            guard let dateOfDeath else {
                throw ModelError(.missingValue, field: "dateOfDeath", "give the date of death (--died YYYY-MM-DD): payment ends with that month")
            }
            guard dateOfDeath <= day else {
                throw ModelError(.invalidValue, field: "dateOfDeath", "the date of death \(dateOfDeath) is after the day of the decision \(day): check the date")
            }
            if let lastMonth, lastMonth != dateOfDeath.yearMonth {
                throw ModelError(.invalidValue, field: "lastMonth",
                                 "after a death the benefit is paid to the end of the month of death (\(dateOfDeath.yearMonth)), not through \(lastMonth): leave --last-month out")
            }
            last = dateOfDeath.yearMonth
        } else {
            guard let lastMonth else {
                throw ModelError(.missingValue, field: "lastMonth", "give the last month paid (--last-month YYYY-MM)")
            }
            last = lastMonth
        }
        // the person's own enrolments; the household's too when nobody is left living
        let nobodyLeft = ground == .death && !householdCase.members.contains { $0.id != member && $0.personStatus == .normal }
        let concerned = householdCase.enrolments.filter { e in
            member == nil || e.member == member || (nobodyLeft && e.member == nil)
        }
        let paidAfter = concerned.filter { $0.end.map { $0 > last } ?? true }
        guard !paidAfter.isEmpty else {
            let whose = member.flatMap { m in householdCase.members.first { $0.id == m }?.name } ?? "this household"
            throw ModelError(.invalidValue, field: "lastMonth", "no enrolment of \(whose) is paid after \(last): nothing to stop (see `doudi enrolment list`)")
        }
        ended = paidAfter.filter { $0.start <= last }.map { e in
            var e = e
            e.end = last
            if let exit = e.gradualExitStart, exit > last { e.gradualExitStart = nil }
            return e
        }
        withdrawn = paidAfter.filter { $0.start > last }
        let terms = StopPayment(household: householdCase.household.id, member: member, enrolments: paidAfter.map(\.id),
                                lastMonth: last, ground: ground, dateOfDeath: ground == .death ? dateOfDeath : nil)
        decision = Decision(id: makeID(), application: nil, outcome: .approved, reason: reason, decidedBy: actor.user,
                            role: actor.role, org: actor.org, date: day, stopPayment: terms)
        try decision.validate()
    }
}

extension ModelError.Code {
    /// The actor's role may not take this decision.
    public static let notAllowed = ModelError.Code(rawValue: "not-allowed")
}
