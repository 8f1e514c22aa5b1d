import Foundation
import Testing

/// The web console in a real browser: `Tests/Browser/console_round.py` drives headless Chromium
/// (Debian's `chromium` and `chromium-driver`, Selenium from PyPI; `scripts/install-deps`
/// installs them) against a real `doudi-server`, between the village laptop's syncs: the town
/// works a case from the queue to approval in the console and the village laptop sees the
/// decision; the district files it and downloads the dashboard's CSV and the roll.
///
/// Where the browser or Selenium is missing the test is skipped with the reason printed —
/// except in CI (`CI` set), where that is a failure.
@Suite("web console in a real browser (headless Chromium, real doudi-server)", .serialized)
struct ConsoleBrowserTests {
    static var mustRun: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }

    /// Why the browser tests cannot run here, or nil when they can.
    static func missing() -> String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: path) {
            return "\(path) is not installed (apt-get install chromium chromium-driver, or scripts/install-deps)"
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import selenium"]
        probe.standardOutput = FileHandle.nullDevice; probe.standardError = FileHandle.nullDevice
        do { try probe.run(); probe.waitUntilExit() } catch { return "python3 cannot be run: \(error)" }
        return probe.terminationStatus == 0 ? nil : "python3 has no selenium (python3 -m pip install selenium, or scripts/install-deps)"
    }

    /// Runs one part of the browser script; its output is printed, and on failure recorded.
    static func browse(_ part: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Doudi.root.appendingPathComponent("Tests/Browser/console_round.py").path, "--part", part] + arguments
        let log = try Doudi.temporaryDirectory().appendingPathComponent("browser-\(part).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle; process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = try String(contentsOf: log, encoding: .utf8)
        print(output)
        #expect(process.terminationStatus == 0, "the browser's \(part) part failed:\n\(output)", sourceLocation: sourceLocation)
    }

    @Test("a town approver works a case from the queue to approval in the console; the village laptop sees it; the district files it and downloads the roll")
    func townAndDistrictRound() throws {
        if let why = Self.missing() {
            if Self.mustRun { Issue.record("browser tests cannot run: \(why) — in CI this is a failure") } else { print("browser tests skipped: \(why)") }
            return
        }
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)

        let head = Round.id("19550301", "013"), spouse = Round.id("19570402", "024")
        try round.register(address: "五星村5组1号", head: "马大勇", id: head, ["--labour", "部分丧失"],
                           members: [("周秀兰", spouse, "配偶", ["--labour", "完全丧失"])])
        try round.survey(head, incomes: ["经营:200"])
        try round.apply(head, "dibao")
        // a second household whose address carries markup: the console must show it as text
        let other = Round.id("19600512", "035")
        try round.register(address: "五星村<script>window.pwned=1</script>", head: "田小花", id: other, ["--labour", "完全丧失"])
        try round.survey(other)
        try round.apply(other, "dibao")
        try round.village.sync()
        let submitted = try round.village.applications(stage: "submitted")
        let application = try #require(submitted.first { $0.head == "马大勇" }).id
        let markup = try #require(submitted.first { $0.head == "田小花" }).id
        // DOUDI_CONSOLE_SCREENSHOTS=DIR keeps them (the round's folder goes with the test)
        let out = ProcessInfo.processInfo.environment["DOUDI_CONSOLE_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
            ?? round.directory.appendingPathComponent("screenshots")
        let common = ["--server", server.url, "--out", out.path, "--head-name", "马大勇"]

        try Self.browse("town", common + ["--application", application, "--markup-application", markup])

        // the village laptop syncs and sees the town's decision
        try round.village.sync()
        let afterTown = try round.village.applications(stage: nil)
        #expect(afterTown.first { $0.id == application }?.stage == "approved", "the village sees the approval: \(afterTown)")
        #expect(afterTown.first { $0.id == markup }?.stage == "submitted", "the forged form changed nothing")

        try Self.browse("district", common + ["--application", application])
        try round.village.sync()
        #expect(try round.village.applications(stage: nil).first { $0.id == application } == nil, "filed: no longer open on the village laptop")

        for name in ["notice-sheet-print.png", "dashboard.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(name) was written by the browser (\(size) bytes)")
        }
    }

}
