import Foundation
import Hummingbird

/// A part of `doudi-server` built outside this module that serves routes beside the API:
/// the web console (DoudiConsole). It is handed what it may use of the server when the
/// router is built, and told the server's real address once it listens.
public protocol ServerExtension: Sendable {
    /// Adds the extension's routes (outside `/v1`); called once, while the router is built.
    func addRoutes(to router: Router<DoudiRequestContext>, server: ServerContext)
    /// Called once the server listens, with the address it bound and its real port.
    func serverRunning(host: String, port: Int) async
}

/// What an extension may use of the server.
public struct ServerContext: Sendable {
    /// The server's configuration.
    public var configuration: ServerConfiguration
    /// Proves a request to the API comes from an extension in this process, which speaks for a
    /// client it serves: see ``LoopbackClient``.
    public var loopback: LoopbackClient

    /// The address of the client of a request, as login throttling counts it: the connection's,
    /// or behind a trusted reverse proxy (`auth.throttle.trustForwardedFor`) the last entry of
    /// `X-Forwarded-For`.
    public func clientAddress(_ request: Request, _ context: DoudiRequestContext) -> String? {
        ClientAddress.of(request, context, trustForwardedFor: configuration.auth.throttle.trustForwardedFor)
    }
}

/// Where a request comes from, for throttling and the audit log.
enum ClientAddress {
    static func of(_ request: Request, _ context: DoudiRequestContext, trustForwardedFor: Bool) -> String? {
        if trustForwardedFor,
           let forwarded = request.headers.last(where: { $0.name.canonicalName == "x-forwarded-for" })?.value,
           let last = forwarded.split(separator: ",").last.map({ $0.trimmingCharacters(in: .whitespaces) }), !last.isEmpty {
            return String(last.prefix(64))
        }
        return context.remoteAddress
    }
}

/// The API's trust in an extension of the same process that calls it over loopback on behalf
/// of its own clients (the console logs its users in through `POST /v1/login`): such a request
/// carries ``keyHeader`` with this process's random ``key`` and ``clientHeader`` with the address
/// of the browser it acts for, so that login throttling counts that browser's address
/// (SPEC §11), not the server's own. Without the key the header is ignored.
public struct LoopbackClient: Sendable {
    public static let keyHeader = "X-Doudi-Loopback-Key"
    public static let clientHeader = "X-Doudi-Loopback-Client"
    /// 32 random bytes, hex: made at start, never stored or logged.
    public let key: String

    public init() { key = Secret.hex() }

    /// The client address a request speaks for when it carries this process's key and comes
    /// from this machine: over loopback, or to the address the server listens on from that same
    /// address (`http.host` set to an office network's address). The key never leaves the
    /// process, but a connection from elsewhere is not asked.
    func client(of request: Request, from remote: String?, to local: String?) -> String? {
        guard Self.fromThisMachine(remote: remote, local: local) else { return nil }
        func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return request.headers.last(where: { $0.name.canonicalName == lower })?.value
        }
        guard let given = header(Self.keyHeader), Secret.equal(given, key),
              let client = header(Self.clientHeader), !client.isEmpty else { return nil }
        return String(client.prefix(64))
    }

    /// True for a connection from this machine: a loopback address, or the connection's own
    /// local address (a process here reaching the server at the office address it listens on).
    public static func fromThisMachine(remote: String?, local: String?) -> Bool {
        guard let remote, !remote.isEmpty else { return false }
        return remote == "::1" || remote.hasPrefix("127.") || remote.hasPrefix("::ffff:127.") || remote == local
    }
}
