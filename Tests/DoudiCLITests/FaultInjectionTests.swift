import DoudiTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 12: faults between a laptop and the server. A loopback proxy (``FaultProxy``) drops,
/// truncates, delays and holds connections between the real `doudi` and the real
/// `doudi-server`; the laptop is killed -9 mid-push (the server applied the push, the laptop
/// never heard) and mid-pull-apply. After recovery every change set is applied exactly once —
/// the server's sequence moved by exactly the number of change sets made — and the laptops
/// equal the server.
@Suite("Faults between laptop and server: proxy, kill -9", .serialized)
struct FaultInjectionTests {
    typealias Laptop = SyncEndToEndTests.Laptop

    /// A small seeded generator, so a failing run can be repeated.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func login(_ laptop: Laptop, via url: String) throws {
        let r = try laptop.run(["login", "--server", url, "--user", laptop.user], environment: ["DOUDI_PASSWORD": laptop.password])
        try #require(r.status == 0, "\(laptop.name): login → \(r.status): \(r.stderr)")
    }

    static func status(_ laptop: Laptop) throws -> [String: Any] {
        try #require(try laptop.json("status", "--json") as? [String: Any])
    }

    /// Starts `doudi ARGS` on `laptop` without waiting (to kill it).
    static func spawn(_ laptop: Laptop, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try Doudi.executable()
        process.arguments = arguments
        process.currentDirectoryURL = Doudi.root
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_PASSWORD"] = Doudi.storePassword
        for (key, value) in laptop.environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Syncs until a run ends 0 with nothing waiting (at most `attempts` runs); returns how many runs failed.
    @discardableResult
    static func syncUntilDone(_ laptop: Laptop, attempts: Int = 40) throws -> Int {
        var failed = 0
        for _ in 0..<attempts {
            let r = try laptop.run(["sync", "--json"])
            if r.status == 0, try status(laptop)["pending"] as? Int == 0 { return failed }
            failed += 1
        }
        Issue.record("\(laptop.name): still not synced after \(attempts) runs")
        return failed
    }

    @Test("Dropped, refused, truncated and delayed connections, then kill -9 mid-push and mid-pull-apply: every change set applied once, laptops equal the server")
    func faultsThenRecovery() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let proxy = try FaultProxy(upstreamPort: server.port)
        defer { proxy.stop() }

        let a = try SyncEndToEndTests.villageALaptop(1)
        try Self.login(a, via: proxy.url)
        try a.sync()
        let startCursor = try #require(try Self.status(a)["cursor"] as? Int)

        // work made offline: the village ledger (10 households) and a few edits
        try a.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        try a.ok("household", "edit", SyncEndToEndTests.liuID, "--phone", "13900000001")
        try a.ok("member", "edit", SyncEndToEndTests.liuID, "--labour", "部分丧失")
        var made = try #require(try Self.status(a)["pending"] as? Int)
        #expect(made == 12)

        // 1. a flaky link: the first push's answer is lost, then random faults (seeded)
        var random = SplitMix(state: 12)
        // the first pushes and pulls meet each fault for sure, then they come at random
        var planned: [String: [FaultProxy.Fault]] = [
            "POST /v1/push": [.dropAnswer, .truncateAnswer(bytes: 60), .refuse, .delay(milliseconds: 150)],
            "GET /v1/pull": [.truncateAnswer(bytes: 200), .dropAnswer, .refuse],
        ]
        proxy.setSchedule { line in
            if let key = planned.keys.first(where: line.hasPrefix), let next = planned[key]?.first {
                planned[key]?.removeFirst()
                return next
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0: return .refuse
            case 1: return .dropAnswer
            case 2: return .truncateAnswer(bytes: Int.random(in: 0..<400, using: &random))
            case 3: return .delay(milliseconds: Int.random(in: 20..<200, using: &random))
            default: return .pass
            }
        }
        try Self.syncUntilDone(a)
        let faults = proxy.history
        for fault in [FaultProxy.Fault.dropAnswer, .truncateAnswer(bytes: 60), .refuse] {
            #expect(faults.contains { $0.fault == fault && $0.request.hasPrefix("POST /v1/push") }, "\(fault) of a push")
        }
        #expect(faults.contains { $0.fault == .truncateAnswer(bytes: 200) && $0.request.hasPrefix("GET /v1/pull") })

        // 2. kill -9 while the server's answer to a push is held: the server applied it, the laptop never heard
        try a.ok("household", "edit", SyncEndToEndTests.liuID, "--address", "五星村2组15号附2")
        try a.ok("household", "edit", SyncEndToEndTests.liuID, "--phone", "13900000002")
        made += 2
        proxy.setSchedule { $0.hasPrefix("POST /v1/push") ? .hold : .pass }
        let pushing = try Self.spawn(a, ["sync"])
        let held = proxy.wait(seconds: 30) { proxy.held > 0 }
        Self.kill9(pushing)
        proxy.release()
        #expect(held, "the push reached the server before the kill")
        proxy.setSchedule { _ in .pass }
        #expect(try Self.syncUntilDone(a) == 0)
        let afterKill = try Self.status(a)
        #expect(afterKill["pending"] as? Int == 0)
        #expect((afterKill["rejected"] as? [Any])?.isEmpty ?? (afterKill["rejected"] as? Int == 0), "\(afterKill)")

        // every change set once: the scope's sequence moved by exactly the change sets made
        let endCursor = try #require(afterKill["cursor"] as? Int)
        #expect(endCursor - startCursor == made, "sequences \(startCursor) → \(endCursor) for \(made) change sets")

        // 3. a new laptop of the village pulls in small pages and is killed -9 mid-apply, several times
        let b = try SyncEndToEndTests.villageALaptop(2)
        try Self.login(b, via: proxy.url)
        for delay in [0, 15, 40, 90] {
            let before = proxy.history.count
            let pulling = try Self.spawn(b, ["sync", "--page-size", "2"])
            _ = proxy.wait(seconds: 30) { proxy.history.dropFirst(before).contains { $0.request.hasPrefix("GET /v1/pull") } }
            usleep(UInt32(delay) * 1_000)
            Self.kill9(pulling)
        }
        #expect(try Self.syncUntilDone(b) == 0)
        let (inB, inA) = (try b.records(), try a.records())
        if inB != inA {
            let folder = FileManager.default.temporaryDirectory
            try inA.write(to: folder.appendingPathComponent("fault-a.txt"), atomically: true, encoding: .utf8)
            try inB.write(to: folder.appendingPathComponent("fault-b.txt"), atomically: true, encoding: .utf8)
            Issue.record("the new laptop differs from the first: diff \(folder.path)/fault-a.txt \(folder.path)/fault-b.txt")
        }
        #expect(try Self.status(b)["cursor"] as? Int == endCursor)
    }
}
