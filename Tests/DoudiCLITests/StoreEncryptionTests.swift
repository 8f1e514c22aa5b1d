import DoudiTestSupport
import Foundation
import Testing

/// The laptop store at rest (docs/LAPTOP-SECURITY.md): resident ID numbers, health facts and
/// bank accounts are sealed under a key only the user's password unlocks; `doudi unlock`,
/// `doudi lock`, `doudi password`, and `doudi login` moving the store to the account's password.
@Suite("doudi store encryption at rest", .serialized)
struct StoreEncryptionTests {
    typealias Laptop = SyncEndToEndTests.Laptop

    /// A head of household with a diagnosis and a benefit account: what a stolen laptop must not give away.
    static let headID = "511011196502110312"
    static let diagnosis = "慢性肾衰竭尿毒症期"
    static let account = "6228480012345678"

    /// Fails for each of `secrets` readable in the laptop's store file or its `-wal`.
    static func expectAbsent(_ secrets: [String], in laptop: Laptop, _ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = laptop.home.appendingPathComponent("doudi.sqlite").path
        #expect(FileManager.default.fileExists(atPath: store), sourceLocation: sourceLocation)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: store + suffix) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: store + suffix))
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(when): \(secret) is readable in \(laptop.name)'s \(store + suffix)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test("no ID number, diagnosis or bank account in the store files: after adding, after syncing, after a conflict")
    func storeFilesHoldNoPlaintext() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let l1 = try SyncEndToEndTests.villageALaptop(1), l2 = try SyncEndToEndTests.villageALaptop(2)
        try l1.ok("household", "add", "--address", "五星村4组2号", "--head-name", "王建国", "--head-id", Self.headID,
                  "--health", "重病", "--illness", Self.diagnosis, "--disability", "肢体:2",
                  "--bank", "东兴农商银行", "--account-name", "王建国", "--account-number", Self.account)
        let secrets = [Self.headID, Self.diagnosis, Self.account]
        try Self.expectAbsent(secrets, in: l1, "after adding")

        for l in [l1, l2] { try l.login(server) }
        try l1.sync(); try l2.sync()
        try Self.expectAbsent(secrets, in: l1, "after pushing")
        try Self.expectAbsent(secrets, in: l2, "after pulling")
        #expect(try l2.member("511011********0312", of: Self.headID)["seriousIllness"] as? String == Self.diagnosis)

        // the same illness edited on both laptops offline: a conflict carrying both diagnoses
        let first = "再生障碍性贫血", second = "急性髓系白血病"
        try l1.ok("member", "edit", Self.headID, "--illness", first)
        usleep(5_000)
        try l2.ok("member", "edit", Self.headID, "--illness", second)
        try l1.sync(); try l2.sync(); try l1.sync()
        let conflicts = try l1.conflicts()
        #expect(conflicts.count == 1 && conflicts.first?["kind"] as? String == "concurrentEdit", "\(conflicts)")
        for l in [l1, l2] { try Self.expectAbsent(secrets + [first, second], in: l, "after a conflict") }
        let shown = try l1.ok("conflicts", "show", try #require(conflicts.first?["id"] as? String))
        #expect(shown.contains(first) && shown.contains(second), "the conflict opens with the key: \(shown)")
    }

    @Test("lock, unlock, a wrong password, a locked store's one-line refusal, and a new password")
    func lockUnlockPassword() throws {
        let l = try SyncEndToEndTests.villageALaptop(1)
        try l.ok("household", "add", "--address", "五星村4组2号", "--head-name", "王建国", "--head-id", Self.headID)
        let noPassword: [String: String?] = ["DOUDI_PASSWORD": nil]

        #expect(try l.ok("lock").contains("已锁定"))
        let locked = try l.run(["household", "list"], environment: noPassword)
        #expect(locked.status == 1 && locked.stderr == "doudi: 错误：本地数据库已锁定，请先运行 doudi unlock (the store is locked: run `doudi unlock`)\n", "\(locked.stderr)")
        #expect(try l.run(["member", "edit", Self.headID, "--labour", "部分丧失"], environment: noPassword).stderr
            == "doudi: 错误：本地数据库已锁定，请先运行 doudi unlock (the store is locked: run `doudi unlock`)\n")
        // with DOUDI_PASSWORD set, a command unlocks by itself; a wrong one is named
        let wrongVariable = try l.run(["household", "list"], environment: ["DOUDI_PASSWORD": "Not-the-password-1"])
        #expect(wrongVariable.status == 1 && wrongVariable.stderr.contains("DOUDI_PASSWORD does not unlock this store"), "\(wrongVariable.stderr)")

        let wrong = try l.run(["unlock", "--password-stdin"], environment: noPassword, input: "Not-the-password-1\n")
        #expect(wrong.status == 1 && wrong.stderr.hasPrefix("doudi: 错误：密码错误 (wrong password"), "\(wrong.stderr)")
        let unlocked = try l.run(["unlock", "--password-stdin"], environment: noPassword, input: l.password + "\n")
        #expect(unlocked.status == 0 && unlocked.stdout.contains("已解锁"), "\(unlocked.stderr)")
        #expect(try l.run(["household", "list"], environment: noPassword).stdout.contains("511011********0312"))

        // a new password: the key is re-wrapped; the old password no longer unlocks, the new one does
        let changed = try l.run(["password", "--password-stdin"], environment: noPassword, input: "Wuxing-new-store-9\n")
        #expect(changed.status == 0 && changed.stdout.contains("密码已更换"), "\(changed.stderr)")
        try l.ok("lock")
        #expect(try l.run(["unlock", "--password-stdin"], environment: noPassword, input: l.password + "\n").status == 1)
        #expect(try l.run(["unlock", "--password-stdin"], environment: noPassword, input: "Wuxing-new-store-9\n").status == 0)
        #expect(try l.run(["household", "show", Self.headID], environment: noPassword).status == 0)
        try l.ok("lock")
    }

    @Test("`doudi login` unlocks the store, and moves an unlocked store to the account's (new) password")
    func loginMovesStoreToAccountPassword() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        // a store protected with another password than the account's (as after the account's password changed)
        let l = try Laptop("五星村笔记本", user: "wuxing.collector", password: "Wuxing-CJ-change-me-3")
        let storePassword: [String: String?] = ["DOUDI_PASSWORD": "Old-store-password-1"]
        let initialised = try l.run(["init", "--village", SyncEndToEndTests.villageA, "--device", "五星村笔记本", "--user", l.user], environment: storePassword)
        try #require(initialised.status == 0, "\(initialised.stderr)")
        let login = try l.run(["login", "--server", server.url, "--user", l.user, "--password", l.password], environment: storePassword)
        #expect(login.status == 0 && login.stdout.contains("本地数据库密码已更新"), "\(login.stdout)\(login.stderr)")
        try l.ok("lock")
        let noPassword: [String: String?] = ["DOUDI_PASSWORD": nil]
        #expect(try l.run(["unlock", "--password-stdin"], environment: noPassword, input: "Old-store-password-1\n").status == 1)
        #expect(try l.run(["unlock", "--password-stdin"], environment: noPassword, input: l.password + "\n").status == 0)
        // locked, a login with the account's password unlocks it again
        try l.ok("lock")
        let again = try l.run(["login", "--server", server.url, "--user", l.user, "--password", l.password], environment: noPassword)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try l.run(["household", "list"], environment: noPassword).status == 0)
        try l.ok("lock")
    }
}
