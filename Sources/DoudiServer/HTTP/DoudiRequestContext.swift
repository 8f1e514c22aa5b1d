import Hummingbird

/// The request context of every Doudi route: Hummingbird's core storage and, once the
/// bearer token is checked, who is calling.
public struct DoudiRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``TokenMiddleware``; `nil` on the routes that need no token.
    public var identity: Identity?
    /// The client's IP address as the connection shows it (`nil` when unknown, e.g. in
    /// router tests); login throttling counts failures per address.
    public var remoteAddress: String?
    /// The server's own IP address on this connection (where the client reached it).
    public var localAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        localAddress = source.channel.localAddress?.ipAddress
    }

    /// The caller, on a route behind ``TokenMiddleware``.
    ///
    /// - Throws: ``ServerError`` `unauthenticated` when no token was checked.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw ServerError(.unauthenticated, "this endpoint needs Authorization: Bearer <token> from POST /v1/login") }
        return identity
    }
}
