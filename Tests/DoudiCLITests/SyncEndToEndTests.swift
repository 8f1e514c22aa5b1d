import DoudiTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// End-to-end sync: the real `doudi-server` on 127.0.0.1 (port 0, a fresh database and
/// configuration in a temporary folder), and real `doudi` stores as separate processes —
/// two laptops of 五星村 (511011101201, the same collector account on two devices), one of
/// 团结村 (511011101202) and the town approver's of 椑木镇 (511011101).
///
/// The bootstrap users and org units are the shipped ones (`ServerConfig/users.json`,
/// `org-units.json`); passwords are hashed with few PBKDF2 rounds so logins are quick.
@Suite("doudi sync end to end (real doudi-server)", .serialized)
struct SyncEndToEndTests {
    // MARK: - the server

    /// A running `doudi-server` on a fresh database in a temporary folder (DoudiTestSupport's
    /// ``ServerProcess``), stopped by `stop()` (call it in a `defer`) or when released.
    typealias Server = ServerProcess

    // MARK: - the laptops

    /// A laptop: its own `DOUDI_HOME`, its store's user, and the account's password.
    final class Laptop {
        let name: String
        let user: String
        let password: String
        let home: URL

        init(_ name: String, user: String, password: String) throws {
            self.name = name; self.user = user; self.password = password
            home = try Doudi.temporaryDirectory()
        }

        deinit { try? FileManager.default.removeItem(at: home) }

        /// The store's password is the account's (`doudi init` protects the store with it).
        var environment: [String: String?] { ["DOUDI_HOME": home.path, "DOUDI_POLICY": nil, "DOUDI_PASSWORD": password] }

        func run(_ arguments: String...) throws -> Doudi.Run { try run(arguments) }

        func run(_ arguments: [String], environment extra: [String: String?] = [:], input: String? = nil) throws -> Doudi.Run {
            try Doudi.run(arguments, environment: environment.merging(extra) { _, new in new }, input: input)
        }

        /// Runs and requires exit status 0; returns standard output.
        @discardableResult
        func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let r = try run(arguments)
            try #require(r.status == 0, "\(name): doudi \(arguments.joined(separator: " ")) → \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
            return r.stdout
        }

        /// Runs a `--json` command and parses its output.
        func json(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
            let r = try run(arguments)
            try #require(r.status == 0, "\(name): doudi \(arguments.joined(separator: " ")) → \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
            return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        }

        func login(_ server: Server) throws {
            let r = try run(["login", "--server", server.url, "--user", user], environment: ["DOUDI_PASSWORD": password])
            try #require(r.status == 0, "\(name): login → \(r.status): \(r.stderr)")
            #expect(r.stdout.contains("已登录") && r.stdout.contains(user) && r.stdout.contains(server.url), "\(r.stdout)")
        }

        /// `doudi sync --json`, required to succeed.
        @discardableResult
        func sync(_ extra: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            let r = try run(["sync", "--json"] + extra)
            try #require(r.status == 0, "\(name): sync → \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], sourceLocation: sourceLocation)
        }

        /// `conflicts list --json` (with `--all` when asked).
        func conflicts(all: Bool = false) throws -> [[String: Any]] {
            let r = try run(["conflicts", "list", "--json"] + (all ? ["--all"] : []))
            try #require(r.status == 0, "\(name): conflicts list → \(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        }

        /// `household list --json` and `household show --json` of every household listed,
        /// optionally only those of one village: what two laptops of one scope must agree on.
        func records(village: String? = nil) throws -> String {
            let list = try #require(try json("household", "list", "--all", "--json") as? [[String: Any]])
            let chosen = list.filter { village == nil || $0["village"] as? String == village }
            var text = try String(decoding: JSONSerialization.data(withJSONObject: chosen, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
            for item in chosen {
                let id = try #require(item["id"] as? String)
                text += "\n" + (try ok("household", "show", id, "--json"))
            }
            return text
        }

        /// The member (in `household show --json`) with this masked ID number.
        func member(_ maskedID: String, of household: String) throws -> [String: Any] {
            let detail = try #require(try json("household", "show", household, "--json") as? [String: Any])
            let members = try #require(detail["members"] as? [[String: Any]])
            return try #require(members.first { $0["residentID"] as? String == maskedID }, "\(name): no member \(maskedID) in \(household)")
        }

        func household(_ reference: String) throws -> [String: Any] {
            let detail = try #require(try json("household", "show", reference, "--json") as? [String: Any])
            return try #require(detail["household"] as? [String: Any])
        }
    }

    static let villageA = "511011101201"  // 五星村
    static let villageB = "511011101202"  // 团结村
    static let town = "511011101"  // 椑木镇

    /// The accounts of `ServerConfig/users.json`.
    static func villageALaptop(_ n: Int) throws -> Laptop {
        let l = try Laptop("五星村笔记本\(n)", user: "wuxing.collector", password: "Wuxing-CJ-change-me-3")
        try l.ok("init", "--village", villageA, "--device", "五星村笔记本\(n)", "--user", l.user)
        return l
    }

    static func villageBLaptop(policy: String? = nil) throws -> Laptop {
        let l = try Laptop("团结村笔记本", user: "tuanjie.collector", password: "Tuanjie-CJ-change-me-4")
        try l.ok("init", "--village", villageB, "--device", "团结村笔记本", "--user", l.user,
                 "--policy", policy ?? Doudi.root.appendingPathComponent("ServerConfig/policy").path)
        return l
    }

    static func townLaptop() throws -> Laptop {
        let l = try Laptop("椑木镇笔记本", user: "beimu.approver", password: "Beimu-SP-change-me-2")
        try l.ok("init", "--town", town, "--role", "townApprover", "--device", "椑木镇笔记本", "--user", l.user)
        return l
    }

    // 刘建国, head of 五星村2组15号 in the sample ledger (labour capacity: full)
    static let liuID = "511011197207210710"
    static let liuMasked = "511011********0710"

    // MARK: - the scenario

    /// The order the laptops first sync in after editing offline.
    enum Order: String, CaseIterable, CustomTestStringConvertible {
        case villageAFirst, townFirstThenReverse
        var testDescription: String { rawValue }
    }

    @Test("village and town laptops edit offline, sync in different orders, and end identical with exactly the expected conflicts",
          arguments: Order.allCases)
    func offlineEditsConverge(order: Order) throws {
        let server = try Server()
        defer { server.stop() }

        let l1 = try Self.villageALaptop(1), l2 = try Self.villageALaptop(2)
        let town = try Self.townLaptop(), vb = try Self.villageBLaptop()

        // laptop 1 loads the ledger and syncs; the others pull it
        try l1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        for l in [l1, l2, town, vb] { try l.login(server) }
        let first = try l1.sync()
        #expect(first["pushed"] as? Int == 10 && first["accepted"] as? Int == 10, "\(first)")
        #expect((first["rejected"] as? [Any])?.isEmpty == true)
        let paged = try l2.run("sync", "--page-size", "3")  // many pages: the pull goes on to the end
        try #require(paged.status == 0, "\(paged.stderr)")
        #expect(paged.stderr.components(separatedBy: "拉取").count > 3, "several pages expected: \(paged.stderr)")
        #expect(paged.stdout.contains("推送 0 个变更集：接受 0，有冲突 0，拒绝 0"), "\(paged.stdout)")
        try town.sync(); try vb.sync()
        #expect(try l2.records() == l1.records())
        #expect(try town.records(village: Self.villageA) == l1.records())
        #expect(try (vb.json("household", "list", "--json") as? [Any])?.isEmpty == true, "village B sees nothing of village A")

        // offline: one household from two sides (different fields, and the same field with different values),
        // and the same person registered in another village
        let liu = try #require(try l1.household(Self.liuID)["id"] as? String)
        try l1.ok("household", "edit", Self.liuID, "--phone", "13900000003")
        try l2.ok("household", "edit", Self.liuID, "--address", "五星村2组15号附1")
        try l1.ok("member", "edit", Self.liuID, "--labour", "部分丧失")
        usleep(5_000)  // laptop 2's edit is the later one, whatever the order of the syncs
        try l2.ok("member", "edit", Self.liuID, "--labour", "完全丧失")
        try vb.ok("household", "add", "--address", "团结村1组1号", "--head-name", "刘建国", "--head-id", Self.liuID)
        let vbHousehold = try #require((try vb.json("household", "list", "--json") as? [[String: Any]])?.first?["id"] as? String)

        let laptops = order == .villageAFirst ? [l1, l2, vb, town] : [town, vb, l2, l1]
        var pushedConflicts = 0
        for l in laptops {
            let report = try l.sync()
            #expect((report["rejected"] as? [Any])?.isEmpty == true, "\(l.name): \(report)")
            #expect(report["pending"] as? Int == 0)
            pushedConflicts += report["acceptedWithConflicts"] as? Int ?? 0
        }
        #expect(pushedConflicts == 2, "one change set with a concurrent edit, one with a duplicate person")
        for l in [l1, l2, vb, town] { try l.sync() }

        // everyone of one scope holds the same records
        let a = try l1.records()
        #expect(try l2.records() == a)
        #expect(try town.records(village: Self.villageA) == a)
        #expect(try town.records(village: Self.villageB) == vb.records())

        // no edit lost: both fields edited on two sides are there, everywhere
        for l in [l1, l2, town] {
            let h = try l.household(liu)
            #expect(h["phone"] as? String == "13900000003", "\(l.name)")
            #expect(h["address"] as? String == "五星村2组15号附1", "\(l.name)")
            #expect(try l.member(Self.liuMasked, of: liu)["labourCapacity"] as? String == "none", "\(l.name): the later edit stands")
        }

        // exactly the expected conflicts, each where its scope reaches
        let inA = try l1.conflicts()
        try #require(inA.count == 1, "\(inA)")
        let edit = inA[0]
        #expect(edit["kind"] as? String == "concurrentEdit")
        #expect(edit["entity"] as? String == "member")
        #expect(edit["field"] as? String == "labourCapacity")
        #expect(edit["kept"] as? String == "none")
        #expect(edit["other"] as? String == "partial", "the losing value is kept in the conflict")
        #expect(edit["status"] as? String == "open")
        let editID = try #require(edit["id"] as? String)
        #expect(try l2.conflicts().map { $0["id"] as? String } == [editID])

        let inB = try vb.conflicts()
        try #require(inB.count == 1, "\(inB)")
        let duplicate = inB[0]
        #expect(duplicate["kind"] as? String == "duplicatePerson")
        #expect(duplicate["village"] as? String == Self.villageB)
        let other = try #require(duplicate["other"] as? [String: Any])
        #expect(other["name"] as? String == "刘建国" && other["household"] as? String == vbHousehold.uppercased())
        #expect(other["residentID"] as? String == Self.liuMasked, "ID numbers are masked in --json")
        #expect(other["voidReason"] is String, "the second registration is parked, not lost")
        // village B is told there is a duplicate for the town to settle, not where (issue 12)
        let kept = try #require(duplicate["kept"] as? [String: Any])
        #expect(kept["registered"] as? String == "elsewhere" && kept["household"] == nil && kept["village"] == nil, "\(kept)")
        #expect(!(duplicate["message"] as? String ?? "").contains(liu.uppercased()))

        let inTown = try town.conflicts()
        let wholeInTown = try #require(inTown.first { $0["kind"] as? String == "duplicatePerson" }?["kept"] as? [String: Any])
        #expect((wholeInTown["household"] as? String)?.lowercased() == liu, "the town sees where the number stands")
        #expect(Set(inTown.compactMap { $0["id"] as? String }) == [editID, try #require(duplicate["id"] as? String)])
        #expect(Set(inTown.compactMap { $0["kind"] as? String }) == ["concurrentEdit", "duplicatePerson"])

        let shown = try town.run("conflicts", "show", String(editID.prefix(8)))
        #expect(shown.status == 0, "\(shown.stderr)")
        for text in ["同一字段并发修改", "劳动能力", "完全丧失劳动能力 (none)", "部分丧失劳动能力 (partial)", String(try #require(edit["recordShortID"] as? String))] {
            #expect(shown.stdout.contains(text), "conflicts show lacks \(text): \(shown.stdout)")
        }
        let shownDuplicate = try vb.run("conflicts", "show", String(try #require(duplicate["shortID"] as? String)))
        #expect(shownDuplicate.status == 0 && shownDuplicate.stdout.contains("同一身份证号重复登记"))
        #expect(!shownDuplicate.stdout.contains(Self.liuID), "an ID number is never printed in full")

        // the town puts the losing value back; the resolution syncs like any action
        let wrongUse = try vb.run("conflicts", "resolve", String(try #require(duplicate["shortID"] as? String)), "--use", "other", "--note", "x")
        #expect(wrongUse.status == 1 && wrongUse.stderr.hasPrefix("doudi: 错误：") && wrongUse.stderr.contains("--use other"), "\(wrongUse.stderr)")
        let note = "经入户核实，劳动能力为部分丧失"
        let resolved = try town.ok("conflicts", "resolve", String(editID.prefix(8)), "--use", "other", "--note", note)
        #expect(resolved.contains("已处理冲突") && resolved.contains("部分丧失"), "\(resolved)")
        #expect(try town.conflicts(all: true).first { $0["id"] as? String == editID }?["status"] as? String == "resolvedHere")
        let again = try town.run("conflicts", "resolve", String(editID.prefix(8)), "--note", "again")
        #expect(again.status == 1 && again.stderr.contains("already resolved"), "\(again.stderr)")

        let sent = try town.sync()
        #expect(sent["pushed"] as? Int == 1 && sent["accepted"] as? Int == 1, "\(sent)")
        for l in [l1, l2, vb, town] { try l.sync() }
        for l in [l1, l2, town] {
            #expect(try l.member(Self.liuMasked, of: liu)["labourCapacity"] as? String == "partial", "\(l.name): the resolution reached it")
            let all = try l.conflicts(all: true)
            let c = try #require(all.first { $0["id"] as? String == editID }, "\(l.name)")
            #expect(c["status"] as? String == "resolved", "\(l.name): \(c)")
            let resolution = try #require(c["resolution"] as? [String: Any], "\(l.name)")
            #expect(resolution["user"] as? String == "beimu.approver")
            #expect(resolution["note"] as? String == note, "the person's note is the audit trail")
        }
        #expect(try l1.conflicts().isEmpty && l2.conflicts().isEmpty)
        #expect(try town.conflicts().map { $0["kind"] as? String } == ["duplicatePerson"], "the duplicate still waits for a person")
        #expect(try l2.records() == l1.records())
        #expect(try town.records(village: Self.villageA) == l1.records())
        #expect(try town.records(village: Self.villageB) == vb.records())

        // the history keeps every version: laptop 1 sees its own phone edit and the merged version from the server
        let history = try #require(try l1.json("history", Self.liuID, "--json") as? [String: Any])
        let versions = try #require(history["versions"] as? [[String: Any]])
        #expect(versions.count >= 3, "\(versions)")
    }

    // MARK: - rejections

    /// A change set the server refuses is set aside with its reason; the change sets after
    /// it still sync, and it is never sent again.
    ///
    /// The refusal: the village laptop holds a policy version the district never published
    /// (effective 2019-01-01, before the server's first), and submits an application dated
    /// 2019 under it. The server replays the submission against its own policy book, finds
    /// no version in force that day and rejects it (`validation`).
    @Test("a rejected change set is set aside with its reason, shows in status and outbox, and the next ones still sync")
    func rejectedChangeSetIsSetAside() throws {
        let server = try Server()
        defer { server.stop() }

        let policies = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: policies) }
        let shipped = try Doudi.shippedPolicy()
        try shipped.write(to: policies.appendingPathComponent("dongxing-2020.json"), atomically: true, encoding: .utf8)
        try Doudi.replacing(shipped, [("\"id\": \"dongxing-2020\"", "\"id\": \"local-2019\""),
                                      ("\"effectiveFrom\": \"2020-01-01\"", "\"effectiveFrom\": \"2019-01-01\"")])
            .write(to: policies.appendingPathComponent("local-2019.json"), atomically: true, encoding: .utf8)

        let vb = try Self.villageBLaptop(policy: policies.path)
        let town = try Self.townLaptop()
        // the password from standard input, as a person types it
        let login = try vb.run(["login", "--server", server.url, "--user", vb.user], environment: ["DOUDI_PASSWORD": nil], input: vb.password + "\n")
        try #require(login.status == 0, "\(login.stderr)")
        try town.login(server)

        let head = FieldCommandsTests.residentID(birth: "19700101", sequence: "031")
        try vb.ok("household", "add", "--address", "团结村2组2号", "--head-name", "周大年", "--head-id", head, "--phone", "13800000009")
        try vb.sync()
        try town.sync()
        try vb.ok("apply", head, "--programme", "dibao", "--summary", "因病致贫", "--date", "2019-06-01", "--submit")
        try vb.ok("household", "edit", head, "--phone", "13800000010")

        let r = try vb.run("sync")
        #expect(r.status == 3, "a sync with a new rejection completes, and says so in its exit status: \(r.stderr)")
        #expect(r.stdout.contains("推送 3 个变更集：接受 2，有冲突 0，拒绝 1"), "\(r.stdout)")
        #expect(r.stdout.contains("application.submit") && r.stdout.contains("validation:") && r.stdout.contains("2019-06-01"), "\(r.stdout)")
        #expect(r.stdout.contains("doudi outbox redo 3") && r.stdout.contains("doudi outbox drop 3"), "how to resolve it: \(r.stdout)")
        #expect(r.stderr.contains("doudi: warning: synced, but the server rejected 1 change set"), "\(r.stderr)")

        let status = try #require(try vb.json("status", "--json") as? [String: Any])
        #expect(status["pending"] as? Int == 0 && status["accepted"] as? Int == 3)
        let rejected = try #require(status["rejected"] as? [[String: Any]])
        try #require(rejected.count == 1, "\(rejected)")
        // the refused submission came back as the server holds it: a draft
        let detail = try #require(try vb.json("household", "show", head, "--json") as? [String: Any])
        #expect((detail["applications"] as? [[String: Any]])?.first?["stage"] as? String == "draft", "\(detail["applications"] ?? "")")
        #expect(rejected[0]["action"] as? String == "application.submit" && rejected[0]["sequence"] as? Int == 3)
        #expect((rejected[0]["reason"] as? String)?.hasPrefix("validation: ") == true, "\(rejected)")
        let human = try vb.ok("status")
        #expect(human.contains("被拒绝 Rejected") && human.contains("提交申请") && human.contains("no policy version is in force"), "\(human)")
        let outbox = try #require(try vb.json("outbox", "--json") as? [String: Any])
        let entries = try #require(outbox["changeSets"] as? [[String: Any]])
        #expect(entries.count == 1 && entries[0]["state"] as? String == "rejected" && (entries[0]["reason"] as? String)?.contains("validation") == true)

        // the change sets after it synced: the town sees the new phone; the rejected one is never sent again
        try town.sync()
        #expect(try town.household(head)["phone"] as? String == "13800000010")
        let again = try vb.sync()
        #expect(again["pushed"] as? Int == 0 && (again["rejected"] as? [Any])?.isEmpty == true, "\(again)")
        #expect(again["setAside"] as? Int == 1, "still set aside, waiting for a decision: \(again)")
        #expect(((try vb.json("status", "--json") as? [String: Any])?["rejected"] as? [Any])?.count == 1)
        try vb.ok("household", "edit", head, "--phone", "13800000011")
        let later = try vb.sync()
        #expect(later["pushed"] as? Int == 1 && later["accepted"] as? Int == 1, "\(later)")

        // resolvable: redone as a new change set (the next number), refused again for the same reason, then dropped
        let redone = try vb.ok("outbox", "redo", "3")
        #expect(redone.contains("已重做 Redone #3") && redone.contains("#6"), "\(redone)")
        let refusedAgain = try vb.run("sync", "--json")
        #expect(refusedAgain.status == 3, "\(refusedAgain.stderr)")
        let history = try #require(try vb.json("outbox", "--all", "--json") as? [String: Any])
        let all = try #require(history["changeSets"] as? [[String: Any]])
        #expect(all.first { $0["sequence"] as? Int == 3 }?["state"] as? String == "superseded")
        #expect((all.first { $0["sequence"] as? Int == 3 }?["resolution"] as? String)?.hasPrefix("redone as #6") == true, "\(all)")
        #expect(all.first { $0["sequence"] as? Int == 6 }?["state"] as? String == "rejected")
        let dropped = try vb.ok("outbox", "drop", "6")
        #expect(dropped.contains("已放弃 Dropped #6"), "\(dropped)")
        let notSetAside = try vb.run("outbox", "drop", "4")
        #expect(notSetAside.status == 1 && notSetAside.stderr.contains("accepted by the server"), "\(notSetAside.stderr)")
        let clean = try vb.sync()
        #expect(clean["setAside"] as? Int == 0)
        #expect((try vb.json("outbox", "--json") as? [String: Any])?["setAside"] as? Int == 0)
    }

    // MARK: - failures and resuming

    @Test("sync fails in one line with what to do (not logged in, wrong password, wrong user, server down) and resumes")
    func failuresAndResume() throws {
        let server = try Server()
        defer { server.stop() }
        let l1 = try Self.villageALaptop(1)
        try l1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")

        let notLoggedIn = try l1.run("sync")
        #expect(notLoggedIn.status == 1 && notLoggedIn.stderr.contains("doudi login"), "\(notLoggedIn.stderr)")
        #expect(notLoggedIn.stderr.split(separator: "\n").count == 1 && notLoggedIn.stderr.hasPrefix("doudi: 错误：本地数据库尚未登录服务器 ("))

        let wrongPassword = try l1.run("login", "--server", server.url, "--user", l1.user, "--password", "wrong")
        #expect(wrongPassword.status == 1 && wrongPassword.stderr.hasPrefix("doudi: 错误：登录失败：用户名或密码错误 (login refused"), "\(wrongPassword.stderr)")
        let wrongUser = try l1.run("login", "--server", server.url, "--user", "tuanjie.collector", "--password", "Tuanjie-CJ-change-me-4")
        #expect(wrongUser.status == 1 && wrongUser.stderr.contains("set up for user wuxing.collector"), "\(wrongUser.stderr)")
        let badURL = try l1.run("login", "--server", "127.0.0.1", "--user", l1.user, "--password", "x")
        #expect(badURL.status != 0 && badURL.stderr.contains("http://HOST:PORT"), "\(badURL.stderr)")

        try l1.login(server)
        try l1.sync()

        // an interrupted pull resumes from its last page: kill a sync after its first page
        let town = try Self.townLaptop()
        try town.login(server)
        let process = Process()
        process.executableURL = try Doudi.executable()
        process.arguments = ["sync", "--page-size", "1"]
        process.currentDirectoryURL = Doudi.root
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_HOME"] = town.home.path
        process.environment = env
        let errFile = town.home.appendingPathComponent("sync-stderr")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline, !((try? String(contentsOf: errFile, encoding: .utf8)) ?? "").contains("拉取") { usleep(1_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let cursor = try #require((try town.json("status", "--json") as? [String: Any])?["cursor"] as? Int)
        #expect(cursor > 0, "the first page was applied with its cursor")
        let resumed = try town.sync()
        let total = try #require((try l1.json("status", "--json") as? [String: Any])?["cursor"] as? Int)
        #expect(resumed["cursor"] as? Int == total)
        #expect(process.terminationReason == .uncaughtSignal, "the sync was to be stopped after its first page")
        if process.terminationReason == .uncaughtSignal {
            // a whole pull is 16 records: 5 households, 10 members, the policy version
            #expect((resumed["pulledRecords"] as? Int ?? .max) < 16, "the resumed sync pulled only what was left: \(resumed)")
        }
        #expect(try town.records(village: Self.villageA) == l1.records())

        // the server goes away: the sync retries, then says what to do; nothing is lost
        let port = server.port
        server.stop()
        try l1.ok("household", "edit", Self.liuID, "--phone", "13900000099")
        let down = try l1.run("sync")
        #expect(down.status == 1, "\(down.stdout)")
        #expect(down.stderr.hasPrefix("doudi: 错误：无法连接服务器 (cannot reach \(server.url)") && down.stderr.contains("run `doudi sync` again"), "\(down.stderr)")
        #expect(((try l1.json("status", "--json") as? [String: Any])?["pending"] as? Int) == 1)

        try server.start(port: port)
        let back = try l1.sync()
        #expect(back["pushed"] as? Int == 1 && back["accepted"] as? Int == 1, "\(back)")
        try town.sync()
        #expect(try town.household(Self.liuID)["phone"] as? String == "13900000099")
    }

    /// A laptop set up after a household was edited pulls the household (last written at
    /// the edit's sequence) after its members (written at the registration's): the store
    /// must still take them.
    @Test("a new laptop pulls households edited after their members were registered")
    func freshLaptopPullsEditedHousehold() throws {
        let server = try Server()
        defer { server.stop() }
        let l1 = try Self.villageALaptop(1)
        try l1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        try l1.login(server)
        try l1.ok("household", "edit", Self.liuID, "--phone", "13900000003")
        try l1.sync()

        let l2 = try Self.villageALaptop(2)
        try l2.login(server)
        // a household edited after its members were registered arrives after them: it must still apply
        let r = try l2.run("sync")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(try l2.records() == l1.records())
    }
}
