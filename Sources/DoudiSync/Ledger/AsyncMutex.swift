import Foundation

/// A lock for async code: one holder at a time, waiters served in order.
///
/// Stores that run one writing transaction at a time (SQLite, the in-memory fake) hold it
/// for a whole ledger transaction, across its suspension points.
public final class AsyncMutex: @unchecked Sendable {
    private let lock = NSLock()
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Runs `body` while holding the mutex.
    public func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if held { waiters.append(continuation); return false }
                held = true
                return true
            }
            if now { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            if waiters.isEmpty { held = false; return nil }
            return waiters.removeFirst() // the mutex passes to the next waiter, still held
        }
        next?.resume()
    }
}
