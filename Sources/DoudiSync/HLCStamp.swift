/// A hybrid-logical-clock stamp: physical milliseconds, a logical counter and the
/// node (device) that made it. Stamps are totally ordered: by time, then counter,
/// then node, so two devices never produce equal stamps.
///
/// Wire form: `{"wallMillis": 1593561600000, "counter": 0, "node": "dev-7f3a"}`.
/// Store form (``text``): a fixed-width string that sorts like the stamp.
public struct HLCStamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z, as the clock saw them.
    public var wallMillis: Int64
    /// Logical counter for events within the same millisecond (or while the wall clock lags).
    public var counter: Int32
    /// The device that made the stamp.
    public var node: String

    public init(wallMillis: Int64, counter: Int32, node: String) {
        self.wallMillis = wallMillis; self.counter = counter; self.node = node
    }

    public static func < (l: HLCStamp, r: HLCStamp) -> Bool {
        (l.wallMillis, l.counter, l.node) < (r.wallMillis, r.counter, r.node)
    }

    /// `000001593561600000-0000000000-node`: sorts as the stamp does.
    public var text: String {
        func pad(_ s: String, _ n: Int) -> String { String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(String(wallMillis), 18))-\(pad(String(counter), 10))-\(node)"
    }

    /// Parses ``text``.
    public init?(text: String) {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let w = Int64(parts[0]), let c = Int32(parts[1]), !parts[2].isEmpty else { return nil }
        self.init(wallMillis: w, counter: c, node: String(parts[2]))
    }

    public var description: String { text }
}

/// The hybrid logical clock of one device (Kulkarni et al., 2014), as a value.
///
/// Pure: the caller passes the physical time in, so tests and merges are
/// deterministic. A stamp never goes backwards, even when the wall clock does,
/// and after ``receive(_:now:)`` every local stamp is later than what was seen.
public struct HybridLogicalClock: Hashable, Sendable, Codable {
    /// The latest stamp issued or seen.
    public private(set) var last: HLCStamp
    /// Remote stamps further ahead of `now` than this are refused (a clock days wrong must not win).
    public var maxDriftMillis: Int64

    /// A clock for `node` that has issued nothing yet.
    public init(node: String, maxDriftMillis: Int64 = 5 * 60 * 1000) {
        last = HLCStamp(wallMillis: 0, counter: 0, node: node)
        self.maxDriftMillis = maxDriftMillis
    }

    /// Restores a clock from its last stamp.
    public init(last: HLCStamp, maxDriftMillis: Int64 = 5 * 60 * 1000) {
        self.last = last; self.maxDriftMillis = maxDriftMillis
    }

    /// A stamp for a local event at physical time `now` (ms).
    public mutating func tick(now: Int64) -> HLCStamp {
        if now > last.wallMillis {
            last = HLCStamp(wallMillis: now, counter: 0, node: last.node)
        } else {
            last = Self.after(wall: last.wallMillis, counter: last.counter, node: last.node)
        }
        return last
    }

    /// The stamp one step after (`wall`, `counter`): the next counter, or the next
    /// millisecond once the counter is spent (it never overflows).
    static func after(wall: Int64, counter: Int32, node: String) -> HLCStamp {
        counter < WireLimits.maxCounter ? HLCStamp(wallMillis: wall, counter: counter + 1, node: node)
            : HLCStamp(wallMillis: wall + 1, counter: 0, node: node)
    }

    /// Takes in a stamp from another node, so that later local stamps order after it.
    ///
    /// - Throws: ``ClockError`` when the remote stamp is more than ``maxDriftMillis``
    ///   ahead of `now`: that device's clock is wrong and it must not win every merge.
    public mutating func receive(_ remote: HLCStamp, now: Int64) throws(ClockError) {
        guard remote.wallMillis <= now + maxDriftMillis else {
            throw ClockError(remote: remote, now: now, maxDriftMillis: maxDriftMillis)
        }
        let wall = max(now, last.wallMillis, remote.wallMillis)
        if wall == last.wallMillis && wall == remote.wallMillis {
            last = Self.after(wall: wall, counter: max(last.counter, remote.counter), node: last.node)
        } else if wall == last.wallMillis {
            last = Self.after(wall: wall, counter: last.counter, node: last.node)
        } else if wall == remote.wallMillis {
            last = Self.after(wall: wall, counter: remote.counter, node: last.node)
        } else {
            last = HLCStamp(wallMillis: wall, counter: 0, node: last.node)
        }
    }
}

/// A stamp too far ahead of the receiver's clock.
public struct ClockError: Error, Hashable, Sendable, CustomStringConvertible {
    public var remote: HLCStamp
    public var now: Int64
    public var maxDriftMillis: Int64
    public var description: String {
        let ahead = remote.wallMillis.subtractingReportingOverflow(now).partialValue / 1000
        return "clock stamp from \(remote.node) is \(ahead) s ahead of this clock (at most \(maxDriftMillis / 1000) s allowed): set that device's date and time correctly, then sync again"
    }
}
