import Foundation

/// A value shared by the copies of a store (caches), behind a lock.
final class Cache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    var value: Value? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }

    func clear() { value = nil }
}
