import Foundation

/// Failed logins per client address, kept in this process's memory.
///
/// One address trying many accounts (or many made-up names) is slowed down like one
/// account: after `addressFreeFailures` failures within the window, each further attempt
/// from it waits 2, 4, 8 … seconds. Unlike an account's count this one is **per process**
/// (two processes behind one address balancer each count their own) and is forgotten when
/// the process restarts; it never locks anything. A village office behind one NAT address
/// shares a count, so the free figure is higher than an account's.
actor AddressThrottle {
    let rule: LoginThrottle
    /// Most addresses remembered; the stalest are forgotten first beyond it.
    let capacity: Int
    private var states: [String: LoginThrottleState] = [:]

    init(rule: LoginThrottle, capacity: Int = 10_000) {
        self.rule = rule; self.capacity = capacity
    }

    /// Seconds the address must still wait before its next attempt, or `nil` when it may try now.
    func wait(for address: String, now: Int64) -> Int64? {
        guard let state = states[address] else { return nil }
        if now - state.lastFailureAt >= rule.configuration.windowSeconds {
            states[address] = nil
            return nil
        }
        return now < state.nextAttemptAt ? state.nextAttemptAt - now : nil
    }

    /// Takes the attempt that is about to be made, when the address is already paying a wait:
    /// of several attempts sent at once, only one passes (the others get ``wait(for:now:)``).
    ///
    /// - Returns: false when another attempt took the slot first.
    func claim(_ address: String, now: Int64) -> Bool {
        guard var state = states[address], now - state.lastFailureAt < rule.configuration.windowSeconds else { return true }
        let free = rule.configuration.addressFreeFailures
        guard rule.wait(afterFailures: state.failures, free: free) > 0 else { return true }
        guard now >= state.nextAttemptAt else { return false }
        state.nextAttemptAt = now + rule.wait(afterFailures: state.failures + 1, free: free)
        states[address] = state
        return true
    }

    /// Counts a failed login from `address` at `atMillis` (milliseconds since 1970).
    func recordFailure(_ address: String, atMillis: Int64) {
        let now = atMillis / 1000
        let previous = states[address]
        let failures = rule.failures(after: previous?.failures ?? 0, lastFailureAt: previous?.lastFailureAt, now: now)
        let next = rule.nextAttempt(after: rule.wait(afterFailures: failures, free: rule.configuration.addressFreeFailures), failedAtMillis: atMillis)
        states[address] = LoginThrottleState(failures: failures, lastFailureAt: now, nextAttemptAt: max(next, previous?.nextAttemptAt ?? 0))
        if states.count > capacity { forgetStalest(now: now) }
    }

    /// Drops addresses whose window has passed, then, if still too many, the oldest half.
    private func forgetStalest(now: Int64) {
        let window = rule.configuration.windowSeconds
        states = states.filter { now - $0.value.lastFailureAt < window }
        guard states.count > capacity else { return }
        let keep = states.sorted { $0.value.lastFailureAt > $1.value.lastFailureAt }.prefix(capacity / 2)
        states = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
