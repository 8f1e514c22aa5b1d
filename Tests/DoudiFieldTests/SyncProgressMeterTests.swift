import DoudiField
import Testing

/// What `doudi sync` says while it runs (issue 11: records done, rate and time left; plain lines
/// when not a terminal; JSON with --json), from events with times set by the test.
@Suite("Sync progress: records, rate and time left")
struct SyncProgressMeterTests {
    @Test("Plain lines: each push batch and each page, with the rate and the time left towards the server's sequence")
    func lines() {
        var meter = SyncProgressMeter(style: .lines, now: 0)
        #expect(meter.render(.started(pending: 4, cursor: 1_000, serverSequence: 11_000), now: 0) == nil)
        #expect(meter.render(.pushed(done: 2, of: 4), now: 0.5) == "推送 2/4 个变更集 pushed，约剩 1 秒 left")
        #expect(meter.render(.pushed(done: 4, of: 4), now: 1) == "推送 4/4 个变更集 pushed")
        // the pull phase starts after the last push: a quarter of the way in 2 s → 6 s left
        #expect(meter.render(.pulled(records: 5_000, cursor: 3_500), now: 3) == "拉取 5000 条记录 pulled (位置 cursor 3500)，2500 条/秒 records/s，约剩 6 秒 left")
        #expect(meter.render(.pulled(records: 20_000, cursor: 11_000), now: 9) == "拉取 20000 条记录 pulled (位置 cursor 11000)，2500 条/秒 records/s")
        #expect(meter.finish(now: 9) == nil)
    }

    @Test("No estimate without the server's sequence; minutes past a minute")
    func estimates() {
        var unknown = SyncProgressMeter(style: .lines, now: 0)
        _ = unknown.render(.started(pending: 0, cursor: 0, serverSequence: nil), now: 0)
        #expect(unknown.render(.pulled(records: 100, cursor: 100), now: 1) == "拉取 100 条记录 pulled (位置 cursor 100)，100 条/秒 records/s")
        var long = SyncProgressMeter(style: .lines, now: 0)
        _ = long.render(.started(pending: 0, cursor: 0, serverSequence: 100_000), now: 0)
        #expect(long.render(.pulled(records: 1_000, cursor: 1_000), now: 1)?.hasSuffix("约剩 1 分 39 秒 left") == true)
    }

    @Test("A terminal: quiet for the first second, then one line redrawn at most ten times a second, ended by finish")
    func terminal() {
        var meter = SyncProgressMeter(style: .terminal, now: 0)
        _ = meter.render(.started(pending: 0, cursor: 0, serverSequence: 1_000), now: 0)
        #expect(meter.render(.pulled(records: 100, cursor: 100), now: 0.5) == nil, "a sync shorter than a second says nothing")
        #expect(meter.finish(now: 0.6) == nil)
        let drawn = meter.render(.pulled(records: 300, cursor: 300), now: 1.2)
        #expect(drawn?.hasPrefix("\r\u{1B}[K拉取 300 条记录") == true, "\(drawn ?? "nil")")
        #expect(meter.render(.pulled(records: 310, cursor: 310), now: 1.25) == nil, "at most ten redraws a second")
        #expect(meter.render(.pulled(records: 400, cursor: 400), now: 1.4) != nil)
        #expect(meter.finish(now: 1.5) == "\n")
    }

    @Test("--json: an object per event, members sorted, null where nothing is known")
    func json() {
        var meter = SyncProgressMeter(style: .json, now: 0)
        #expect(meter.render(.started(pending: 2, cursor: 0, serverSequence: nil), now: 0) == #"{"cursor":0,"event":"started","pending":2,"serverSequence":null}"#)
        #expect(meter.render(.pushed(done: 2, of: 2), now: 0.2) == #"{"done":2,"event":"pushed","of":2,"secondsLeft":null}"#)
        #expect(meter.render(.pulled(records: 50, cursor: 50), now: 1.2) == #"{"cursor":50,"event":"pulled","records":50,"recordsPerSecond":50,"secondsLeft":null}"#)
    }
}
