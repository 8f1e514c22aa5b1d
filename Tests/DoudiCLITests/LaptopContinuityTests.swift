import DoudiTestSupport
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The laptop never loses work: a backup restored after more work was synced re-bases with the
/// server; the store, its token and its backups are readable by their owner only; the token is
/// never in the store; `doudi logout` ends the login.
@Suite("doudi backup, restore, logout and owner-only files (real doudi-server)", .serialized)
struct LaptopContinuityTests {
    typealias Laptop = SyncEndToEndTests.Laptop

    // heads of households in Samples/ledger/wuxing-village.csv
    static let zhang = "511011195803040114"
    static let wang = "511011194501150516"
    static let liu = "511011197207210710"
    static let zhao = "511011196812251022"
    static let sun = "511011195008081224"

    static func store(_ l: Laptop) -> URL { l.home.appendingPathComponent("doudi.sqlite") }

    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// The bytes of the store file and its -wal.
    static func storeBytes(_ l: Laptop) throws -> Data {
        var data = try Data(contentsOf: store(l))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: store(l).path + "-wal")) { data.append(wal) }
        return data
    }

    /// The token `doudi login` kept beside the store.
    static func token(_ l: Laptop) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: store(l).path + ".token"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["token"] as? String)
    }

    @Test("a laptop restored from a backup after more work was synced: every edit after the restore is accepted, nothing is lost, exit 0")
    func restoredLaptopRebases() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let l1 = try SyncEndToEndTests.villageALaptop(1)
        try l1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        try l1.login(server)
        try l1.sync()

        // an edit not yet synced, then the backup
        try l1.ok("household", "edit", Self.zhang, "--phone", "13900000001")
        let backup = l1.home.appendingPathComponent("backup-1.doudi")
        let made = try l1.run("backup", "--to", backup.path)
        try #require(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("已备份") && made.stdout.contains("doudi restore"), "\(made.stdout)")
        #expect(Self.mode(backup.path) == 0o600, "a backup is readable by its owner only")
        let again = try l1.run("backup", "--to", backup.path)
        #expect(again.status == 1 && again.stderr.contains("already exists"), "a backup never overwrites silently: \(again.stderr)")

        // more work, synced, then the laptop is lost: its copy is restored from the backup
        try l1.ok("household", "edit", Self.wang, "--phone", "13900000002")
        try l1.ok("household", "edit", Self.liu, "--phone", "13900000003")
        try l1.sync()
        let refused = try l1.run("restore", backup.path)
        #expect(refused.status == 0, "no unsynced work: restored without --force: \(refused.stderr)")
        #expect(refused.stdout.contains("已恢复"), "\(refused.stdout)")
        let status = try #require(try l1.json("status", "--json") as? [String: Any])
        #expect(status["restoredFrom"] as? String == backup.standardizedFileURL.path && status["pending"] as? Int == 1, "\(status)")
        #expect(status["loggedIn"] as? Bool == true, "the token of the same device stays beside the store")

        // a new edit on the restored laptop, made with a number the lost copy already used
        try l1.ok("household", "edit", Self.zhao, "--phone", "13900000004")
        let r = try l1.run("sync", "--json")
        try #require(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((report["rejected"] as? [Any])?.isEmpty == true, "nothing rejected: \(report)")
        #expect(report["accepted"] as? Int == 2, "the backup's pending edit (a duplicate) and the new one: \(report)")
        let restored = try #require(report["restored"] as? [String: Any], "\(report)")
        #expect(restored["serverHighestSequence"] as? Int == 13 && restored["renumbered"] as? Int == 1, "\(restored)")
        #expect(report["pending"] as? Int == 0 && report["setAside"] as? Int == 0)

        // nothing lost: what the lost copy synced came back, and the laptop equals the server
        for (id, phone) in [(Self.zhang, "13900000001"), (Self.wang, "13900000002"), (Self.liu, "13900000003"), (Self.zhao, "13900000004")] {
            #expect(try l1.household(id)["phone"] as? String == phone, "\(id)")
        }
        let l2 = try SyncEndToEndTests.villageALaptop(2)
        try l2.login(server)
        try l2.sync()
        #expect(try l2.records() == l1.records(), "the restored laptop equals the server")
        // and it keeps working
        try l1.ok("household", "edit", Self.sun, "--phone", "13900000005")
        let later = try l1.sync()
        #expect(later["accepted"] as? Int == 1 && (later["rebased"] as? [Any])?.isEmpty == true, "\(later)")
    }

    @Test("restore refuses a store with unsynced work (unless --force) and a file that is not a Doudi store; sync's help states exit status 3")
    func restoreRefusals() throws {
        let help = try Doudi.run("sync", "--help").stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("3 when the sync completed but the server rejected change sets for good") && help.contains("doudi outbox redo"), "\(help)")
        let l1 = try SyncEndToEndTests.villageALaptop(1)
        let backup = l1.home.appendingPathComponent("empty.doudi")
        try l1.ok("backup", "--to", backup.path)
        try l1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")

        let unsynced = try l1.run("restore", backup.path)
        #expect(unsynced.status == 1 && unsynced.stderr.contains("not yet synced") && unsynced.stderr.contains("--force"), "\(unsynced.stderr)")
        #expect((try l1.json("outbox", "--json") as? [String: Any])?["pending"] as? Int == 10, "the store is unchanged")

        let text = l1.home.appendingPathComponent("notes.txt")
        try "not a store".write(to: text, atomically: true, encoding: .utf8)
        let notStore = try l1.run("restore", text.path, "--force")
        #expect(notStore.status == 1 && notStore.stderr.contains("not a Doudi store"), "\(notStore.stderr)")
        let missing = try l1.run("restore", l1.home.appendingPathComponent("nothing.doudi").path)
        #expect(missing.status == 1 && missing.stderr.contains("no file"), "\(missing.stderr)")

        let forced = try l1.run("restore", backup.path, "--force")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect((try l1.json("outbox", "--json") as? [String: Any])?["pending"] as? Int == 0, "the backup's state is back")
    }

    @Test("the store, its -wal, the token file and backups are owner-only; the token is in none of them; a looser store is tightened with a note")
    func ownerOnlyFiles() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let l1 = try SyncEndToEndTests.villageALaptop(1)
        try l1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        try l1.login(server)
        try l1.sync()
        let path = Self.store(l1).path
        #expect(Self.mode(path) == 0o600)
        for companion in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: companion) {
            #expect(Self.mode(companion) == 0o600, "\(companion)")
        }
        #expect(Self.mode(path + ".token") == 0o600)
        let token = try Self.token(l1)
        #expect(token.count >= 20)
        #expect(try Self.storeBytes(l1).range(of: Data(token.utf8)) == nil, "the token is not in the store's bytes")
        let backup = l1.home.appendingPathComponent("b.doudi")
        try l1.ok("backup", "--to", backup.path)
        #expect(try Data(contentsOf: backup).range(of: Data(token.utf8)) == nil, "nor in a backup")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let status = try l1.run("status")
        #expect(status.status == 0 && status.stderr.contains("doudi: note:") && status.stderr.contains("0600"), "\(status.stderr)")
        #expect(Self.mode(path) == 0o600, "tightened on open")

        let out = try l1.run("logout")
        #expect(out.status == 0 && out.stdout.contains("已退出登录"), "\(out.stdout) \(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path + ".token"))
        let notLoggedIn = try l1.run("sync")
        #expect(notLoggedIn.status == 1 && notLoggedIn.stderr.contains("doudi login"), "\(notLoggedIn.stderr)")
        // the server revoked it: the old token no longer pulls
        var request = URLRequest(url: try #require(URL(string: server.url + "/v1/pull?after=0")))
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        #expect(try Self.status(of: request) == 401)
    }

    /// The HTTP status of one request (synchronously, for the test).
    static func status(of request: URLRequest) throws -> Int {
        let box = StatusBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, _ in
            box.set((response as? HTTPURLResponse)?.statusCode ?? 0)
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 30) == .success else { return 0 }
        return box.get()
    }

    final class StatusBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func set(_ v: Int) { lock.withLock { value = v } }
        func get() -> Int { lock.withLock { value } }
    }
}
