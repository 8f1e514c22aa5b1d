import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The district's device and user administration (SPEC §11)")
struct AdminTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/admin/devices"), (.post, "/v1/admin/devices/dev-wx/revoke"), (.post, "/v1/admin/devices/dev-wx/assign"),
        (.get, "/v1/admin/users"), (.post, "/v1/admin/users/wuxing.collector/disable"), (.post, "/v1/admin/users/wuxing.collector/enable"),
        (.post, "/v1/admin/users/wuxing.collector/unlock"), (.post, "/v1/admin/users/wuxing.collector/reset-password"),
        (.get, "/v1/admin/audit"),
    ]

    @Test("Only a district officer: every admin route is 403 authority to the others, and does nothing")
    func onlyTheDistrict() async throws {
        try await ServerFixture.run { f in
            let wuxing = try await f.login(Users.wuxing, device: "dev-wx")
            for token in [try await f.login(Users.approver, device: "dev-bm"), try await f.login(Users.auditor, device: "dev-sj"), wuxing] {
                for (method, path) in Self.routes {
                    try f.expectError(try await f.send(method, path, token: token, json: DeviceAssignRequest(user: Users.approver.0)),
                                      .forbidden, "authority")
                }
            }
            #expect(try await f.send(.get, "/v1/pull", token: wuxing).status == .ok)
            #expect(try await f.store.device("dev-wx")?.user == Users.wuxing.0)
        }
    }

    @Test("A lost laptop: its tokens die at once, it cannot log in, the answer says what it had not pushed; recovered, it is given back")
    func revokeLostLaptop() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var laptop = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            _ = try await f.push([try laptop.register(Device.household(village: Org.wuxing)),
                                  try laptop.register(Device.household(village: Org.wuxing))], token: token)
            let pushedAt = f.clock.now / 1000
            f.clock.advance(seconds: 3600)
            let officer = try await f.login(Users.officer, device: "dev-qu")

            let response = try await f.send(.post, "/v1/admin/devices/dev-wx/revoke", token: officer)
            let revoked = try ServerFixture.decode(DeviceRevokeResponse.self, response)
            #expect(revoked.device == "dev-wx" && revoked.user == Users.wuxing.0 && revoked.revokedTokens == 1)
            #expect(revoked.highestSequence == 2 && revoked.lastPushAt == pushedAt)
            #expect(revoked.note.contains("after 2") && revoked.note.contains("lost unless it is recovered"))

            try f.expectError(try await f.send(.get, "/v1/pull", token: token), .unauthorized, "token-revoked")
            let again = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "dev-wx"))
            try f.expectError(again, .forbidden, "device-revoked")
            // the user goes on, on another laptop
            _ = try await f.login(Users.wuxing, device: "dev-wx-new")

            let list = try ServerFixture.decode(DeviceList.self, try await f.send(.get, "/v1/admin/devices", token: officer))
            #expect(list.devices.map(\.device) == ["dev-qu", "dev-wx", "dev-wx-new"])
            let lost = try #require(list.devices.first { $0.device == "dev-wx" })
            #expect(lost.revokedAt == f.clock.now / 1000 && lost.highestSequence == 2 && lost.org == Org.wuxing && lost.role == .collector)

            // the laptop is found: given back to its user, it logs in and its numbering goes on
            let back = try ServerFixture.decode(DeviceAssignResponse.self,
                                                try await f.send(.post, "/v1/admin/devices/dev-wx/assign", token: officer,
                                                                 json: DeviceAssignRequest(user: Users.wuxing.0)))
            #expect(back.previousUser == Users.wuxing.0 && back.user == Users.wuxing.0)
            let found = try await f.login(Users.wuxing, device: "dev-wx")
            #expect(try await f.push([try laptop.register(Device.household(village: Org.wuxing))], token: found)[0].status == .accepted)

            let audit = try ServerFixture.decode(AuthEventList.self, try await f.send(.get, "/v1/admin/audit?device=dev-wx", token: officer))
            let revocation = try #require(audit.events.first { $0.kind == .deviceRevoked })
            #expect(revocation.actor == Users.officer.0 && revocation.user == Users.wuxing.0)
            #expect(audit.events.contains { $0.kind == .loginRefused && $0.detail == "the device is revoked" })
        }
    }

    @Test("Re-assigning a device: the old user's tokens on it die and it refuses them; the new user logs in on it")
    func reassign() async throws {
        try await ServerFixture.run { f in
            let old = try await f.login(Users.wuxing, device: "dev-shared")
            let elsewhere = try await f.login(Users.wuxing, device: "dev-wx")
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let response = try await f.send(.post, "/v1/admin/devices/dev-shared/assign", token: officer, json: DeviceAssignRequest(user: Users.tuanjie.0))
            let assigned = try ServerFixture.decode(DeviceAssignResponse.self, response)
            #expect(assigned == DeviceAssignResponse(device: "dev-shared", previousUser: Users.wuxing.0, user: Users.tuanjie.0, revokedTokens: 1))
            try f.expectError(try await f.send(.get, "/v1/pull", token: old), .unauthorized, "token-revoked")
            #expect(try await f.send(.get, "/v1/pull", token: elsewhere).status == .ok) // the user's other devices are untouched
            let refused = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "dev-shared"))
            try f.expectError(refused, .forbidden, "device-assigned")
            _ = try await f.login(Users.tuanjie, device: "dev-shared")
            // an unknown user, an unknown device: 404
            try f.expectError(try await f.send(.post, "/v1/admin/devices/dev-shared/assign", token: officer, json: DeviceAssignRequest(user: "nobody")),
                              .notFound, "not-found")
            try f.expectError(try await f.send(.post, "/v1/admin/devices/dev-none/revoke", token: officer), .notFound, "not-found")
        }
    }

    @Test("Another district's devices and users are not within the officer's jurisdiction: not listed, 404")
    func jurisdiction() async throws {
        try await ServerFixture.run { f in
            let other = try OrgCode("511012")
            try await f.store.saveOrgUnits([OrgUnit(code: other, name: "邻区")])
            let hasher = PasswordHasher(rounds: 1000)
            _ = try await f.store.insertUserIfMissing(UserAccount(name: "linqu.officer", role: .districtOfficer, org: other,
                                                                  password: try await hasher.hash("Linqu-password-1")))
            _ = try await f.login(("linqu.officer", "Linqu-password-1"), device: "dev-lq")
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let devices = try ServerFixture.decode(DeviceList.self, try await f.send(.get, "/v1/admin/devices", token: officer))
            #expect(!devices.devices.contains { $0.device == "dev-lq" })
            let users = try ServerFixture.decode(UserList.self, try await f.send(.get, "/v1/admin/users", token: officer))
            #expect(!users.users.contains { $0.user == "linqu.officer" } && users.users.count == 5)
            try f.expectError(try await f.send(.post, "/v1/admin/devices/dev-lq/revoke", token: officer), .notFound, "not-found")
            try f.expectError(try await f.send(.post, "/v1/admin/users/linqu.officer/disable", token: officer), .notFound, "not-found")
            let audit = try ServerFixture.decode(AuthEventList.self, try await f.send(.get, "/v1/admin/audit", token: officer))
            #expect(!audit.events.contains { $0.user == "linqu.officer" })
        }
    }

    @Test("Disable and enable a user: their tokens die, login is refused 403 account-disabled, then allowed again")
    func disable() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let disabled = try ServerFixture.decode(UserAdminResponse.self, try await f.send(.post, "/v1/admin/users/wuxing.collector/disable", token: officer))
            #expect(disabled.changed && disabled.revokedTokens == 1 && disabled.user.disabled)
            try f.expectError(try await f.send(.get, "/v1/pull", token: token), .unauthorized, "token-revoked")
            let refused = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "dev-wx"))
            try f.expectError(refused, .forbidden, "account-disabled")
            // a wrong password for a disabled account is just a wrong password
            let wrong = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: "wrong-password", device: "dev-wx"))
            try f.expectError(wrong, .unauthorized, "login-failed")
            let users = try ServerFixture.decode(UserList.self, try await f.send(.get, "/v1/admin/users", token: officer))
            #expect(users.users.first { $0.user == Users.wuxing.0 }?.disabled == true)

            let enabled = try ServerFixture.decode(UserAdminResponse.self, try await f.send(.post, "/v1/admin/users/wuxing.collector/enable", token: officer))
            #expect(enabled.changed && !enabled.user.disabled)
            _ = try await f.login(Users.wuxing, device: "dev-wx")
            // not oneself
            try f.expectError(try await f.send(.post, "/v1/admin/users/district.officer/disable", token: officer), .badRequest, "bad-parameter")
        }
    }

    @Test("Reset a password: the user's tokens die, a one-time password logs in but serves only to set a new one")
    func resetPassword() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let reset = try ServerFixture.decode(PasswordResetResponse.self,
                                                 try await f.send(.post, "/v1/admin/users/wuxing.collector/reset-password", token: officer))
            #expect(reset.user == Users.wuxing.0 && reset.revokedTokens == 1 && reset.oneTimePassword.count == 14)
            try f.expectError(try await f.send(.get, "/v1/pull", token: token), .unauthorized, "token-revoked")
            let old = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "dev-wx"))
            try f.expectError(old, .unauthorized, "login-failed")

            let limited = try await f.login((Users.wuxing.0, reset.oneTimePassword), device: "dev-wx")
            try f.expectError(try await f.send(.get, "/v1/pull", token: limited), .forbidden, "password-change-required")
            try f.expectError(try await f.send(.post, "/v1/push", token: limited, json: PushRequest(changeSets: [])), .forbidden, "password-change-required")
            #expect(try await f.send(.get, "/v1/device", token: limited).status == .ok)
            let users = try ServerFixture.decode(UserList.self, try await f.send(.get, "/v1/admin/users", token: officer))
            #expect(users.users.first { $0.user == Users.wuxing.0 }?.mustChangePassword == true)

            let changed = try await f.send(.post, "/v1/password", token: limited,
                                           json: PasswordChangeRequest(currentPassword: reset.oneTimePassword, newPassword: "my own new secret"))
            #expect(changed.status == .ok)
            #expect(try await f.send(.get, "/v1/pull", token: limited).status == .ok)
            _ = try await f.login((Users.wuxing.0, "my own new secret"), device: "dev-wx")
            let after = try ServerFixture.decode(UserList.self, try await f.send(.get, "/v1/admin/users", token: officer))
            #expect(after.users.first { $0.user == Users.wuxing.0 }?.mustChangePassword == false)
            // not one's own
            try f.expectError(try await f.send(.post, "/v1/admin/users/district.officer/reset-password", token: officer), .badRequest, "bad-parameter")
        }
    }

    @Test("The audit log: newest first, paged with before, filtered by user; never a password")
    func auditLog() async throws {
        try await ServerFixture.run { f in
            _ = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.wuxing.0, password: "Wrong-Password-typed", device: "dev-wx"))
            _ = try await f.send(.post, "/v1/login", json: LoginRequest(user: "Wuxing-CJ-change-me-3", password: "x", device: "dev-wx"))
            _ = try await f.login(Users.wuxing, device: "dev-wx")
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let all = try ServerFixture.decode(AuthEventList.self, try await f.send(.get, "/v1/admin/audit", token: officer))
            #expect(all.events.map(\.kind) == [.login, .deviceBound, .login, .deviceBound, .loginFailed, .loginFailed])
            #expect(all.events.map(\.id) == all.events.map(\.id).sorted(by: >) && all.before == nil)
            let first = try ServerFixture.decode(AuthEventList.self, try await f.send(.get, "/v1/admin/audit?limit=4", token: officer))
            #expect(first.events.count == 4 && first.before == first.events.last?.id)
            let next = try ServerFixture.decode(AuthEventList.self,
                                                try await f.send(.get, "/v1/admin/audit?limit=4&before=\(first.before ?? 0)", token: officer))
            #expect(first.events + next.events == all.events)
            let mine = try ServerFixture.decode(AuthEventList.self, try await f.send(.get, "/v1/admin/audit?user=wuxing.collector", token: officer))
            #expect(mine.events.map(\.kind) == [.login, .deviceBound, .loginFailed])
            let text = String(buffer: try await f.send(.get, "/v1/admin/audit", token: officer).body)
            for secret in ["Wrong-Password-typed", "Wuxing-CJ-change-me-3", Users.officer.1] { #expect(!text.contains(secret)) }
            try f.expectError(try await f.send(.get, "/v1/admin/audit?limit=0", token: officer), .badRequest, "bad-parameter")
        }
    }
}
