import Foundation

/// What a re-survey means for a household's dibao enrolment (§3.1.0, §3.1.5).
///
/// The town reviews an enrolled household after a re-survey: the assessment on the review
/// day decides whether the benefit goes on (at the new amount, if it changed), enters
/// gradual exit (kept for at most 12 months, then ended), or ends now.
public struct DibaoReview: Hashable, Sendable {
    /// The outcome of a review.
    public enum Outcome: Hashable, Sendable {
        /// The benefit goes on unchanged.
        case unchanged
        /// The benefit goes on at a new monthly amount, from the month after the review.
        case adjusted(from: Money, to: Money)
        /// Gradual exit starts: paid as before from its first month to its last, then ended.
        case gradualExit(ClosedRange<YearMonth>)
        /// The benefit ends with the review month.
        case ended(lastMonth: YearMonth)
    }

    /// The enrolment reviewed, as it stands.
    public var enrolment: Enrolment
    /// The outcome.
    public var outcome: Outcome
    /// The enrolment to write (equal to ``enrolment`` when unchanged).
    public var updated: Enrolment
    /// The assessment's explanation of the dibao finding, with clause ids.
    public var steps: [Determination.Step]
    /// What dibao brings with it and ends with it: the household's classified aid (§3.1.6) and
    /// the living subsidy of its disabled members (§3.4.1), given the same last month.
    public var dependents: [Enrolment] = []

    /// Reviews the household's active household-level dibao enrolment.
    ///
    /// - Throws: ``ModelError`` when the household has no active dibao enrolment in the
    ///   review month.
    public init(householdCase: HouseholdCase, policy: PolicyVersion, on day: Day) throws(ModelError) {
        let month = day.yearMonth
        guard let current = householdCase.activeHouseholdDibao(in: month) else {
            throw ModelError(.unknownReference, field: "enrolment",
                             "household \(householdCase.household.id) has no dibao enrolment active in \(month): nothing to review")
        }
        enrolment = current
        updated = current
        let finding = Assessor(policy: policy).assess(householdCase, asOf: day).determination(.dibao)
        steps = finding?.steps ?? []
        switch finding?.status {
        case .gradualExit?:
            if current.gradualExitStart == nil {
                let surveyMonth = householdCase.latestSurvey(onOrBefore: day)?.date.yearMonth ?? month
                let window = current.gradualExitWindow(surveyMonth: surveyMonth, rule: policy.dibao.gradualExit)
                updated.gradualExitStart = window.lowerBound
                updated.end = window.upperBound
                outcome = .gradualExit(window)
            } else {
                outcome = .unchanged
            }
        case .eligible?:
            let amount = finding?.monthlyAmount ?? current.monthlyAmount
            if amount != current.monthlyAmount {
                // the new amount is paid from the month after the review: end this one, start another
                updated.end = max(month, current.start)
                outcome = .adjusted(from: current.monthlyAmount, to: amount)
            } else {
                outcome = .unchanged
            }
        default:
            // §3.1.5: a recorded gradual exit ends with its window, as the payment roll stops it
            var last = max(month, current.start)
            if let phase = current.gradualExitPhase(in: month, surveyMonth: nil, rule: policy.dibao.gradualExit), phase.hasEnded {
                last = max(phase.window.upperBound, current.start)
            }
            updated.end = last
            outcome = .ended(lastMonth: last)
        }
        if let last = updated.end, current.end != updated.end, !isAdjustment {
            dependents = householdCase.enrolments.filter { e in
                (e.programme == .classifiedAid || e.programme == .disabilityLiving) && e.id != current.id
                    && (e.end.map { $0 > last } ?? true) && e.start <= last
            }.map { e in var e = e; e.end = last; return e }
        }
    }

    private var isAdjustment: Bool { if case .adjusted = outcome { true } else { false } }

    /// For an adjustment: the enrolment that carries the new amount from the month after the review.
    public func successor(id: UUID) -> Enrolment? {
        guard case .adjusted(_, let amount) = outcome, let end = updated.end else { return nil }
        var next = enrolment
        next.id = id; next.start = end.adding(months: 1); next.end = nil; next.monthlyAmount = amount
        return next
    }
}
