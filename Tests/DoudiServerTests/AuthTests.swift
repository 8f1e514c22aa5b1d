import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Login, tokens and their refusal")
struct AuthTests {
    @Test("Login gives a token bound to user, device and scope; the token opens the API")
    func loginOK() async throws {
        try await ServerFixture.run { f in
            let response = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "dev-wx-1"))
            #expect(response.status == .ok)
            let login = try ServerFixture.decode(LoginResponse.self, response)
            #expect(login.actor == Actor(user: "wuxing.collector", role: .collector, org: Org.wuxing))
            #expect(login.device == "dev-wx-1")
            #expect(login.expiresAt == f.clock.now / 1000 + 3600)
            #expect(login.token.count == 43) // 32 bytes, base64url without padding
            #expect(try await f.send(.get, "/v1/pull", token: login.token).status == .ok)
            // only the hash of the token is stored
            let stored = try await f.column(sqlite: "SELECT hash FROM token", postgres: "SELECT hash FROM token")
            #expect(stored == [BearerToken.hash(login.token)])
        }
    }

    @Test("A wrong password, an unknown user: 401 login-failed, the same answer for both")
    func wrongPassword() async throws {
        try await ServerFixture.run { f in
            let wrong = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: "not-the-password", device: "dev-1"))
            let a = try f.expectError(wrong, .unauthorized, "login-failed")
            #expect(wrong.headers[.wwwAuthenticate] != nil)
            let unknown = try await f.send(.post, "/v1/login", json: LoginRequest(user: "nobody", password: "whatever-it-is", device: "dev-1"))
            let b = try f.expectError(unknown, .unauthorized, "login-failed")
            #expect(a == b)
        }
    }

    @Test("No token, an unknown token: 401 unauthenticated")
    func noToken() async throws {
        try await ServerFixture.run { f in
            try f.expectError(try await f.send(.get, "/v1/pull"), .unauthorized, "unauthenticated")
            try f.expectError(try await f.send(.get, "/v1/pull", token: "made-up"), .unauthorized, "unauthenticated")
        }
    }

    @Test("A revoked token: 401 token-revoked, by logout and by a district officer")
    func revokedToken() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx-1")
            let logout = try await f.send(.post, "/v1/logout", token: token)
            #expect(try ServerFixture.decode(RevokeResponse.self, logout).revoked == 1)
            try f.expectError(try await f.send(.get, "/v1/pull", token: token), .unauthorized, "token-revoked")

            // a lost laptop: the district officer revokes the device's tokens
            let again = try await f.login(Users.wuxing, device: "dev-wx-2")
            let other = try await f.login(Users.wuxing, device: "dev-wx-3")
            let officer = try await f.login(Users.officer, device: "dev-qu-1")
            let approver = try await f.login(Users.approver, device: "dev-bm-1")
            try f.expectError(try await f.send(.post, "/v1/tokens/revoke", token: approver, json: RevokeRequest(device: "dev-wx-2")),
                              .forbidden, "authority")
            let revoked = try await f.send(.post, "/v1/tokens/revoke", token: officer, json: RevokeRequest(device: "dev-wx-2"))
            #expect(try ServerFixture.decode(RevokeResponse.self, revoked).revoked == 1)
            try f.expectError(try await f.send(.get, "/v1/pull", token: again), .unauthorized, "token-revoked")
            #expect(try await f.send(.get, "/v1/pull", token: other).status == .ok)
            // or every token of a user
            let all = try await f.send(.post, "/v1/tokens/revoke", token: officer, json: RevokeRequest(user: Users.wuxing.0))
            #expect(try ServerFixture.decode(RevokeResponse.self, all).revoked == 1)
            try f.expectError(try await f.send(.get, "/v1/pull", token: other), .unauthorized, "token-revoked")
        }
    }

    @Test("An expired token: 401 token-expired")
    func expiredToken() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.approver, device: "dev-bm-1")
            f.clock.advance(seconds: 3599)
            #expect(try await f.send(.get, "/v1/conflicts", token: token).status == .ok)
            f.clock.advance(seconds: 1)
            try f.expectError(try await f.send(.get, "/v1/conflicts", token: token), .unauthorized, "token-expired")
        }
    }

    @Test("Login refuses another protocol version and a device id that is not an id")
    func loginRefusals() async throws {
        try await ServerFixture.run { f in
            let old = #"{"protocolVersion": 0, "user": "wuxing.collector", "password": "Wuxing-CJ-change-me-3", "device": "dev-1"}"#
            try f.expectError(try await f.send(.post, "/v1/login", body: Data(old.utf8)), .badRequest, "protocol-version")
            let named = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "张三的电脑"))
            try f.expectError(named, .badRequest, "bad-parameter")
        }
    }

    @Test("A password change replaces the initial password and revokes the user's other tokens")
    func passwordChange() async throws {
        try await ServerFixture.run { f in
            let first = try await f.login(Users.tuanjie, device: "dev-tj-1")
            let second = try await f.login(Users.tuanjie, device: "dev-tj-2")
            let weak = try await f.send(.post, "/v1/password", token: first, json: PasswordChangeRequest(currentPassword: Users.tuanjie.1, newPassword: "short"))
            try f.expectError(weak, .badRequest, "bad-parameter")
            let changed = try await f.send(.post, "/v1/password", token: first,
                                           json: PasswordChangeRequest(currentPassword: Users.tuanjie.1, newPassword: "a much longer secret"))
            #expect(try ServerFixture.decode(PasswordChangeResponse.self, changed).revokedTokens == 1)
            #expect(try await f.send(.get, "/v1/pull", token: first).status == .ok)
            try f.expectError(try await f.send(.get, "/v1/pull", token: second), .unauthorized, "token-revoked")
            let old = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.tuanjie.0, password: Users.tuanjie.1, device: "dev-tj-3"))
            try f.expectError(old, .unauthorized, "login-failed")
            _ = try await f.login((Users.tuanjie.0, "a much longer secret"), device: "dev-tj-3")
        }
    }
}
