import Foundation
import Testing

/// The web console over plain HTTP against a real `doudi-server` (curl as the browser, its
/// cookie jar as the browser's): statuses, cookies, CSRF, jurisdiction, roles and the API's
/// login throttling, each as a person at a browser meets them.
@Suite("web console over HTTP (real doudi-server, curl)", .serialized)
struct ConsoleHTTPTests {
    /// A browser: curl with a cookie jar of its own.
    struct Browser {
        let server: String
        let jar: URL

        init(_ server: String) throws {
            self.server = server
            jar = try Doudi.temporaryDirectory().appendingPathComponent("cookies")
        }

        struct Answer {
            var status: Int
            var headers: String
            var body: String
            /// The session's CSRF token, from the page's logout form.
            var csrf: String? { Browser.value(of: "csrf", in: body) }
            var location: String? {
                headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }
                    .map { String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces) }
            }
            func cookie(_ name: String) -> String? {
                headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: \(name.lowercased())=") }.map(String.init)
            }
        }

        /// One request (no redirect followed); a form's fields are sent url-encoded.
        /// `multipart`: a form with a file (`name=@path` sends the file).
        func request(_ method: String = "GET", _ path: String, form: [(String, String)]? = nil, multipart: [(String, String)]? = nil) throws -> Answer {
            var arguments = ["-s", "-i", "-X", method, "-b", jar.path, "-c", jar.path, server + path]
            for (name, value) in form ?? [] { arguments += ["--data-urlencode", "\(name)=\(value)"] }
            for (name, value) in multipart ?? [] { arguments += ["-F", "\(name)=\(value)"] }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["curl"] + arguments
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            let parts = text.components(separatedBy: "\r\n\r\n")
            let head = parts.first ?? ""
            let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
            return Answer(status: status, headers: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
        }

        /// Signs in through the login form; answers the POST's answer.
        @discardableResult
        func signIn(_ user: String, _ password: String) throws -> Answer {
            let page = try request("GET", "/console/login")
            let token = try #require(Browser.value(of: "csrf", in: page.body))
            return try request("POST", "/console/login", form: [("csrf", token), ("user", user), ("password", password)])
        }

        static func value(of field: String, in html: String) -> String? {
            guard let range = html.range(of: "name=\"\(field)\" value=\"") else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    static var curl: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") }

    @Test("login: the form's own token, wrong passwords, a village collector, the session cookie's attributes; logout ends it")
    func login() throws {
        guard Self.curl else { print("console HTTP tests skipped: curl is not installed (scripts/install-deps installs it)"); return }
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let browser = try Browser(server.url)

        let page = try browser.request("GET", "/console/login")
        #expect(page.status == 200 && page.body.contains("id=\"login-form\""))
        let loginCookie = try #require(page.cookie("doudi_login"))
        #expect(loginCookie.contains("HttpOnly") && loginCookie.contains("SameSite=Strict"), "\(loginCookie)")
        #expect(page.headers.contains("Content-Security-Policy: default-src 'none'"), "no script or outside asset may load")
        #expect(page.headers.lowercased().contains("cache-control: no-store"))

        // a login posted without the form's token (another site's form) is refused
        let forged = try Browser(server.url).request("POST", "/console/login", form: [("csrf", "x"), ("user", "beimu.approver"), ("password", "Beimu-SP-change-me-2")])
        #expect(forged.status == 403 && forged.body.contains("登录表单已失效"), "\(forged.status) \(forged.body.prefix(300))")

        let wrong = try browser.signIn("beimu.approver", "not-the-password")
        #expect(wrong.status == 401 && wrong.body.contains("用户名或密码错误"), "\(wrong.status)")
        #expect(wrong.cookie("doudi_session") == nil)

        let collector = try Browser(server.url).signIn("wuxing.collector", "Wuxing-CJ-change-me-3")
        #expect(collector.status == 403 && collector.body.contains("离线笔记本"), "village collectors keep their laptops: \(collector.status)")

        let signedIn = try browser.signIn("beimu.approver", "Beimu-SP-change-me-2")
        #expect(signedIn.status == 303 && signedIn.location == "/console/towns/511011101", "\(signedIn.status) \(signedIn.headers)")
        let session = try #require(signedIn.cookie("doudi_session"))
        #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/") && !session.contains("Secure"),
                "\(session)")
        let queue = try browser.request("GET", "/console/towns/511011101")
        #expect(queue.status == 200 && queue.body.contains("椑木镇 待办"))
        let unknown = try browser.request("GET", "/console/no/such/page")
        #expect(unknown.status == 404 && unknown.body.contains("没有这个页面"), "the console's own 404 page: \(unknown.status)")

        let csrf = try #require(queue.csrf)
        #expect(try browser.request("POST", "/console/logout", form: [("csrf", "forged")]).status == 403, "logout needs the token too")
        let out = try browser.request("POST", "/console/logout", form: [("csrf", csrf)])
        #expect(out.status == 303 && out.location == "/console/login")
        let after = try browser.request("GET", "/console/towns/511011101")
        #expect(after.status == 303 && after.location?.hasPrefix("/console/login") == true, "the session ended: \(after.status)")
        // the copy's token was revoked at the last logout: the next sign-in logs the copy in again
        #expect(try browser.signIn("beimu.approver", "Beimu-SP-change-me-2").status == 303)
        #expect(try browser.request("GET", "/console/towns/511011101").status == 200)
    }

    @Test("jurisdiction and role: another town 403, a code that is no town 404, the district's pages 403 to a town; a form without the token writes nothing")
    func authorisation() throws {
        guard Self.curl else { print("console HTTP tests skipped: curl is not installed"); return }
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let town = try Browser(server.url)
        try town.signIn("beimu.approver", "Beimu-SP-change-me-2")

        #expect(try town.request("GET", "/console/towns/511011102").status == 403, "高梁镇 is not 椑木镇's")
        #expect(try town.request("GET", "/console/towns/511011102/roll.csv").status == 403)
        #expect(try town.request("GET", "/console/towns/511011").status == 404, "a district code is not a town")
        #expect(try town.request("GET", "/console/dashboard").status == 403, "the dashboard is the district's")
        #expect(try town.request("GET", "/console/cases/00000000-0000-0000-0000-000000000000").status == 404)

        let fund = try town.request("GET", "/console/towns/511011101/reserve-fund")
        #expect(fund.status == 200 && fund.body.contains("余额") && !fund.body.contains("id=\"fund-form\""), "a town cannot allocate")
        let csrf = try #require(fund.csrf)
        let noToken = try town.request("POST", "/console/towns/511011101/reserve-fund", form: [("kind", "allocation"), ("amount", "1000")])
        #expect(noToken.status == 403 && noToken.body.contains("表单已失效"))
        let notTheirs = try town.request("POST", "/console/towns/511011101/reserve-fund", form: [("csrf", csrf), ("kind", "allocation"), ("amount", "1000")])
        #expect(notTheirs.status == 403, "only the district allocates: \(notTheirs.status) \(notTheirs.body.prefix(200))")

        let district = try Browser(server.url)
        try district.signIn("district.officer", "Dongxing-MZJ-change-me-1")
        let page = try district.request("GET", "/console/towns/511011101/reserve-fund")
        let token = try #require(page.csrf), entry = try #require(Browser.value(of: "entry", in: page.body))
        let bad = try district.request("POST", "/console/towns/511011101/reserve-fund",
                                       form: [("csrf", token), ("entry", entry), ("kind", "allocation"), ("amount", "12元3角")])
        #expect(bad.status == 400 && bad.body.contains("金额有误"), "\(bad.status)")
        let allocation = [("csrf", token), ("entry", entry), ("kind", "allocation"), ("amount", "84,000"), ("date", "2026-11-02"), ("note", "按人口预拨")]
        let allocated = try district.request("POST", "/console/towns/511011101/reserve-fund", form: allocation)
        #expect(allocated.status == 303)
        let after = try district.request("GET", "/console/towns/511011101/reserve-fund")
        #expect(after.body.contains("84000.00") && after.body.contains("已登记备用金预拨"), "\(after.body.prefix(2000))")
        // the same form again (a reload, a double click): recorded once
        #expect(try district.request("POST", "/console/towns/511011101/reserve-fund", form: allocation).status == 303)
        let again = try district.request("GET", "/console/towns/511011101/reserve-fund").body
        #expect(again.contains("已经登记过了") && again.components(separatedBy: "84000.00").count == 3, "one entry and the balance, not two entries")
        // the town sees the district's allocation after its copy syncs
        let seen = try town.request("GET", "/console/towns/511011101/reserve-fund")
        #expect(seen.body.contains("84000.00"), "the town's copy pulled the allocation")
    }

    @Test("the API's login throttling holds in the console, per account")
    func throttled() throws {
        guard Self.curl else { print("console HTTP tests skipped: curl is not installed"); return }
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let browser = try Browser(server.url)
        for _ in 0..<5 { #expect(try browser.signIn("district.auditor", "wrong").status == 401) }
        let sixth = try browser.signIn("district.auditor", "wrong")
        #expect(sixth.status == 403 && sixth.body.contains("登录失败次数过多"), "\(sixth.status) \(sixth.body.prefix(400))")
        let right = try browser.signIn("district.auditor", "Dongxing-SJ-change-me-5")
        #expect(right.status == 403, "the right password waits its turn too")
    }

    @Test("the district administers users and devices and publishes a price subsidy; a town approver may not")
    func administration() throws {
        guard Self.curl else { print("console HTTP tests skipped: curl is not installed"); return }
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let town = try Browser(server.url)
        try town.signIn("beimu.approver", "Beimu-SP-change-me-2")
        #expect(try town.request("GET", "/console/users").status == 403)
        #expect(try town.request("GET", "/console/policy").status == 403)

        let district = try Browser(server.url)
        try district.signIn("district.officer", "Dongxing-MZJ-change-me-1")
        let page = try district.request("GET", "/console/users")
        #expect(page.status == 200 && page.body.contains("tuanjie.collector") && page.body.contains("web-"), "users, and the town's console device")
        let csrf = try #require(page.csrf)
        #expect(try district.request("POST", "/console/users/tuanjie.collector/disable", form: [("csrf", "forged")]).status == 403)
        #expect(try district.request("POST", "/console/users/tuanjie.collector/disable", form: [("csrf", csrf)]).status == 303)
        let after = try district.request("GET", "/console/users")
        #expect(after.body.contains("已停用 tuanjie.collector"), "the flash says so")
        #expect(try Browser(server.url).signIn("tuanjie.collector", "Tuanjie-CJ-change-me-4").status == 403, "a disabled user cannot sign in")
        let reset = try district.request("POST", "/console/users/tuanjie.collector/reset-password", form: [("csrf", csrf)])
        #expect(reset.status == 303)
        #expect(try district.request("GET", "/console/users").body.contains("一次性密码"), "the one-time password is shown once")
        let own = try district.request("POST", "/console/users/district.officer/reset-password", form: [("csrf", csrf)])
        #expect(own.status == 400 && own.body.contains("修改密码"), "one's own password is changed, not reset: \(own.status)")

        // the town's console device revoked (as if lost): its sessions end, and signing in again makes a new copy
        let devices = try district.request("GET", "/console/users").body
        let webDevice = try #require(devices.firstMatch(of: /<td>(web-[0-9a-f]+)<\/td><td>beimu\.approver<\/td>/)?.1)
        #expect(try district.request("POST", "/console/devices/\(webDevice)/revoke", form: [("csrf", csrf)]).status == 303)
        #expect(try town.request("GET", "/console/towns/511011101").location?.hasPrefix("/console/login") == true, "the revoked copy's session ended")
        let again = try town.signIn("beimu.approver", "Beimu-SP-change-me-2")
        #expect(again.status == 303 && again.location == "/console/towns/511011101", "\(again.status) \(again.body.prefix(400))")
        #expect(try town.request("GET", "/console/towns/511011101").status == 200, "a new working copy serves the approver")

        let policy = try district.request("GET", "/console/policy")
        #expect(policy.status == 200 && policy.body.contains("dongxing-2020"))
        let published = try district.request("POST", "/console/policy/subsidy", form: [
            ("csrf", csrf), ("version", "dongxing-2026-12-subsidy"), ("title", "2026年12月价格临时补贴"), ("from", "2026-12"),
            ("through", "2026-12"), ("amount", "30"), ("groups", "dibao"), ("groups", "tekun"),
        ])
        #expect(published.status == 303, "\(published.status) \(published.body.prefix(500))")
        let versions = try district.request("GET", "/console/policy").body
        #expect(versions.contains("dongxing-2026-12-subsidy") && versions.contains("每人每月 30.00 元"), "\(versions.prefix(3000))")
        let noGroups = try district.request("POST", "/console/policy/subsidy", form: [
            ("csrf", csrf), ("version", "x"), ("title", "x"), ("from", "2027-01"), ("through", "2027-01"), ("amount", "30"),
        ])
        #expect(noGroups.status == 400 && noGroups.body.contains("请选择发放对象"))

        // what a draft standard of 400 would do (nothing published)
        let draft = try Doudi.replacing(try Doudi.shippedPolicy(), [("\"id\": \"dongxing-2020\"", "\"id\": \"dongxing-2027-draft\""),
                                                                   ("\"effectiveFrom\": \"2020-01-01\"", "\"effectiveFrom\": \"2027-01-01\"")])
        let whatIf = try district.request("POST", "/console/policy/what-if", form: [("csrf", csrf), ("json", draft), ("month", "2027-01")])
        #expect(whatIf.status == 200 && whatIf.body.contains("id=\"what-if\"") && whatIf.body.contains("dongxing-2027-draft"),
                "\(whatIf.status) \(whatIf.body.components(separatedBy: "<main>").last?.prefix(800) ?? "")")
        let whatIfCSV = try district.request("POST", "/console/policy/what-if", form: [("csrf", csrf), ("json", draft), ("month", "2027-01"), ("format", "csv")])
        #expect(whatIfCSV.status == 200 && whatIfCSV.headers.contains("text/csv") && whatIfCSV.body.contains("乡镇"), "\(whatIfCSV.status)")
        #expect(!(try district.request("GET", "/console/policy").body.contains("dongxing-2027-draft")), "a what-if publishes nothing")
        let broken = try district.request("POST", "/console/policy/what-if", form: [("csrf", csrf), ("json", "{not json")])
        #expect(broken.status == 400 && broken.body.contains("政策草案有误"))

        // a reset password: the one-time password signs in only to choose one's own
        let auditorReset = try district.request("POST", "/console/users/district.auditor/reset-password", form: [("csrf", csrf)])
        #expect(auditorReset.status == 303)
        let shown = try district.request("GET", "/console/users").body
        let range = try #require(shown.range(of: "当面交给本人，登录后须改为自己的密码）："))
        let oneTime = String(shown[range.upperBound...].prefix { !$0.isWhitespace && $0 != "<" })
        let auditor = try Browser(server.url)
        let first = try auditor.signIn("district.auditor", oneTime)
        #expect(first.status == 303 && first.location == "/console/password", "\(first.status) \(first.location ?? "") \(first.body.prefix(300))")
        #expect(try auditor.request("GET", "/console/district").location == "/console/password", "every page leads to the password page first")
        let elsewhere = try Browser(server.url)   // the same one-time password used in a second browser
        #expect(try elsewhere.signIn("district.auditor", oneTime).status == 303)
        let form = try auditor.request("GET", "/console/password")
        let token = try #require(form.csrf)
        let short = try auditor.request("POST", "/console/password", form: [("csrf", token), ("current", oneTime), ("new", "short"), ("confirm", "short")])
        #expect(short.status == 400 && short.body.contains("至少 10 个字符"))
        let changed = try auditor.request("POST", "/console/password",
                                          form: [("csrf", token), ("current", oneTime), ("new", "Auditor-own-pass-1"), ("confirm", "Auditor-own-pass-1")])
        #expect(changed.status == 303 && changed.location == "/console/district", "\(changed.status) \(changed.body.prefix(400))")
        #expect(try auditor.request("GET", "/console/district").status == 200, "the auditor works once the password is their own")
        #expect(try elsewhere.request("GET", "/console/district").location?.hasPrefix("/console/login") == true,
                "the other browser's session ended with the password change")
        #expect(try Browser(server.url).signIn("district.auditor", "Auditor-own-pass-1").status == 303, "and signs in with it next time")
    }

    @Test("the roll of a month in the console: its bank batch downloads; the bank's answer (回盘) uploaded records a failure paid again next month; the worklist shows")
    func rollAndBankAnswer() throws {
        guard Self.curl else { print("console HTTP tests skipped: curl is not installed"); return }
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let head = Round.id("19550301", "013")
        try round.register(address: "五星村5组1号", head: "马大勇", id: head, ["--labour", "部分丧失", "--bank", "中国邮储银行东兴支行",
                                                                              "--account-name", "马大勇", "--account-number", "6221880000000000011"])
        try round.survey(head, incomes: ["经营:200"])
        try round.apply(head, "dibao")
        try round.wholeRound()

        let district = try Browser(server.url)
        try district.signIn("district.officer", "Dongxing-MZJ-change-me-1")
        let page = try district.request("GET", "/console/towns/511011101/roll?month=2026-12")
        #expect(page.status == 200 && page.body.contains("代发批量文件") && page.body.contains("id=\"reconcile-form\""), "\(page.body.prefix(3000))")
        let batchPath = try #require(page.body.range(of: "/console/towns/511011101/bank/").map { r in
            "/console/towns/511011101/bank/" + page.body[r.upperBound...].prefix { $0 != "\"" }
        })
        let batch = try district.request("GET", batchPath.replacingOccurrences(of: "&amp;", with: "&"))
        #expect(batch.status == 200 && batch.headers.contains("filename*=UTF-8''"), "\(batch.status) \(batch.headers)")
        let lines = batch.body.components(separatedBy: "\r\n")
        let reference = try #require(lines.dropFirst().first?.split(separator: ",").dropFirst(5).first.map(String.init), "\(batch.body)")

        let answer = round.directory.appendingPathComponent("回盘-psbc-202612.csv")
        try Data("序号,业务流水号,处理状态,失败原因\r\n1,\(reference),失败,账户已冻结\r\n".utf8).write(to: answer)
        let csrf = try #require(page.csrf)
        let forged = try district.request("POST", "/console/towns/511011101/roll/reconcile",
                                          multipart: [("csrf", "x"), ("format", "psbc"), ("file", "@\(answer.path)")])
        #expect(forged.status == 403, "the upload needs the form's token")
        let recorded = try district.request("POST", "/console/towns/511011101/roll/reconcile",
                                            multipart: [("csrf", csrf), ("format", "psbc"), ("date", "2026-12-01"), ("month", "2026-12"), ("file", "@\(answer.path)")])
        #expect(recorded.status == 303, "\(recorded.status) \(recorded.body.components(separatedBy: "<main>").last ?? "")")
        let after = try district.request("GET", "/console/towns/511011101/roll?month=2026-12").body
        #expect(after.contains("未到账 1 笔") && after.contains("账户已冻结") && after.contains("2027-01 补发"), "\(after.prefix(2500))")
        let notBank = try district.request("POST", "/console/towns/511011101/roll/reconcile",
                                           multipart: [("csrf", csrf), ("format", "psbc"), ("file", "@\(round.directory.appendingPathComponent("town.sqlite").path)")])
        #expect(notBank.status == 400, "a file that is no bank answer is refused: \(notBank.status)")

        let due = try district.request("GET", "/console/due?within=366")
        #expect(due.status == 200 && due.body.contains("到期事项"), "\(due.status)")
    }
}
