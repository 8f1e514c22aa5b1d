import Foundation
import PostgresNIO

/// Where the PostgreSQL store's database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (`postgresql://` too), with an optional `?sslmode=disable|prefer|require`.
///
/// Without `sslmode`, TLS is off for the loopback host (`127.0.0.1`, `localhost`, `::1`)
/// and preferred elsewhere (used when the server offers it, and then its certificate is
/// verified). User name and password may be percent-encoded.
///
/// ```swift
/// let url = try PostgresConnectionURL("postgres://doudi:secret@10.0.0.5:5432/doudi")
/// ```
public struct PostgresConnectionURL: Hashable, Sendable, CustomStringConvertible {
    /// Whether the connection uses TLS.
    public enum TLSMode: String, Hashable, Sendable {
        /// Never.
        case disable
        /// When the server offers it.
        case prefer
        /// Always; the connection fails if the server does not offer it.
        case require
    }

    /// A host name or IP address (without brackets for IPv6).
    public var host: String
    /// 5432 unless the URL gives one.
    public var port: Int
    public var user: String
    /// `nil` when the URL gives none (trust or peer authentication).
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses a URL.
    ///
    /// - Throws: ``ServerError`` `bad-parameter` naming what is wrong (never echoing the password).
    public init(_ text: String) throws {
        let shape = "use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, e.g. postgres://doudi@127.0.0.1:5432/doudi"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw ServerError(.badParameter, "the PostgreSQL URL \(Self.redacted(text)) cannot be read: \(shape)")
        }
        let shown = Self.redacted(text)
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw ServerError(.badParameter, "the PostgreSQL URL \(shown) has the scheme \(scheme): \(shape)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ServerError(.badParameter, "the PostgreSQL URL \(shown) names no user: \(shape)")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw ServerError(.badParameter, "the PostgreSQL URL \(shown) names no host: \(shape)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw ServerError(.badParameter, "the PostgreSQL URL \(shown) has the port \(port), not one of 1…65535")
        }
        let path = components.path
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !database.isEmpty, !database.contains("/") else {
            throw ServerError(.badParameter, "the PostgreSQL URL \(shown) names no database (or more than one path component): \(shape)")
        }
        var tls: TLSMode = ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) ? .disable : .prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw ServerError(.badParameter, "the PostgreSQL URL \(shown) has the parameter \(item.name); only sslmode (disable, prefer, require) is read")
            }
            switch item.value ?? "" {
            case "disable": tls = .disable
            case "allow", "prefer": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default:
                throw ServerError(.badParameter, "the PostgreSQL URL \(shown) has sslmode=\(item.value ?? ""): use disable, prefer or require")
            }
        }
        self.host = host; self.port = port; self.user = user; self.password = components.password
        self.database = database; self.tls = tls
    }

    /// The URL with the password hidden (for logs and messages).
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(shownHost):\(port)/\(database)"
    }

    /// The text with anything between `://USER:` and `@` hidden.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
              let colon = text.range(of: ":", range: scheme.upperBound..<at.lowerBound) else { return text }
        return text.replacingCharacters(in: colon.upperBound..<at.lowerBound, with: "***")
    }

    /// The configuration of a ``PostgresClient`` (the pool the store runs on).
    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tlsConfiguration: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: tlsConfiguration = .disable
        case .prefer: tlsConfiguration = .prefer(.makeClientConfiguration())
        case .require: tlsConfiguration = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tlsConfiguration)
        configuration.options.maximumConnections = max(1, maximumConnections)
        return configuration
    }

    /// The configuration of a single connection (the migrations at start).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tlsConfiguration: PostgresConnection.Configuration.TLS
        do {
            switch tls {
            case .disable: tlsConfiguration = .disable
            case .prefer: tlsConfiguration = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tlsConfiguration = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw ServerError(.internal, "cannot set up TLS for PostgreSQL at \(self): \(error); add ?sslmode=disable to the URL to connect without TLS")
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database,
                                                tls: tlsConfiguration)
    }
}
