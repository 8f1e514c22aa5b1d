import DoudiField
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a sync's progress to standard error through a ``SyncProgressMeter``: the sync reports
/// from its own task, so the meter is kept behind a lock.
final class ProgressOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var meter: SyncProgressMeter

    init(style: SyncProgressMeter.Style) {
        meter = SyncProgressMeter(style: style, now: Self.now())
    }

    /// Says `event`, when the meter has something to say.
    func show(_ event: SyncClient.Progress) {
        lock.lock(); defer { lock.unlock() }
        guard let text = meter.render(event, now: Self.now()) else { return }
        write(meter.style == .terminal ? text : text + "\n")
    }

    /// Ends a redrawn terminal line (once: a second call writes nothing).
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if let text = meter.finish(now: Self.now()) { write(text) }
    }

    private func write(_ text: String) {
        fflush(nil)  // every stream: Swift 6 refuses the global `stdout`
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
