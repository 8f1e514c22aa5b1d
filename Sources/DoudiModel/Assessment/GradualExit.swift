import Foundation

/// Where a dibao enrolment stands in its gradual exit (渐退期, §3.1.5) in a month.
///
/// The one place that decides when a gradual exit ends: the assessment
/// (``Assessor``), the enrolment review (``DibaoReview``) and the payment roll
/// (``PaymentRoll``) all ask ``Enrolment/gradualExitPhase(in:surveyMonth:rule:)``.
public enum GradualExitPhase: Hashable, Sendable {
    /// The gradual exit starts later, with `window`.
    case notStarted(window: ClosedRange<YearMonth>)
    /// The `month`-th month (from 1) of `window`: still paid.
    case running(month: Int, window: ClosedRange<YearMonth>)
    /// `window` has passed: the household exits dibao; nothing is paid after its last month.
    case ended(window: ClosedRange<YearMonth>)

    /// The window: first month … last month paid.
    public var window: ClosedRange<YearMonth> {
        switch self {
        case .notStarted(let w), .running(_, let w), .ended(let w): w
        }
    }

    /// True once the window has passed.
    public var hasEnded: Bool { if case .ended = self { true } else { false } }
}

extension Enrolment {
    /// The gradual-exit window (渐退期, §3.1.5): from the start recorded on the enrolment, else
    /// from the month after the re-survey that showed income above the standard, for at most
    /// `rule.maxMonths` months.
    ///
    /// - Parameters:
    ///   - surveyMonth: the month of that re-survey; used only when no start is recorded.
    ///   - rule: the policy version's gradual-exit rule.
    public func gradualExitWindow(surveyMonth: YearMonth, rule: GradualExitRule) -> ClosedRange<YearMonth> {
        let start = gradualExitStart ?? surveyMonth.adding(months: 1)
        return start...start.adding(months: max(rule.maxMonths, 1) - 1)
    }

    /// §3.1.5: where the enrolment stands in its gradual exit in `month`, or `nil` when it has
    /// no recorded start and no re-survey month is given (it is not in gradual exit).
    ///
    /// A start never recorded does not keep a household in gradual exit for ever: the window
    /// runs from the month after the re-survey, and ends after at most `rule.maxMonths` months
    /// like a recorded one.
    ///
    /// ```swift
    /// enrolment.gradualExitPhase(in: try YearMonth(iso: "2020-06"), surveyMonth: nil, rule: policy.dibao.gradualExit)
    /// // .ended(window: 2019-02...2020-01) when the recorded start is 2019-02
    /// ```
    public func gradualExitPhase(in month: YearMonth, surveyMonth: YearMonth?, rule: GradualExitRule) -> GradualExitPhase? {
        guard gradualExitStart != nil || surveyMonth != nil else { return nil }
        let window = gradualExitWindow(surveyMonth: surveyMonth ?? month, rule: rule)
        if month < window.lowerBound { return .notStarted(window: window) }
        if month > window.upperBound { return .ended(window: window) }
        return .running(month: window.lowerBound.months(until: month) + 1, window: window)
    }
}
