import DoudiModel
import Foundation
import Hummingbird
import Logging

/// Checks the bearer token and puts the caller's ``Identity`` in the context.
///
/// - 401 `unauthenticated`: no token, or one the server does not know.
/// - 401 `token-revoked` / `token-expired`: log in again.
/// - 403 `password-change-required`: a token issued after a password reset serves only
///   the routes that set a new password (and logout) until the user has set one.
struct TokenMiddleware: RouterMiddleware {
    typealias Context = DoudiRequestContext
    let store: any ServerStore
    let clock: ServerClock

    /// What a password-change-only token may reach.
    static let servedBeforePasswordChange: Set<String> = ["/v1/password", "/v1/logout", "/v1/device"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw ServerError(.unauthenticated, "send Authorization: Bearer <token>; get a token with POST /v1/login")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let record = try await store.token(hash: BearerToken.hash(token)) else {
            throw ServerError(.unauthenticated, "the token is not known here: log in again with POST /v1/login")
        }
        guard !record.revoked else {
            throw ServerError(.tokenRevoked, "the token was revoked: log in again with POST /v1/login")
        }
        guard record.expiresAt > clock.nowSeconds else {
            throw ServerError(.tokenExpired, "the token expired: log in again with POST /v1/login")
        }
        if record.passwordChangeOnly, !Self.servedBeforePasswordChange.contains(request.uri.path) {
            throw ServerError(.passwordChangeRequired, "the district reset this account's password: set a password of your own first (doudi account-password, or POST /v1/password), then go on")
        }
        var context = context
        context.identity = Identity(actor: record.actor, device: record.device, tokenHash: record.hash, expiresAt: record.expiresAt)
        context.logger[metadataKey: "device"] = "\(record.device)"
        context.logger[metadataKey: "org"] = "\(record.org.value)"
        context.logger[metadataKey: "role"] = "\(record.role.rawValue)"
        context.logger[metadataKey: "user.tag"] = "\(LogTag.of(record.user))"
        return try await next(request, context)
    }
}
