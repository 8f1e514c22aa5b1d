import DoudiTestSupport
import Foundation
import Testing

/// `doudi admin` end to end: the district officer's store against a real `doudi-server`.
@Suite("doudi admin end to end (real doudi-server)", .serialized)
struct AdminCommandTests {
    typealias Laptop = SyncEndToEndTests.Laptop

    @Test("The district lists devices and accounts, revokes a lost laptop (which then cannot sync or log in), resets a password, reads the audit log")
    func districtAdministration() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let district = try Laptop("district", user: Users.officer.0, password: Users.officer.1)
        try district.ok("init", "--district", "511011", "--device", "区民政局电脑", "--user", district.user)
        let village = try Laptop("wuxing", user: Users.wuxing.0, password: Users.wuxing.1)
        try village.ok("init", "--village", "511011101201", "--device", "五星村笔记本", "--user", village.user)

        // before logging in: say what to do
        let early = try district.run("admin", "device", "list")
        #expect(early.status == 1 && early.stderr.contains("doudi login"), "\(early.stderr)")
        try district.login(server)
        try village.login(server)
        try village.sync()
        // a village store is not the district's
        let notDistrict = try village.run("admin", "user", "list")
        #expect(notDistrict.status == 1 && notDistrict.stderr.contains("district"), "\(notDistrict.stderr)")

        let devices = try #require(try district.json("admin", "device", "list", "--json") as? [[String: Any]])
        #expect(Set(devices.compactMap { $0["user"] as? String }) == [Users.officer.0, Users.wuxing.0])
        let lost = try #require(devices.first { $0["user"] as? String == Users.wuxing.0 }?["device"] as? String)
        let table = try district.ok("admin", "device", "list")
        #expect(table.contains(lost) && table.contains("正常"), "\(table)")

        let revoked = try district.ok("admin", "device", "revoke", lost)
        #expect(revoked.contains("已吊销") && revoked.contains("lost unless it is recovered"), "\(revoked)")
        let sync = try village.run("sync")
        #expect(sync.status != 0 && sync.stderr.contains("log in again"), "\(sync.stderr)")
        let login = try village.run(["login", "--server", server.url, "--user", village.user], environment: ["DOUDI_PASSWORD": village.password])
        #expect(login.status == 1 && login.stderr.contains("revoked"), "\(login.stderr)")

        let users = try district.ok("admin", "user", "list")
        #expect(users.contains(Users.tuanjie.0) && users.contains("区民政局经办人"), "\(users)")
        let reset = try district.ok("admin", "user", "reset-password", Users.tuanjie.0)
        #expect(reset.contains("One-time password for \(Users.tuanjie.0)"), "\(reset)")
        let state = try #require(try district.json("admin", "user", "list", "--json") as? [[String: Any]])
        #expect(state.first { $0["user"] as? String == Users.tuanjie.0 }?["mustChangePassword"] as? Bool == true)
        // the user logs in with the one-time password: nothing is served until they set their own
        let line = try #require(reset.split(separator: "\n").first { $0.contains("One-time password") })
        let oneTime = try #require(line.split(separator: " ").last.map(String.init))
        let tuanjie = try Laptop("tuanjie", user: Users.tuanjie.0, password: oneTime)
        try tuanjie.ok("init", "--village", "511011101202", "--device", "团结村笔记本", "--user", tuanjie.user)
        try tuanjie.login(server)
        let blocked = try tuanjie.run("sync")
        #expect(blocked.status != 0 && blocked.stderr.contains("password-change-required") && blocked.stderr.contains("account-password"),
                "\(blocked.stderr)")
        let changed = try tuanjie.ok("account-password", "--new-password", "Tuanjie-own-secret-9")
        #expect(changed.contains("账号密码已修改"), "\(changed)")
        try tuanjie.sync()
        let short = try tuanjie.run("account-password", "--new-password", "short")
        #expect(short.status == 1 && short.stderr.contains("10 characters"), "\(short.stderr)")

        let unknown = try district.run("admin", "user", "disable", "nobody")
        #expect(unknown.status == 1 && unknown.stderr.contains("not-found"), "\(unknown.stderr)")

        let audit = try district.ok("admin", "audit", "--limit", "20")
        #expect(audit.contains("吊销设备") && audit.contains("重置密码") && audit.contains("修改密码") && audit.contains(Users.officer.0), "\(audit)")
        let page = try #require(try district.json("admin", "audit", "--device", lost, "--json") as? [String: Any])
        let kinds = (page["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds.contains("device-revoked") && kinds.contains("device-bound") && kinds.contains("login-refused"), "\(kinds)")
    }
}
