import Foundation

/// The rule that slows down password guessing (SPEC §11): a few failed logins are free,
/// then each further attempt must wait twice as long as the one before, and after
/// ``ServerConfiguration/Throttle/lockoutFailures`` failures the account is locked until a
/// district officer unlocks it.
///
/// It is a pure value: the counts and times come from the store (per account, shared by
/// every server process) or from ``AddressThrottle`` (per client address, per process),
/// and the clock is the caller's.
///
/// ```swift
/// let rule = LoginThrottle(configuration.auth.throttle)
/// rule.wait(afterFailures: 5)   // 2 seconds
/// rule.wait(afterFailures: 7)   // 8 seconds
/// ```
public struct LoginThrottle: Hashable, Sendable {
    public var configuration: ServerConfiguration.Throttle

    public init(_ configuration: ServerConfiguration.Throttle) { self.configuration = configuration }

    /// Seconds a client must wait after its `failures`-th failure in a row before the next
    /// attempt: 0 while failures ≤ `free`, then 2, 4, 8 … up to `maxBackoffSeconds`.
    ///
    /// - Parameter free: failures that cost no wait (the account's or the address's figure).
    public func wait(afterFailures failures: Int, free: Int? = nil) -> Int64 {
        let free = free ?? configuration.freeFailures
        guard failures >= free else { return 0 }
        let exponent = failures - free + 1
        guard exponent < 40 else { return configuration.maxBackoffSeconds }
        return min(Int64(1) << Int64(exponent), configuration.maxBackoffSeconds)
    }

    /// The failure count after one more failure at `now`: the count goes on while failures
    /// come within `windowSeconds` of each other, and starts again at 1 after a quiet window.
    public func failures(after previous: Int, lastFailureAt: Int64?, now: Int64) -> Int {
        guard let lastFailureAt, now - lastFailureAt < configuration.windowSeconds else { return 1 }
        return previous + 1
    }

    /// The account's state after one more failed login at `atMillis` (milliseconds since 1970).
    ///
    /// Times are kept in whole seconds; the next attempt is rounded **up** (``nextAttempt(after:failedAtMillis:)``),
    /// so the wait is never shorter in real time than configured.
    public func recordingFailure(_ state: LoginThrottleState?, atMillis: Int64) -> LoginThrottleState {
        let now = atMillis / 1000
        // a locked account stays locked and its count keeps growing; a quiet window restarts the count
        let count = state?.lockedAt != nil ? (state?.failures ?? 0) + 1
            : failures(after: state?.failures ?? 0, lastFailureAt: state?.lastFailureAt, now: now)
        let locked = state?.lockedAt ?? (count >= configuration.lockoutFailures ? now : nil)
        return LoginThrottleState(failures: count, lastFailureAt: now, nextAttemptAt: nextAttempt(after: wait(afterFailures: count), failedAtMillis: atMillis),
                                  lockedAt: locked)
    }

    /// The account's state after one more failed login in the second `now`.
    public func recordingFailure(_ state: LoginThrottleState?, now: Int64) -> LoginThrottleState {
        recordingFailure(state, atMillis: now * 1000)
    }

    /// The first second a next attempt is taken after a failure at `failedAtMillis` that costs
    /// `wait` seconds: a failure at x.9 s with a wait of 2 s lets the next attempt in at x + 3, not
    /// at x + 2 (1.1 s later); a failure that costs no wait lets it in at once.
    public func nextAttempt(after wait: Int64, failedAtMillis: Int64) -> Int64 {
        let second = failedAtMillis / 1000
        return wait > 0 ? second + wait + (failedAtMillis % 1000 == 0 ? 0 : 1) : second
    }

    /// What the state says of an attempt at `now`, before the password is checked.
    public func verdict(_ state: LoginThrottleState?, now: Int64) -> Verdict {
        guard let state else { return .allowed }
        if let lockedAt = state.lockedAt { return .locked(since: lockedAt) }
        // after a quiet window the count no longer holds
        if now - state.lastFailureAt >= configuration.windowSeconds { return .allowed }
        if now < state.nextAttemptAt { return .wait(seconds: state.nextAttemptAt - now) }
        return .allowed
    }

    /// What becomes of a login attempt before its password is checked.
    public enum Verdict: Hashable, Sendable {
        case allowed
        /// Too soon after the last failure: answer 429 with `Retry-After`.
        case wait(seconds: Int64)
        /// Locked since then: only a district officer can unlock it.
        case locked(since: Int64)
    }

    /// The key an account's failures are kept under: the SHA-256 (hex) of the name typed,
    /// so that a password typed into the user field is never stored, and names that do not
    /// exist are throttled exactly like those that do.
    public static func accountKey(_ name: String) -> String {
        BearerToken.hash("login:" + name)
    }
}

/// Failed logins of one account (or one client address) as counted so far.
public struct LoginThrottleState: Hashable, Sendable {
    /// Failures in a row, within `windowSeconds` of each other.
    public var failures: Int
    /// Seconds since 1970 of the last failure.
    public var lastFailureAt: Int64
    /// No attempt is taken before this (seconds since 1970).
    public var nextAttemptAt: Int64
    /// Set when the account was locked; only an unlock clears it.
    public var lockedAt: Int64?

    public init(failures: Int, lastFailureAt: Int64, nextAttemptAt: Int64, lockedAt: Int64? = nil) {
        self.failures = failures; self.lastFailureAt = lastFailureAt; self.nextAttemptAt = nextAttemptAt; self.lockedAt = lockedAt
    }
}
