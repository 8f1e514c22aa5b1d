import DoudiTestSupport
import Foundation
import Testing

/// Bundles carried by hand (issue 16, Protocol/SPEC.md §15), end to end: the real `doudi-server`
/// and real `doudi` processes. A village laptop that logged in once sends its work to the server
/// and gets the reply back by files only — carried by the town's laptop — then syncs over the
/// network and equals the server. Tampered, replayed and misdirected bundles are refused with
/// nothing changed; bundles and network syncs mix in both orders.
@Suite("doudi bundle end to end (real doudi-server, files only)", .serialized)
struct BundleEndToEndTests {
    typealias E = SyncEndToEndTests

    /// Reads a `--json` command's object.
    static func object(_ laptop: E.Laptop, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try laptop.run(arguments + ["--json"])
        try #require(r.status == 0, "\(laptop.name): doudi \(arguments.joined(separator: " ")) → \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }

    /// A copy of `file` with one byte flipped, in `folder`.
    static func tampered(_ file: String, in folder: URL, at fraction: Double) throws -> String {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let index = Int(Double(bytes.count - 1) * fraction)
        bytes[index] ^= 0x20
        let url = folder.appendingPathComponent("tampered-\(Int(fraction * 100)).bundle")
        try bytes.write(to: url)
        return url.path
    }

    /// Runs a command that must be refused: exit status 1 and one `doudi: 错误：` line containing `text`.
    static func refused(_ laptop: E.Laptop, _ arguments: [String], saying text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try laptop.run(arguments)
        #expect(r.status == 1, "\(laptop.name): doudi \(arguments.joined(separator: " ")) should be refused: \(r.stdout) \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("doudi: 错误：") && r.stderr.contains(text), "\(laptop.name): \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test("a village's work reaches the server and the reply comes back by files only; tampered, replayed and misdirected bundles are refused; bundles and network syncs mix")
    func roundTripByFiles() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let village = try E.villageALaptop(1), other = try E.villageALaptop(2), town = try E.townLaptop(), villageB = try E.villageBLaptop()
        // once, with a link: each laptop registers its bundle key and learns the server's
        for l in [village, other, town, villageB] { try l.login(server) }
        let stick = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stick) }

        // no link from here on in the village: it registers its ledger and edits a household
        try village.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        try village.ok("household", "edit", E.liuID, "--phone", "13900000003")
        let exported = try Self.object(village, "bundle", "export", "--to", stick.path)
        #expect(exported["changeSets"] as? Int == 11 && exported["left"] as? Int == 0, "\(exported)")
        let bundle = try #require(exported["file"] as? String)
        #expect(bundle.hasPrefix(stick.path) && bundle.hasSuffix(".bundle"))
        // sealed: the stick carries no ID number and no name in clear
        let onStick = try Data(contentsOf: URL(fileURLWithPath: bundle))
        #expect(onStick.range(of: Data(E.liuID.utf8)) == nil && onStick.range(of: Data("刘建国".utf8)) == nil)

        // a changed byte, wherever it is, is refused and applies nothing
        for fraction in [0.01, 0.5, 0.999] {
            try Self.refused(town, ["bundle", "upload", try Self.tampered(bundle, in: stick, at: fraction)], saying: "数据包")
        }
        // a collector of another village cannot carry 五星村's bundle
        try Self.refused(villageB, ["bundle", "upload", bundle], saying: "jurisdiction")
        // the town carries it
        let uploaded = try Self.object(town, "bundle", "upload", bundle, "--to", stick.path)
        #expect(uploaded["accepted"] as? Int == 11 && uploaded["rejected"] as? Int == 0, "\(uploaded)")
        #expect((uploaded["records"] as? Int ?? 0) > 0 && uploaded["hasMore"] as? Bool == false, "\(uploaded)")
        let reply = try #require(uploaded["reply"] as? String)
        // the same bundle again: the same answers, nothing applied twice
        let again = try Self.object(town, "bundle", "upload", bundle, "--to", stick.path)
        #expect(again["accepted"] as? Int == 11 && again["changeSets"] as? Int == 11, "\(again)")
        try town.sync()
        let townHouseholds = try #require(try town.json("household", "list", "--all", "--json") as? [[String: Any]])
        let villageHouseholds = try #require(try village.json("household", "list", "--all", "--json") as? [[String: Any]])
        #expect(townHouseholds.filter { $0["village"] as? String == E.villageA }.count == villageHouseholds.count && villageHouseholds.count >= 5,
                "every household once: \(townHouseholds.count) on the town's laptop, \(villageHouseholds.count) in the village")
        #expect(try town.household(E.liuID)["phone"] as? String == "13900000003")

        // the reply: refused on another laptop, or changed; applied once on its own
        try Self.refused(other, ["bundle", "import", reply], saying: "not this laptop")
        try Self.refused(village, ["bundle", "import", try Self.tampered(reply, in: stick, at: 0.6)], saying: "数据包")
        try Self.refused(village, ["bundle", "import", bundle], saying: "not a reply")
        let imported = try Self.object(village, "bundle", "import", reply)
        #expect(imported["accepted"] as? Int == 11 && imported["pending"] as? Int == 0, "\(imported)")
        #expect((imported["rejected"] as? [Any])?.isEmpty == true && imported["recordsSkipped"] as? Bool == false, "\(imported)")
        let before = try village.records()
        try Self.refused(village, ["bundle", "import", reply], saying: "applied already")
        #expect(try village.records() == before, "a refused reply changes nothing")

        // then the network: nothing left to push, and the laptop equals the server (as the town pulls it)
        let synced = try village.sync()
        #expect(synced["pushed"] as? Int == 0 && synced["pending"] as? Int == 0, "\(synced)")
        #expect(try village.records() == town.records(village: E.villageA))

        // the other order: an edit goes by bundle, but the network gets there first
        try village.ok("household", "edit", E.liuID, "--address", "五星村2组15号附1")
        let second = try #require(try Self.object(village, "bundle", "export", "--to", stick.path)["file"] as? String)
        #expect(try village.sync()["accepted"] as? Int == 1)
        let secondReply = try #require(try Self.object(town, "bundle", "upload", second, "--to", stick.path)["reply"] as? String)
        // the first bundle, uploaded again now that a newer one was applied, is refused: an old file applies nothing
        try Self.refused(town, ["bundle", "upload", bundle], saying: "newer bundle")
        let late = try Self.object(village, "bundle", "import", secondReply)
        #expect(late["alreadyAnswered"] as? Int == 1 && late["accepted"] as? Int == 0, "\(late)")
        #expect(late["recordsSkipped"] as? Bool == true, "the laptop moved on since the bundle left: \(late)")

        // an edit made after the bundle left is not overwritten by the reply
        try village.ok("household", "edit", E.liuID, "--phone", "13900000004")
        let third = try #require(try Self.object(village, "bundle", "export", "--to", stick.path)["file"] as? String)
        try village.ok("household", "edit", E.liuID, "--phone", "13900000005")
        let thirdReply = try #require(try Self.object(town, "bundle", "upload", third, "--to", stick.path)["reply"] as? String)
        let held = try Self.object(village, "bundle", "import", thirdReply)
        #expect(held["accepted"] as? Int == 1 && held["pending"] as? Int == 1, "\(held)")
        #expect((held["heldRecords"] as? Int ?? 0) >= 1, "\(held)")
        #expect(try village.household(E.liuID)["phone"] as? String == "13900000005", "the later edit stands on the laptop")
        try village.sync()
        try town.sync()
        #expect(try town.household(E.liuID)["phone"] as? String == "13900000005")
        #expect(try village.records() == town.records(village: E.villageA))

        // the log of what was carried
        let log = try #require(try Self.object(village, "bundle", "list")["bundles"] as? [[String: Any]])
        #expect(log.filter { $0["direction"] as? String == "out" }.count == 3 && log.filter { $0["direction"] as? String == "in" }.count == 3, "\(log)")
    }

    @Test("a store set up from the server (doudi init --server) carries bundles at once: its key was registered by that first login")
    func initFromServerRegistersTheKey() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try E.Laptop("五星村新笔记本", user: "wuxing.collector", password: "Wuxing-CJ-change-me-3")
        try laptop.ok("init", "--server", server.url, "--user", laptop.user, "--device", "五星村新笔记本")
        let stick = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stick) }
        try laptop.ok("household", "add", "--address", "五星村3组1号", "--head-name", "陈志强", "--head-id", "511011198001010013")
        let bundle = try #require(try Self.object(laptop, "bundle", "export", "--to", stick.path)["file"] as? String)
        // the laptop's own login may carry its own bundle too
        let uploaded = try Self.object(laptop, "bundle", "upload", bundle)
        #expect(uploaded["accepted"] as? Int == 1, "\(uploaded)")
        let imported = try Self.object(laptop, "bundle", "import", try #require(uploaded["reply"] as? String))
        #expect(imported["accepted"] as? Int == 1 && imported["pending"] as? Int == 0, "\(imported)")
        let status = try Self.object(laptop, "status")
        #expect(status["lastBundleExported"] is String && status["lastBundleReply"] is String && status["pending"] as? Int == 0, "\(status)")
    }

    @Test("a store that never logged in with a server key cannot export; the error says to log in once")
    func exportNeedsALogin() throws {
        let village = try E.villageALaptop(1)
        let stick = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stick) }
        try Self.refused(village, ["bundle", "export", "--to", stick.path], saying: "over the network")
        try Self.refused(village, ["bundle", "export", "--to", stick.appendingPathComponent("missing").path], saying: "over the network")
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick.path).isEmpty, "nothing written")
    }
}
