import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging

/// Login, logout, token revocation and password change.
///
/// - `POST /v1/login` (no token): ``LoginRequest`` → ``LoginResponse``
/// - `POST /v1/logout`: revokes the caller's token → ``RevokeResponse``
/// - `POST /v1/tokens/revoke` (district officer): ``RevokeRequest`` → ``RevokeResponse``
/// - `POST /v1/password`: ``PasswordChangeRequest`` → ``PasswordChangeResponse``
///
/// A login is throttled **before** its password is hashed (SPEC §11): per client address
/// (this process) and per account (the store), 429 `login-throttled` with `Retry-After`,
/// or 403 `account-locked`. Its device is then bound to the user at its first login and
/// refused to any other user (SPEC §5.2). Logins, failures and refusals go to the audit log.
struct AuthController {
    let store: any ServerStore
    let hasher: PasswordHasher
    let clock: ServerClock
    let tokenLifetimeSeconds: Int64
    let reader: BodyReader
    let throttle: LoginThrottle
    /// Failed logins per client address, in this process.
    let addresses: AddressThrottle
    let audit: AuditLog
    /// Registers the device's bundle keys a login carries and answers the server's.
    let keyRegistry: DeviceKeyRegistry
    /// Extensions of this process (the web console) that log their users in over loopback.
    let loopback: LoopbackClient

    init(store: any ServerStore, hasher: PasswordHasher, clock: ServerClock, auth: ServerConfiguration.Auth, reader: BodyReader,
         keyRegistry: DeviceKeyRegistry, loopback: LoopbackClient = LoopbackClient()) {
        self.loopback = loopback
        self.store = store; self.hasher = hasher; self.clock = clock; self.tokenLifetimeSeconds = auth.tokenLifetimeSeconds
        self.keyRegistry = keyRegistry
        self.reader = reader
        self.throttle = LoginThrottle(auth.throttle)
        self.addresses = AddressThrottle(rule: LoginThrottle(auth.throttle))
        self.audit = AuditLog(store: store, clock: clock)
    }

    /// Device ids: what `ChangeSet.device` carries; short, plain, and never a person's name.
    static func validateDevice(_ device: String) throws {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
        guard (1...64).contains(device.count), device.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ServerError(.badParameter, "device must be 1–64 characters of letters, digits and . _ : - (the device id the field store made), not a name")
        }
    }

    func addPublicRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.post("login") { request, context in try await self.login(request, context) }
    }

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.post("logout") { _, context in try await self.logout(context) }
        group.post("tokens/revoke") { request, context in try await self.revoke(request, context) }
        group.post("password") { request, context in try await self.changePassword(request, context) }
    }

    /// The client's address: the connection's, or behind a trusted reverse proxy the last
    /// entry of `X-Forwarded-For` (the address the proxy saw); for the web console of this
    /// process, the browser's address it speaks for (``LoopbackClient``).
    func clientAddress(_ request: Request, _ context: DoudiRequestContext) -> String? {
        if let client = loopback.client(of: request, from: context.remoteAddress, to: context.localAddress) { return client }
        return ClientAddress.of(request, context, trustForwardedFor: throttle.configuration.trustForwardedFor)
    }

    static func throttled(_ seconds: Int64, _ whose: String) -> ServerError {
        ServerError(.loginThrottled, "too many failed logins \(whose): try again in \(max(1, seconds)) seconds (Retry-After); each further failure doubles the wait",
                    retryAfterSeconds: max(1, seconds))
    }

    func login(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let login = try await reader.decode(LoginRequest.self, from: request)
        try Self.validateDevice(login.device)
        let now = clock.nowSeconds
        let address = clientAddress(request, context)
        let logger = context.logger
        var metadata: Logger.Metadata = ["device": "\(login.device)", "user.tag": "\(LogTag.of(login.user))"]

        // throttled before the (slow) password hash: per address, then per account
        if let address, let wait = await addresses.wait(for: address, now: now) {
            logger.notice("login throttled", metadata: metadata.merging(["by": "address"]) { $1 })
            throw Self.throttled(wait, "from this address")
        }
        let account = LoginThrottle.accountKey(login.user)
        let counted = try await store.loginThrottles(accounts: [account])[account]
        switch throttle.verdict(counted, now: now) {
        case .locked:
            logger.notice("login refused: account locked", metadata: metadata)
            throw ServerError(.accountLocked, "this account is locked after too many failed logins: ask the district civil-affairs bureau to unlock it (doudi admin user unlock)")
        case .wait(let seconds):
            logger.notice("login throttled", metadata: metadata.merging(["by": "account"]) { $1 })
            throw Self.throttled(seconds, "for this account")
        case .allowed:
            // an account already paying a wait: of several attempts sent at once only one is taken
            if let counted, now - counted.lastFailureAt < throttle.configuration.windowSeconds, throttle.wait(afterFailures: counted.failures) > 0 {
                let until = now + throttle.wait(afterFailures: counted.failures + 1)
                guard try await store.claimLoginAttempt(account: account, now: now, until: until) else {
                    throw Self.throttled(throttle.wait(afterFailures: counted.failures), "for this account")
                }
            }
        }
        if let address, !(await addresses.claim(address, now: now)) {
            throw Self.throttled(await addresses.wait(for: address, now: now) ?? 1, "from this address")
        }

        let found = try await store.user(named: login.user)
        var verified = false
        if let found { verified = try await hasher.verify(login.password, against: found.password) } else {
            try await hasher.burn(login.password) // as slow as a real check: timing does not tell which names exist
        }
        guard verified, let user = found else {
            // counted when it is known — after the slow hash, rounded up — so the wait that follows
            // is the configured wait in real time, however long the hash took
            let failedAt = clock.nowMillis()
            let after = try await store.recordLoginFailure(account: account, atMillis: failedAt, rule: throttle)
            if let address { await addresses.recordFailure(address, atMillis: failedAt) }
            logger.notice("login failed", metadata: metadata.merging(["failures": "\(after.failures)"]) { $1 })
            // a name that is not an account is not written down: it may be a password typed in the wrong field
            await audit.record(.loginFailed, user: found?.name, org: found?.org, device: login.device, address: address,
                               detail: found == nil ? "unknown user name" : "wrong password (\(after.failures) in a row)", logger: logger)
            if after.lockedAt == failedAt / 1000, counted?.lockedAt == nil {
                logger.warning("account locked after failed logins", metadata: metadata)
                await audit.record(.accountLocked, user: found?.name, org: found?.org, device: login.device, address: address,
                                   detail: "\(after.failures) failed logins in a row", logger: logger)
            }
            throw ServerError(.loginFailed, "the user name or the password is wrong")
        }
        metadata["org"] = "\(user.org.value)"
        metadata["role"] = "\(user.role.rawValue)"
        func refuse(_ error: ServerError, _ why: String) async -> ServerError {
            logger.notice("login refused", metadata: metadata.merging(["why": "\(error.code)"]) { $1 })
            await audit.record(.loginRefused, user: user.name, org: user.org, device: login.device, address: address, detail: why, logger: logger)
            return error
        }
        if user.disabled {
            throw await refuse(Self.disabledError, "account disabled")
        }

        // the device's bundle keys (§15.2), checked before anything is written
        let deviceKeys = try login.deviceKeys.map(DeviceKeyRegistry.validated)

        let token = BearerToken.generate()
        let record = TokenRecord(hash: BearerToken.hash(token), user: user.name, device: login.device, role: user.role, org: user.org,
                                 issuedAt: now, expiresAt: now + tokenLifetimeSeconds)
        let firstLogin: Bool
        switch try await store.admitLogin(record, verified: user.password, at: now) {
        case .admitted(let first):
            firstLogin = first
        case .assignedToOther:
            throw await refuse(ServerError(.deviceAssigned, "device \(login.device) belongs to another user: a device serves one user only (its change sets are numbered per device); log in on your own laptop, or ask the district civil-affairs bureau to re-assign this device to you (doudi admin device assign)"),
                               "the device belongs to another user")
        case .revoked:
            throw await refuse(ServerError(.deviceRevoked, "device \(login.device) was revoked by the district (reported lost): it can no longer log in; if it was recovered, ask the district to give it back (doudi admin device assign)"),
                               "the device is revoked")
        case .userChanged:
            // disabled, or the password changed, while this one was checked
            let current = try await store.user(named: user.name)
            if current?.disabled == true { throw await refuse(Self.disabledError, "account disabled") }
            throw ServerError(.loginFailed, "the user name or the password is wrong")
        }
        // a login without keys (an older doudi) gets the server's keys; one with keys gets them when its keys stand
        var serverKeys: BundlePublicKeys?
        if let keys = deviceKeys {
            serverKeys = try await keyRegistry.register(keys, device: login.device, user: user.actor, address: address, logger: logger)
        } else {
            serverKeys = try await keyRegistry.serverKeys.current().publicKeys
        }
        if counted != nil { try await store.clearLoginFailures(account: account) }
        if user.password.rounds != hasher.rounds, !user.mustChangePassword {
            // the configured cost changed: rehash while the password is at hand
            try await store.setPassword(of: user.name, to: try await hasher.hash(login.password))
        }
        logger.info("login", metadata: metadata.merging(["firstLogin": "\(firstLogin)"]) { $1 })
        if firstLogin {
            await audit.record(.deviceBound, user: user.name, org: user.org, device: login.device, address: address, logger: logger)
        }
        await audit.record(.login, user: user.name, org: user.org, device: login.device, address: address,
                           detail: user.mustChangePassword ? "one-time password: the token serves only to change it" : nil, logger: logger)
        return try WireJSON.response(LoginResponse(token: token, actor: user.actor, device: login.device, expiresAt: record.expiresAt,
                                                   serverKeys: serverKeys, deviceKeysRegistered: deviceKeys == nil ? nil : serverKeys != nil))
    }

    static let disabledError = ServerError(.accountDisabled, "this account is disabled: ask the district civil-affairs bureau to enable it (doudi admin user enable)")

    func logout(_ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let revoked = try await store.revokeTokens(TokenSelection(hash: identity.tokenHash))
        context.logger.info("logout")
        await audit.record(.logout, user: identity.actor.user, org: identity.actor.org, device: identity.device, logger: context.logger)
        return try WireJSON.response(RevokeResponse(revoked: revoked))
    }

    func revoke(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.actor.role == .districtOfficer else {
            throw ServerError(.authority, "only a district officer may revoke other people's tokens; use POST /v1/logout for your own")
        }
        let body = try await reader.decode(RevokeRequest.self, from: request, versioned: false)
        guard body.user != nil || body.device != nil else {
            throw ServerError(.badParameter, "name the user, the device, or both whose tokens to revoke")
        }
        var org: OrgCode?
        if let name = body.user {
            guard let user = try await store.user(named: name), identity.actor.hasJurisdiction(over: user.org) else {
                throw ServerError(.notFound, "no user \(name) within \(identity.actor.org)")
            }
            org = user.org
        } else if let device = body.device {
            org = try await store.device(device)?.org
        }
        let revoked = try await store.revokeTokens(TokenSelection(user: body.user, device: body.device, within: identity.actor.org))
        context.logger.notice("tokens revoked", metadata: ["revoked": "\(revoked)", "target.device": "\(body.device ?? "-")",
                                                           "target.user.tag": "\(body.user.map(LogTag.of) ?? "-")"])
        await audit.record(.tokensRevoked, user: body.user, org: org,
                           device: body.device, actor: identity.actor.user, detail: "\(revoked) tokens", logger: context.logger)
        return try WireJSON.response(RevokeResponse(revoked: revoked))
    }

    func changePassword(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await reader.decode(PasswordChangeRequest.self, from: request, versioned: false)
        // the current password is checked like a login's (a stolen token must not guess it freely):
        // throttled before the hash, and a wrong one counts towards the account's lockout
        let now = clock.nowSeconds
        let account = LoginThrottle.accountKey(identity.actor.user)
        switch throttle.verdict(try await store.loginThrottles(accounts: [account])[account], now: now) {
        case .locked:
            throw ServerError(.accountLocked, "this account is locked after too many wrong passwords: ask the district civil-affairs bureau to unlock it (doudi admin user unlock)")
        case .wait(let seconds):
            throw Self.throttled(seconds, "for this account")
        case .allowed:
            break
        }
        guard let user = try await store.user(named: identity.actor.user) else {
            throw ServerError(.notFound, "the account of this token no longer exists")
        }
        guard try await hasher.verify(body.currentPassword, against: user.password) else {
            let after = try await store.recordLoginFailure(account: account, atMillis: clock.nowMillis(), rule: throttle)
            await audit.record(.loginFailed, user: user.name, org: user.org, device: identity.device, address: clientAddress(request, context),
                               detail: "wrong current password when changing it (\(after.failures) in a row)", logger: context.logger)
            throw ServerError(.loginFailed, "the current password is wrong")
        }
        _ = try await store.clearLoginFailures(account: account)
        guard body.newPassword.count >= 10, body.newPassword != body.currentPassword else {
            throw ServerError(.badParameter, "the new password must have at least 10 characters and differ from the current one")
        }
        try await store.setPassword(of: user.name, to: try await hasher.hash(body.newPassword))
        let revoked = try await store.revokeTokens(TokenSelection(user: user.name, except: identity.tokenHash))
        context.logger.notice("password changed", metadata: ["revoked": "\(revoked)"])
        await audit.record(.passwordChanged, user: user.name, org: user.org, device: identity.device, detail: "\(revoked) other tokens revoked",
                           logger: context.logger)
        return try WireJSON.response(PasswordChangeResponse(revokedTokens: revoked))
    }
}
