/// A workflow step that is not allowed: the wrong role, outside the actor's jurisdiction,
/// not from this state, too early, above the town's authority…
///
/// Modelled on `FileSystemError`: an extensible ``Code`` that scripts and the sync
/// protocol can match on, the state and the event that were refused, and a message in
/// English that says what was wrong and what to do instead, e.g.
/// "the public notice runs until 2020-07-07; approve on or after 2020-07-08".
public struct WorkflowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of refusal this is; stable for scripts and the wire.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The stable code, e.g. `notice-period-not-ended`.
        public var rawValue: String
        /// Creates a code; new codes are added as static members.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// The step does not follow from the application's state (e.g. filing a draft).
        public static let illegalTransition = Code(rawValue: "illegal-transition")
        /// The actor's role may not make this step (a collector approving, an auditor acting).
        public static let roleNotAllowed = Code(rawValue: "role-not-allowed")
        /// The application's village is not in the actor's jurisdiction.
        public static let outsideJurisdiction = Code(rawValue: "outside-jurisdiction")
        /// The step is dated before the step it follows.
        public static let dateOutOfOrder = Code(rawValue: "date-out-of-order")
        /// A decision before the public notice has run its full period.
        public static let noticePeriodNotEnded = Code(rawValue: "notice-period-not-ended")
        /// An objection when no public notice is running.
        public static let noticeNotRunning = Code(rawValue: "notice-not-running")
        /// The collective review concluded 不符合: no notice can be posted on it.
        public static let reviewNotFavourable = Code(rawValue: "review-not-favourable")
        /// The collective review's record is malformed (negative counts).
        public static let invalidReview = Code(rawValue: "invalid-review")
        /// The town approving an amount above its authority (§3.6.3).
        public static let exceedsTownAuthority = Code(rawValue: "exceeds-town-authority")
        /// Aid paid first above the reserve-fund draw limit per person (§3.6.5).
        public static let exceedsReserveFundLimit = Code(rawValue: "exceeds-reserve-fund-limit")
        /// A rejection, return or objection without its reason.
        public static let reasonRequired = Code(rawValue: "reason-required")
        /// Aid first (先行救助) on a case that is not emergency (急难型) temporary aid (§3.6.4).
        public static let notEmergencyAid = Code(rawValue: "not-emergency-aid")
        /// A classified-aid tier that does not exist, is set twice, or does not belong here (§3.1.6).
        public static let invalidTier = Code(rawValue: "invalid-tier")
        /// An amount missing, zero or negative.
        public static let invalidAmount = Code(rawValue: "invalid-amount")
        /// A case-by-case (一事一议) decision without its minuted decision (§3.6.2).
        public static let minutesRequired = Code(rawValue: "minutes-required")
        /// Filing an approval made under the special procedure (§4.4) before its public notice is posted.
        public static let noticeNotPosted = Code(rawValue: "notice-not-posted")
    }

    /// What kind of refusal this is.
    public var code: Code
    /// The state the application was in; it is unchanged.
    public var state: ApplicationWorkflow.State
    /// The step that was refused.
    public var event: WorkflowEvent.Kind
    /// What was wrong and what to do.
    public var message: String

    /// Creates a workflow error.
    public init(_ code: Code, state: ApplicationWorkflow.State, event: WorkflowEvent.Kind, _ message: String) {
        self.code = code; self.state = state; self.event = event; self.message = message
    }

    /// `cannot approve it (批准) in state 公示中: <message>`
    public var description: String {
        "cannot \(event.englishName) (\(event.chineseName)) in state \(state.stage.chineseName): \(message)"
    }
}
