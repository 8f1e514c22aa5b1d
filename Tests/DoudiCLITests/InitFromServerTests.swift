import DoudiTestSupport
import Foundation
import Testing

/// `doudi init --server URL --user NAME` against a real `doudi-server`, run from a folder with
/// no `ServerConfig/` (as on a laptop with only `doudi` installed), so that the org units and the
/// policy versions can come from nowhere but the server.
@Suite("doudi init --server (real doudi-server)", .serialized)
struct InitFromServerTests {
    /// A laptop's folder (its `DOUDI_HOME` and working directory) and the account's password.
    struct Laptop {
        let home: URL
        let password: String
        var store: URL { home.appendingPathComponent("doudi.sqlite") }

        init(password: String) throws {
            home = try Doudi.temporaryDirectory()
            self.password = password
        }

        func run(_ arguments: [String], password: String? = nil) throws -> Doudi.Run {
            try Doudi.run(arguments, in: home, environment: ["DOUDI_HOME": home.path, "DOUDI_POLICY": nil, "DOUDI_PASSWORD": password ?? self.password])
        }

        /// Runs with `--json`, requires success, a JSON object alone on standard output.
        func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            let r = try run(arguments + ["--json"])
            try #require(r.status == 0, "doudi \(arguments.joined(separator: " ")) → \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)", sourceLocation: sourceLocation)
        }
    }

    @Test("a collector's laptop: logs in, takes role, village and policy from the server, then records and syncs")
    func collector() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try Laptop(password: "Wuxing-CJ-change-me-3")
        defer { try? FileManager.default.removeItem(at: laptop.home) }
        #expect(!FileManager.default.fileExists(atPath: laptop.home.appendingPathComponent("ServerConfig").path))

        let setUp = try laptop.json(["init", "--server", server.url, "--user", "wuxing.collector", "--device", "五星村笔记本"])
        #expect(setUp["command"] as? String == "init")
        let details = try #require(setUp["details"] as? [String: String])
        #expect(details["role"] == "collector" && details["org"] == "511011101201" && details["user"] == "wuxing.collector", "\(details)")
        #expect(details["server"] == server.url && details["deviceName"] == "五星村笔记本")
        #expect(details["next"]?.contains("doudi household add") == true && details["next"]?.contains("doudi login") == false, "\(details)")
        let counts = try #require(setUp["counts"] as? [String: Int])
        #expect((counts["policyVersions"] ?? 0) >= 1, "the shipped policy arrives from the server: \(counts)")
        #expect((counts["orgUnits"] ?? 0) > 1, "\(counts)")
        #expect(setUp["changeSet"] is NSNull && (setUp["warnings"] as? [Any])?.isEmpty == true, "\(setUp)")

        // the store computes with the pulled policy and syncs without a further login
        let id = Round.id("19660305", "031")
        let added = try laptop.json(["household", "add", "--address", "五星村3组7号", "--head-name", "陈新", "--head-id", id])
        let records = try #require(added["records"] as? [[String: String]])
        #expect(records.contains { $0["kind"] == "household" && $0["short"]?.count == 8 && $0["id"]?.count == 36 }, "\(records)")
        #expect((added["changeSet"] as? [String: Any])?["sequence"] as? Int == 1, "\(added)")
        let synced = try laptop.json(["sync"])
        #expect(synced["accepted"] as? Int == 1, "\(synced)")
        let assessed = try laptop.run(["assess", id, "--as-of", "2026-11-01"])
        #expect(assessed.status == 0, "\(assessed.stderr)")

        // set up once
        let again = try laptop.run(["init", "--server", server.url, "--user", "wuxing.collector"])
        #expect(again.status == 1 && again.stderr.hasPrefix("doudi: 错误：") && again.stderr.contains("already set up"), "\(again.stderr)")
    }

    @Test("a town approver's laptop, named after the host; the next step is the review list")
    func townApprover() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try Laptop(password: "Beimu-SP-change-me-2")
        defer { try? FileManager.default.removeItem(at: laptop.home) }
        let r = try laptop.run(["init", "--server", server.url, "--user", "beimu.approver"])
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("已登录") && r.stdout.contains("511011101") && r.stdout.contains("doudi review list"), "\(r.stdout)")
        #expect(r.stdout.contains(ProcessInfo.processInfo.hostName), "the device is named after the host: \(r.stdout)")
        let status = try laptop.run(["review", "list"])
        #expect(status.status == 0, "\(status.stderr)")
    }

    @Test("a wrong password leaves no store behind and says so in one line; --village with --server is refused")
    func refusals() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try Laptop(password: "Wuxing-CJ-change-me-3")
        defer { try? FileManager.default.removeItem(at: laptop.home) }
        let wrong = try laptop.run(["init", "--server", server.url, "--user", "wuxing.collector", "--json"], password: "not-the-password")
        #expect(wrong.status == 1 && wrong.stdout.isEmpty, "\(wrong.stdout)")
        #expect(wrong.stderr.hasPrefix("doudi: 错误：登录失败") && wrong.stderr.split(separator: "\n").count == 1, "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: laptop.store.path), "no half-made store")

        let both = try laptop.run(["init", "--server", server.url, "--user", "wuxing.collector", "--village", "511011101201"])
        #expect(both.status == 64 && both.stderr.hasPrefix("doudi: 错误：--server"), "\(both.stderr)")
    }

    @Test("a store set up for one user refuses another's login, naming the store's user and what to do")
    func loginAsAnotherUser() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let laptop = try Laptop(password: "Wuxing-CJ-change-me-3")
        defer { try? FileManager.default.removeItem(at: laptop.home) }
        let setUp = try laptop.run(["init", "--village", "511011101201", "--device", "五星村笔记本", "--user", "李会计",
                                    "--policy", Doudi.root.appendingPathComponent("ServerConfig/policy").path])
        try #require(setUp.status == 0, "\(setUp.stderr)")
        let login = try laptop.run(["login", "--server", server.url, "--user", "wuxing.collector"])
        #expect(login.status == 1, "\(login.stdout)")
        #expect(login.stderr.hasPrefix("doudi: 错误：本地数据库是为用户 李会计 建立的") && login.stderr.contains("doudi init --server"), "\(login.stderr)")
    }
}
