import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging

/// The district's administration of devices and users (SPEC §11): a district officer,
/// within their jurisdiction (the users whose org unit lies in theirs, and those users'
/// devices). Every action goes to the audit log.
///
/// - `GET /v1/admin/devices` → ``DeviceList``
/// - `POST /v1/admin/devices/{device}/revoke` → ``DeviceRevokeResponse`` (a lost laptop)
/// - `POST /v1/admin/devices/{device}/assign`: ``DeviceAssignRequest`` → ``DeviceAssignResponse``
/// - `GET /v1/admin/users` → ``UserList``
/// - `POST /v1/admin/users/{user}/disable`, `…/enable`, `…/unlock` → ``UserAdminResponse``
/// - `POST /v1/admin/users/{user}/reset-password` → ``PasswordResetResponse``
/// - `GET /v1/admin/audit?before=&limit=&user=&device=` → ``AuthEventList``, newest first
struct AdminController {
    let store: any ServerStore
    let hasher: PasswordHasher
    let clock: ServerClock
    let reader: BodyReader
    let audit: AuditLog

    init(store: any ServerStore, hasher: PasswordHasher, clock: ServerClock, reader: BodyReader) {
        self.store = store; self.hasher = hasher; self.clock = clock; self.reader = reader
        self.audit = AuditLog(store: store, clock: clock)
    }

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        let admin = group.group("admin")
        admin.get("devices") { request, context in try await self.devices(request, context) }
        admin.post("devices/{device}/revoke") { _, context in try await self.revokeDevice(context) }
        admin.post("devices/{device}/assign") { request, context in try await self.assignDevice(request, context) }
        admin.get("users") { request, context in try await self.users(request, context) }
        admin.post("users/{user}/disable") { _, context in try await self.setDisabled(true, context) }
        admin.post("users/{user}/enable") { _, context in try await self.setDisabled(false, context) }
        admin.post("users/{user}/unlock") { _, context in try await self.unlock(context) }
        admin.post("users/{user}/reset-password") { _, context in try await self.resetPassword(context) }
        admin.get("audit") { request, context in try await self.auditLog(request, context) }
    }

    // MARK: who may, and on what

    /// The caller, when a district officer.
    func officer(_ context: DoudiRequestContext) throws -> Actor {
        let identity = try context.requireIdentity()
        guard identity.actor.role == .districtOfficer else {
            throw ServerError(.authority, "only a district officer administers devices and users")
        }
        return identity.actor
    }

    /// A path parameter, percent-decoded.
    func parameter(_ name: String, _ context: DoudiRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), let text = raw.removingPercentEncoding, !text.isEmpty else {
            throw ServerError(.badParameter, "the path names no \(name)")
        }
        return text
    }

    /// The user named in the path, within the officer's jurisdiction.
    func targetUser(_ officer: Actor, _ context: DoudiRequestContext) async throws -> UserAccount {
        let name = try parameter("user", context)
        guard let user = try await store.user(named: name), officer.hasJurisdiction(over: user.org) else {
            throw ServerError(.notFound, "no user \(name) within \(officer.org): see GET /v1/admin/users")
        }
        return user
    }

    /// The device named in the path, whose user is within the officer's jurisdiction.
    func targetDevice(_ officer: Actor, _ context: DoudiRequestContext) async throws -> DeviceSummary {
        let id = try parameter("device", context)
        guard let device = try await store.device(id), officer.hasJurisdiction(over: device.org) else {
            throw ServerError(.notFound, "no device \(id) of a user within \(officer.org) has logged in here: see GET /v1/admin/devices")
        }
        return device
    }

    // MARK: devices

    func devices(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let devices = try await store.devices(within: officer.org)
        return try WireJSON.response(DeviceList(devices: devices))
    }

    func revokeDevice(_ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let device = try await targetDevice(officer, context)
        let revoked = try await store.revokeDevice(device.device, at: clock.nowSeconds)
        // read again: a push that ended while this was revoked counts
        let last = try await store.device(device.device) ?? device
        let note = Self.lossNote(last)
        context.logger.notice("device revoked", metadata: ["target.device": "\(device.device)", "revoked": "\(revoked)",
                                                           "highestSequence": "\(last.highestSequence)"])
        await audit.record(.deviceRevoked, user: device.user, org: device.org, device: device.device, actor: officer.user,
                           detail: "\(revoked) tokens revoked; last sequence received \(last.highestSequence)", logger: context.logger)
        return try WireJSON.response(DeviceRevokeResponse(device: device.device, user: device.user, revokedTokens: revoked,
                                                          highestSequence: last.highestSequence, lastPushAt: last.lastPushAt, note: note))
    }

    /// What a revoked laptop takes with it, as far as the server can tell.
    static func lossNote(_ device: DeviceSummary) -> String {
        guard device.highestSequence > 0 else {
            return "the server never received a change set from device \(device.device): everything made on that laptop is lost unless it is recovered"
        }
        let when = device.lastPushAt.map { " (received \(Self.utc($0)))" } ?? ""
        return "the last change set received from device \(device.device) is number \(device.highestSequence)\(when): change sets after \(device.highestSequence) made on that laptop are lost unless it is recovered"
    }

    /// Seconds since 1970 as `2020-07-01 08:30 UTC`.
    static func utc(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    func assignDevice(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let device = try await targetDevice(officer, context)
        let body = try await reader.decode(DeviceAssignRequest.self, from: request, versioned: false)
        guard let user = try await store.user(named: body.user), officer.hasJurisdiction(over: user.org) else {
            throw ServerError(.notFound, "no user \(body.user) within \(officer.org): see GET /v1/admin/users")
        }
        let revoked = try await store.assignDevice(device.device, to: user.name)
        context.logger.notice("device assigned", metadata: ["target.device": "\(device.device)", "revoked": "\(revoked)"])
        let lifted = device.revokedAt != nil ? "; its revocation lifted" : ""
        await audit.record(.deviceAssigned, user: user.name, org: user.org, device: device.device, actor: officer.user,
                           detail: "from \(device.user) to \(user.name); \(revoked) tokens of others revoked\(lifted)", logger: context.logger)
        return try WireJSON.response(DeviceAssignResponse(device: device.device, previousUser: device.user, user: user.name, revokedTokens: revoked))
    }

    // MARK: users

    func users(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let users = try await store.users(within: officer.org)
        let counts = try await store.loginThrottles(accounts: users.map { LoginThrottle.accountKey($0.name) })
        let summaries = users.map { Self.summary($0, counts[LoginThrottle.accountKey($0.name)]) }
        return try WireJSON.response(UserList(users: summaries))
    }

    static func summary(_ user: UserAccount, _ count: LoginThrottleState?) -> UserSummary {
        UserSummary(user: user.name, role: user.role, org: user.org, disabled: user.disabled, locked: count?.lockedAt != nil,
                    failedLogins: count?.failures ?? 0, mustChangePassword: user.mustChangePassword)
    }

    func currentSummary(_ name: String) async throws -> UserSummary {
        guard let user = try await store.user(named: name) else { throw ServerError(.notFound, "the user \(name) is gone") }
        let key = LoginThrottle.accountKey(name)
        return Self.summary(user, try await store.loginThrottles(accounts: [key])[key])
    }

    func setDisabled(_ disabled: Bool, _ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let user = try await targetUser(officer, context)
        if disabled, user.name == officer.user {
            throw ServerError(.badParameter, "you cannot disable your own account: another district officer can, or use doudi-server admin on the server")
        }
        let changed = user.disabled != disabled
        let revoked = try await store.setDisabled(user.name, disabled)
        context.logger.notice(disabled ? "user disabled" : "user enabled", metadata: ["target.user.tag": "\(LogTag.of(user.name))",
                                                                                     "revoked": "\(revoked)"])
        await audit.record(disabled ? .userDisabled : .userEnabled, user: user.name, org: user.org, actor: officer.user,
                           detail: disabled ? "\(revoked) tokens revoked" : nil, logger: context.logger)
        return try WireJSON.response(UserAdminResponse(user: try await currentSummary(user.name), revokedTokens: revoked, changed: changed))
    }

    func unlock(_ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let user = try await targetUser(officer, context)
        let previous = try await store.clearLoginFailures(account: LoginThrottle.accountKey(user.name))
        let wasLocked = previous?.lockedAt != nil
        context.logger.notice("account unlocked", metadata: ["target.user.tag": "\(LogTag.of(user.name))", "wasLocked": "\(wasLocked)"])
        await audit.record(.accountUnlocked, user: user.name, org: user.org, actor: officer.user,
                           detail: wasLocked ? "was locked after \(previous?.failures ?? 0) failed logins"
                               : "was not locked (\(previous?.failures ?? 0) failed logins forgotten)", logger: context.logger)
        return try WireJSON.response(UserAdminResponse(user: try await currentSummary(user.name), revokedTokens: 0, changed: wasLocked))
    }

    func resetPassword(_ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let user = try await targetUser(officer, context)
        if user.name == officer.user {
            throw ServerError(.badParameter, "you cannot reset your own password here: change it with doudi account-password (POST /v1/password), or use doudi-server admin reset-password on the server")
        }
        let oneTime = OneTimePassword.generate()
        let revoked = try await store.resetPassword(of: user.name, to: try await hasher.hash(oneTime))
        // a reset lets the user in again: the failed-login count and a lock go with the old password
        try await store.clearLoginFailures(account: LoginThrottle.accountKey(user.name))
        context.logger.notice("password reset", metadata: ["target.user.tag": "\(LogTag.of(user.name))", "revoked": "\(revoked)"])
        await audit.record(.passwordReset, user: user.name, org: user.org, actor: officer.user,
                           detail: "one-time password issued; \(revoked) tokens revoked; any lock lifted", logger: context.logger)
        return try WireJSON.response(PasswordResetResponse(user: user.name, oneTimePassword: oneTime, revokedTokens: revoked))
    }

    // MARK: audit log

    func auditLog(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let officer = try officer(context)
        let query = request.uri.queryParameters
        var selection = AuthEventQuery(within: officer.org, limit: 200)
        if let text = query["limit"] {
            guard let n = Int(text), (1...10_000).contains(n) else { throw ServerError(.badParameter, "limit must be a whole number in 1…10000") }
            selection.limit = n
        }
        if let text = query["before"] {
            guard let n = Int64(text), n >= 1 else { throw ServerError(.badParameter, "before must be an event id (a whole number from 1)") }
            selection.before = n
        }
        selection.user = query["user"].map { String($0).removingPercentEncoding ?? String($0) }
        selection.device = query["device"].map { String($0).removingPercentEncoding ?? String($0) }
        let events = try await store.authEvents(selection)
        let before = events.count == selection.limit ? events.last?.id : nil
        return try WireJSON.response(AuthEventList(events: events.map(\.message), before: before))
    }
}
