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
struct AuthController {
    let store: any ServerStore
    let hasher: PasswordHasher
    let clock: ServerClock
    let tokenLifetimeSeconds: Int64
    let reader: BodyReader

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

    func login(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let login = try await reader.decode(LoginRequest.self, from: request)
        try Self.validateDevice(login.device)
        let found = try await store.user(named: login.user)
        var verified = false
        if let found { verified = try await hasher.verify(login.password, against: found.password) } else {
            try await hasher.burn(login.password) // as slow as a real check: timing does not tell which names exist
        }
        guard verified, let user = found else {
            context.logger.notice("login failed", metadata: ["device": "\(login.device)", "user.tag": "\(LogTag.of(login.user))"])
            throw ServerError(.loginFailed, "the user name or the password is wrong")
        }
        let token = BearerToken.generate()
        let now = clock.nowSeconds
        let record = TokenRecord(hash: BearerToken.hash(token), user: user.name, device: login.device, role: user.role, org: user.org,
                                 issuedAt: now, expiresAt: now + tokenLifetimeSeconds)
        try await store.insertToken(record)
        if user.password.rounds != hasher.rounds {
            // the configured cost changed: rehash while the password is at hand
            try await store.setPassword(of: user.name, to: try await hasher.hash(login.password))
        }
        context.logger.info("login", metadata: ["device": "\(login.device)", "org": "\(user.org.value)", "role": "\(user.role.rawValue)",
                                                "user.tag": "\(LogTag.of(user.name))"])
        return try WireJSON.response(LoginResponse(token: token, actor: user.actor, device: login.device, expiresAt: record.expiresAt))
    }

    func logout(_ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let revoked = try await store.revokeTokens(TokenSelection(hash: identity.tokenHash))
        context.logger.info("logout")
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
        if let name = body.user {
            guard let user = try await store.user(named: name), identity.actor.hasJurisdiction(over: user.org) else {
                throw ServerError(.notFound, "no user \(name) within \(identity.actor.org)")
            }
        }
        let revoked = try await store.revokeTokens(TokenSelection(user: body.user, device: body.device, within: identity.actor.org))
        context.logger.notice("tokens revoked", metadata: ["revoked": "\(revoked)", "target.device": "\(body.device ?? "-")",
                                                           "target.user.tag": "\(body.user.map(LogTag.of) ?? "-")"])
        return try WireJSON.response(RevokeResponse(revoked: revoked))
    }

    func changePassword(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await reader.decode(PasswordChangeRequest.self, from: request, versioned: false)
        guard let user = try await store.user(named: identity.actor.user),
              try await hasher.verify(body.currentPassword, against: user.password) else {
            throw ServerError(.loginFailed, "the current password is wrong")
        }
        guard body.newPassword.count >= 10, body.newPassword != body.currentPassword else {
            throw ServerError(.badParameter, "the new password must have at least 10 characters and differ from the current one")
        }
        try await store.setPassword(of: user.name, to: try await hasher.hash(body.newPassword))
        let revoked = try await store.revokeTokens(TokenSelection(user: user.name, except: identity.tokenHash))
        context.logger.notice("password changed", metadata: ["revoked": "\(revoked)"])
        return try WireJSON.response(PasswordChangeResponse(revokedTokens: revoked))
    }
}
