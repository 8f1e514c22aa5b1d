import Foundation

/// What a person (or a script) reads while a sync runs (`doudi sync`): change sets pushed,
/// records pulled, the rate, and the time left — estimated from how far the pull cursor has come
/// towards the server's sequence (``SyncClient/Progress/started(pending:cursor:serverSequence:)``).
///
/// - ``Style/terminal``: one line redrawn in place (`\r`), from the first second on and at most
///   ten times a second; ``finish(now:)`` ends it.
/// - ``Style/lines``: a plain line per batch pushed and per page pulled (a log, a pipe).
/// - ``Style/json``: a JSON object per event, one a line (`--json`: for a script's progress bar).
///
/// ```swift
/// var meter = SyncProgressMeter(style: .lines, now: 0)
/// meter.render(.started(pending: 3, cursor: 0, serverSequence: 9_000), now: 0)     // nil
/// meter.render(.pulled(records: 3_000, cursor: 3_000), now: 1)
/// // "拉取 3000 条记录 pulled (位置 cursor 3000)，3000 条/秒 records/s，约剩 2 秒 left"
/// ```
public struct SyncProgressMeter: Sendable {
    public enum Style: Sendable { case terminal, lines, json }

    public let style: Style
    /// A terminal line is drawn only once the sync has run this long (seconds).
    public static let quietSeconds = 1.0
    let start: Double
    var phaseStart: Double
    var pullFrom: Int64 = 0
    var pullTo: Int64?
    var lastDraw: Double?
    var drawn = false

    /// - Parameter now: seconds on any monotonic clock; every later call uses the same clock.
    public init(style: Style, now: Double) {
        self.style = style; self.start = now; self.phaseStart = now
    }

    /// The text to write to standard error for `event` (without a line end for a terminal, which
    /// redraws its line), or nil when there is nothing to say yet.
    public mutating func render(_ event: SyncClient.Progress, now: Double) -> String? {
        switch event {
        case .started(let pending, let cursor, let serverSequence):
            pullFrom = cursor; pullTo = serverSequence; phaseStart = now
            return style == .json ? Self.json(["event": "started", "pending": pending, "cursor": cursor, "serverSequence": serverSequence]) : nil
        case .pushed(let done, let total):
            let elapsed = max(now - phaseStart, 1e-6)
            let left = done > 0 && total > done ? elapsed * Double(total - done) / Double(done) : nil
            defer { if done >= total { phaseStart = now } }
            switch style {
            case .json:
                return Self.json(["event": "pushed", "done": done, "of": total, "secondsLeft": left.map { Int($0.rounded(.up)) }])
            case .lines:
                return "推送 \(done)/\(total) 个变更集 pushed" + Self.left(left)
            case .terminal:
                return draw("推送 \(done)/\(total) 个变更集 pushed" + Self.left(left), now: now)
            }
        case .pulled(let records, let cursor):
            let elapsed = max(now - phaseStart, 1e-6)
            let rate = Double(records) / elapsed
            var left: Double?
            if let to = pullTo, to > pullFrom, cursor > pullFrom, cursor < to {
                let fraction = Double(cursor - pullFrom) / Double(to - pullFrom)
                left = elapsed * (1 - fraction) / fraction
            }
            let text = "拉取 \(records) 条记录 pulled (位置 cursor \(cursor))，\(Int(rate.rounded())) 条/秒 records/s" + Self.left(left)
            switch style {
            case .json:
                return Self.json(["event": "pulled", "records": records, "cursor": cursor, "recordsPerSecond": Int(rate.rounded()),
                                  "secondsLeft": left.map { Int($0.rounded(.up)) }])
            case .lines: return text
            case .terminal: return draw(text, now: now)
            }
        }
    }

    /// What ends the progress: a line end after a drawn terminal line, else nil.
    public mutating func finish(now: Double) -> String? {
        guard style == .terminal, drawn else { return nil }
        drawn = false
        return "\n"
    }

    /// A terminal redraw: after the quiet second, at most ten a second.
    mutating func draw(_ text: String, now: Double) -> String? {
        guard now - start >= Self.quietSeconds else { return nil }
        if let lastDraw, now - lastDraw < 0.1 { return nil }
        lastDraw = now
        drawn = true
        return "\r\u{1B}[K" + text
    }

    /// `，约剩 N 秒 left`, or nothing while no estimate can be made.
    static func left(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "" }
        let whole = Int(seconds.rounded(.up))
        return whole >= 60 ? "，约剩 \(whole / 60) 分 \(whole % 60) 秒 left" : "，约剩 \(whole) 秒 left"
    }

    /// One JSON object, members sorted, `null` for what is not known.
    static func json(_ members: [String: (any Sendable)?]) -> String {
        let text = members.keys.sorted().map { key -> String in
            guard let member = members[key], let present = member else { return "\"\(key)\":null" }
            let value: String
            switch present {
            case let s as String: value = "\"\(s)\""
            case let n as Int: value = "\(n)"
            case let n as Int64: value = "\(n)"
            default: value = "null"
            }
            return "\"\(key)\":\(value)"
        }
        return "{" + text.joined(separator: ",") + "}"
    }
}
