import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Login throttling and lockout (SPEC §11)")
struct ThrottleTests {
    static func attempt(_ f: ServerFixture, _ user: String, _ password: String, device: String = "dev-t", from address: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let address, let name = HTTPFields.Element.Name("X-Forwarded-For") { headers[name] = "10.9.8.7, \(address)" }
        return try await f.send(.post, "/v1/login", body: try ServerFixture.encoder.encode(LoginRequest(user: user, password: password, device: device)),
                                headers: headers)
    }

    @Test("The rule: free failures, then 2, 4, 8 … seconds up to the cap; a quiet window starts again; a lock at the lockout figure")
    func rule() {
        var configuration = ServerConfiguration.Throttle()
        configuration.maxBackoffSeconds = 60
        let rule = LoginThrottle(configuration)
        #expect((0...9).map { rule.wait(afterFailures: $0) } == [0, 0, 0, 0, 0, 2, 4, 8, 16, 32])
        #expect(rule.wait(afterFailures: 11) == 60 && rule.wait(afterFailures: 500) == 60)
        var state: LoginThrottleState?
        for i in 1...19 { state = rule.recordingFailure(state, now: Int64(i)) }
        #expect(state?.failures == 19 && state?.lockedAt == nil)
        state = rule.recordingFailure(state, now: 20)
        #expect(state?.failures == 20 && state?.lockedAt == 20)
        #expect(rule.verdict(state, now: 1_000_000) == .locked(since: 20)) // a lock does not wear off
        let quiet = rule.recordingFailure(LoginThrottleState(failures: 7, lastFailureAt: 0, nextAttemptAt: 8), now: 3600)
        #expect(quiet.failures == 1 && quiet.nextAttemptAt == 3600)
    }

    @Test("A wait is never shorter in real time than configured: a failure at x.9 s with a wait of 2 s lets the next attempt in at x + 3, one that costs nothing at once")
    func waitRoundedUp() {
        let rule = LoginThrottle(ServerConfiguration.Throttle())
        #expect(rule.nextAttempt(after: 2, failedAtMillis: 100_900) == 103)
        #expect(rule.nextAttempt(after: 2, failedAtMillis: 100_000) == 102)
        #expect(rule.nextAttempt(after: 0, failedAtMillis: 100_900) == 100)
        var state: LoginThrottleState?
        for i in 0..<5 { state = rule.recordingFailure(state, atMillis: 100_000 + Int64(i) * 100 + 50) }
        #expect(state?.failures == 5 && state?.lastFailureAt == 100 && state?.nextAttemptAt == 103)
        #expect(rule.verdict(state, now: 102) == .wait(seconds: 1))   // 100.45 s + 2 s is after 102.0
        #expect(rule.verdict(state, now: 103) == .allowed)
    }

    @Test("Changing the password checks the current one like a login: wrong ones count, then 429, and the count is shared with logins")
    func passwordChangeThrottled() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            func change(_ current: String) async throws -> TestResponse {
                try await f.send(.post, "/v1/password", token: token,
                                 body: try ServerFixture.encoder.encode(PasswordChangeRequest(currentPassword: current, newPassword: "a new secret of the cadre")))
            }
            for _ in 1...5 { try f.expectError(try await change("guess"), .unauthorized, "login-failed") }
            let throttled = try await change(Users.wuxing.1)
            try f.expectError(throttled, .tooManyRequests, "login-throttled")
            #expect(throttled.headers[.retryAfter] == "2")
            // the same count slows a login of the account
            try f.expectError(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1), .tooManyRequests, "login-throttled")
            f.clock.advance(seconds: 2)
            #expect(try await change(Users.wuxing.1).status == .ok)
            #expect(try await f.store.loginThrottles(accounts: [LoginThrottle.accountKey(Users.wuxing.0)]).isEmpty)
        }
    }

    @Test("After 5 failures each attempt waits 2, 4 … s: 429 login-throttled with Retry-After, the password not even checked")
    func backoff() async throws {
        try await ServerFixture.run { f in
            for _ in 1...5 {
                try f.expectError(try await Self.attempt(f, Users.wuxing.0, "wrong-password"), .unauthorized, "login-failed")
            }
            // the right password too: a throttled attempt is answered before the password is hashed
            let throttled = try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1)
            let body = try f.expectError(throttled, .tooManyRequests, "login-throttled")
            #expect(throttled.headers[.retryAfter] == "2")
            #expect(body.message.contains("2 seconds"))
            f.clock.advance(seconds: 1)
            #expect(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1).headers[.retryAfter] == "1")
            f.clock.advance(seconds: 1)
            try f.expectError(try await Self.attempt(f, Users.wuxing.0, "wrong-again"), .unauthorized, "login-failed")
            #expect(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1).headers[.retryAfter] == "4")
            f.clock.advance(seconds: 4)
            // a correct login after the wait: in, and the count is forgotten
            #expect(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1).status == .ok)
            let key = LoginThrottle.accountKey(Users.wuxing.0)
            #expect(try await f.store.loginThrottles(accounts: [key]).isEmpty)
            // another account was never slowed
            #expect(try await Self.attempt(f, Users.tuanjie.0, Users.tuanjie.1, device: "dev-tj").status == .ok)
        }
    }

    @Test("Attempts sent at once while an account pays a wait: only one is taken")
    func concurrentAttempts() async throws {
        try await ServerFixture.run { f in
            for _ in 1...5 { _ = try await Self.attempt(f, Users.wuxing.0, "wrong-password") }
            f.clock.advance(seconds: 2)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 { group.addTask { try await Self.attempt(f, Users.wuxing.0, "wrong-password").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 5, "\(statuses)")
        }
    }

    @Test("A name that is no account is throttled like one that is: the answers do not tell which names exist")
    func unknownNames() async throws {
        try await ServerFixture.run { f in
            for _ in 1...5 {
                try f.expectError(try await Self.attempt(f, "no.such.user", "whatever-it-is"), .unauthorized, "login-failed")
                try f.expectError(try await Self.attempt(f, Users.approver.0, "whatever-it-is"), .unauthorized, "login-failed")
            }
            let unknown = try f.expectError(try await Self.attempt(f, "no.such.user", "whatever-it-is"), .tooManyRequests, "login-throttled")
            let known = try f.expectError(try await Self.attempt(f, Users.approver.0, "whatever-it-is"), .tooManyRequests, "login-throttled")
            #expect(unknown == known)
            // what the store keeps of a name typed: its hash, never the name (it may be a password typed in the wrong field)
            let accounts = try await f.column(sqlite: "SELECT account FROM loginThrottle ORDER BY account",
                                              postgres: "SELECT account FROM login_throttle ORDER BY account")
            #expect(Set(accounts) == [LoginThrottle.accountKey("no.such.user"), LoginThrottle.accountKey(Users.approver.0)])
            let audited = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 100))
            #expect(audited.filter { $0.kind == .loginFailed && $0.user == nil }.count == 5)
            #expect(audited.filter { $0.kind == .loginFailed && $0.user == Users.approver.0 }.count == 5)
        }
    }

    @Test("A quiet window starts the count again, and counts whose window has passed are forgotten (a lock is not)")
    func quietWindow() async throws {
        try await ServerFixture.run(configure: { $0.auth.throttle.freeFailures = 2; $0.auth.throttle.lockoutFailures = 3 }) { f in
            for name in ["typo.one", "typo.two"] { _ = try await Self.attempt(f, name, "guess-guess") }
            for _ in 1...2 { _ = try await Self.attempt(f, Users.approver.0, "wrong-password") }
            try f.expectError(try await Self.attempt(f, Users.approver.0, Users.approver.1), .tooManyRequests, "login-throttled")
            f.clock.advance(seconds: 1)
            _ = try await Self.attempt(f, Users.tuanjie.0, "wrong-password")
            _ = try await Self.attempt(f, Users.tuanjie.0, "wrong-password")
            f.clock.advance(seconds: 2)
            _ = try await Self.attempt(f, Users.tuanjie.0, "wrong-password") // the third: locked
            f.clock.advance(seconds: 3600)
            // an hour later: the approver starts afresh, one more failure costs no wait
            try f.expectError(try await Self.attempt(f, Users.approver.0, "wrong-password"), .unauthorized, "login-failed")
            let left = try await f.column(sqlite: "SELECT account FROM loginThrottle", postgres: "SELECT account FROM login_throttle")
            #expect(Set(left) == [LoginThrottle.accountKey(Users.approver.0), LoginThrottle.accountKey(Users.tuanjie.0)])
            #expect(try await f.store.loginThrottles(accounts: [LoginThrottle.accountKey(Users.approver.0)]).first?.value.failures == 1)
            try f.expectError(try await Self.attempt(f, Users.tuanjie.0, Users.tuanjie.1), .forbidden, "account-locked")
        }
    }

    @Test("Lockout after the configured failures: even the right password is refused, a day later too, until the district unlocks")
    func lockout() async throws {
        try await ServerFixture.run(configure: { $0.auth.throttle.freeFailures = 2; $0.auth.throttle.lockoutFailures = 4 }) { f in
            for i in 1...4 {
                try f.expectError(try await Self.attempt(f, Users.wuxing.0, "wrong-password"), .unauthorized, "login-failed")
                f.clock.advance(seconds: 1 << Int64(max(0, i - 1)))
            }
            let locked = try f.expectError(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1), .forbidden, "account-locked")
            #expect(locked.message.contains("unlock"))
            f.clock.advance(seconds: 86_400)
            try f.expectError(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1), .forbidden, "account-locked")

            let officer = try await f.login(Users.officer, device: "dev-qu")
            let users = try ServerFixture.decode(UserList.self, try await f.send(.get, "/v1/admin/users", token: officer))
            let wuxing = try #require(users.users.first { $0.user == Users.wuxing.0 })
            #expect(wuxing.locked && wuxing.failedLogins == 4)
            let unlocked = try ServerFixture.decode(UserAdminResponse.self,
                                                    try await f.send(.post, "/v1/admin/users/wuxing.collector/unlock", token: officer))
            #expect(unlocked.changed && !unlocked.user.locked && unlocked.user.failedLogins == 0)
            #expect(try await Self.attempt(f, Users.wuxing.0, Users.wuxing.1).status == .ok)

            let events = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 100, user: Users.wuxing.0))
            #expect(events.map(\.kind).reversed() == [.loginFailed, .loginFailed, .loginFailed, .loginFailed, .accountLocked,
                                                      .accountUnlocked, .deviceBound, .login])
            #expect(events.first { $0.kind == .accountUnlocked }?.actor == Users.officer.0)
        }
    }

    @Test("Per client address: many accounts tried from one address are slowed down; other addresses are not")
    func perAddress() async throws {
        try await ServerFixture.run(configure: { $0.auth.throttle.addressFreeFailures = 3; $0.auth.throttle.trustForwardedFor = true }) { f in
            for name in ["a.one", "b.two", "c.three"] {
                try f.expectError(try await Self.attempt(f, name, "guess-guess", from: "192.0.2.7"), .unauthorized, "login-failed")
            }
            // a fresh account name from the same address: wait
            let throttled = try f.expectError(try await Self.attempt(f, Users.approver.0, Users.approver.1, from: "192.0.2.7"),
                                              .tooManyRequests, "login-throttled")
            #expect(throttled.message.contains("address"))
            // from another address the same account logs in
            #expect(try await Self.attempt(f, Users.approver.0, Users.approver.1, from: "192.0.2.8").status == .ok)
            // the address is written in the audit log
            let events = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 100))
            #expect(events.filter { $0.address == "192.0.2.7" }.count == 3)
            #expect(events.first { $0.kind == .login }?.address == "192.0.2.8")
        }
    }

    @Test("Without trustForwardedFor a client cannot choose its address: X-Forwarded-For is ignored")
    func forwardedIgnored() async throws {
        try await ServerFixture.run(configure: { $0.auth.throttle.addressFreeFailures = 1 }) { f in
            _ = try await Self.attempt(f, "a.one", "guess-guess", from: "192.0.2.7")
            let events = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 10))
            #expect(events.first?.address == nil) // the router test has no socket address
        }
    }

    @Test("The limits are read from the configuration (the shipped one holds the defaults; a partial one keeps the rest) and checked")
    func configuration() throws {
        let shipped = try ServerConfiguration.load(path: ServerFixture.configDirectory + "/server.json")
        #expect(shipped.auth.throttle == ServerConfiguration.Throttle())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-throttle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let partial = directory.appendingPathComponent("server.json")
        try Data(#"{"auth": {"throttle": {"freeFailures": 2, "lockoutFailures": 4}}}"#.utf8).write(to: partial)
        let loaded = try ServerConfiguration.load(path: partial.path)
        #expect(loaded.auth.throttle.freeFailures == 2 && loaded.auth.throttle.lockoutFailures == 4 && loaded.auth.throttle.windowSeconds == 3600)
        try Data(#"{"auth": {"throttle": {"lockout": 4}}}"#.utf8).write(to: partial)
        do { _ = try ServerConfiguration.load(path: partial.path); Issue.record("a misspelt field was taken") } catch {
            #expect(error.field == "auth.throttle.lockout")
        }

        var configuration = ServerConfiguration()
        configuration.auth.throttle.lockoutFailures = 3
        configuration.auth.throttle.freeFailures = 5
        #expect(throws: ModelError.self) { try configuration.validate() }
    }
}
