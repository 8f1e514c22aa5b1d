import DoudiModel
import DoudiSync
import Foundation

/// Everything `doudi-server` needs to run, read from `ServerConfig/server.json`.
///
/// Every field has a default, so `{}` is a valid configuration; unknown fields are
/// refused (a misspelt setting must not fall back to a default silently). Paths are
/// relative to the folder of the configuration file (``baseDirectory``).
///
/// ```swift
/// var configuration = try ServerConfiguration.load(path: "ServerConfig/server.json")
/// configuration.http.port = 0   // any free port
/// let app = try await buildApplication(configuration: configuration)
/// ```
public struct ServerConfiguration: Hashable, Sendable, Codable {
    /// Where and how the HTTP server listens.
    public struct HTTP: Hashable, Sendable, Codable {
        /// Address to bind; `127.0.0.1` unless a reverse proxy on another host needs more.
        public var host: String = "127.0.0.1"
        /// Port to bind; `0` takes any free port (the real one is printed once bound).
        public var port: Int = 8080
        /// Largest request body accepted, in bytes (a first push of a village is large).
        public var maxBodyBytes: Int = 32 * 1024 * 1024

        public init() {}
    }

    /// Where the store lives: the embedded SQLite default, or PostgreSQL.
    public struct Database: Hashable, Sendable, Codable {
        /// The SQLite database file, `:memory:` for a store that lives as long as the process,
        /// or `postgres://USER[:PASSWORD]@HOST:PORT/DATABASE` for PostgreSQL (several server
        /// processes may share one).
        public var path: String = "doudi-server.sqlite"

        public init() {}
    }

    /// Passwords and tokens.
    public struct Auth: Hashable, Sendable, Codable {
        /// How long a bearer token is valid after login.
        public var tokenLifetimeSeconds: Int64 = 30 * 24 * 3600
        /// PBKDF2-HMAC-SHA256 rounds for new password hashes (OWASP 2023: 600,000).
        public var pbkdf2Rounds: Int = 600_000
        /// How failed logins are slowed down and when an account is locked.
        public var throttle = Throttle()

        public init() {}
    }

    /// Login throttling and lockout (SPEC §11, docs/SERVER.md "Login throttling").
    ///
    /// Per account (kept in the store, shared by every server process): `freeFailures`
    /// failed logins in a row cost nothing, then each further attempt must wait 2, 4, 8 …
    /// seconds (at most `maxBackoffSeconds`; sooner is answered 429 `login-throttled`
    /// with `Retry-After`), and after `lockoutFailures` the account is locked until a
    /// district officer unlocks it. Per client address (kept in each process's memory):
    /// the same waits after `addressFreeFailures`, never a lock. Failures further apart
    /// than `windowSeconds` start the count again.
    public struct Throttle: Hashable, Sendable, Codable {
        /// Failed logins of one account in a row before each attempt must wait.
        public var freeFailures: Int = 5
        /// Failed logins of one account in a row that lock it.
        public var lockoutFailures: Int = 20
        /// Failures further apart than this start the count again (a lock stays).
        public var windowSeconds: Int64 = 3600
        /// The longest wait between two attempts.
        public var maxBackoffSeconds: Int64 = 900
        /// Failed logins from one client address (any accounts) before its attempts must wait.
        public var addressFreeFailures: Int = 30
        /// Take the client address from the last entry of `X-Forwarded-For` (set it only
        /// behind a reverse proxy that writes that header; otherwise clients could choose
        /// their own address).
        public var trustForwardedFor: Bool = false

        public init() {}
    }

    /// Push and pull limits.
    public struct Sync: Hashable, Sendable, Codable {
        /// Records per pull page when the client does not say.
        public var defaultPullLimit: Int = 1000
        /// Most records per pull page a client may ask for.
        public var maxPullLimit: Int = 10_000
        /// Bytes per pull page when the client does not say.
        public var defaultPullBytes: Int = 4 * 1024 * 1024
        /// Most bytes per pull page a client may ask for.
        public var maxPullBytes: Int = 16 * 1024 * 1024
        /// Most change sets in one push.
        public var maxChangeSetsPerPush: Int = 5000
        /// Clock stamps further ahead of the server clock than this are rejected (`clock`).
        public var maxClockDriftSeconds: Int64 = 300
        /// The oldest protocol version still answered (SPEC §4): a login, push or pull of an
        /// older client is refused 400 `protocol-version` ("update doudi"), nothing applied.
        /// 1 while version-1 laptops are still in the field; 2 once they are all updated.
        public var oldestProtocolVersion: Int = 1

        public init() {}
    }

    /// The files the store is seeded from on every start (missing entries are added,
    /// existing ones are never overwritten).
    public struct Bootstrap: Hashable, Sendable, Codable {
        /// Org units of the district (`{"units": [...]}`).
        public var orgUnits: String = "org-units.json"
        /// First users, with initial passwords (`{"users": [...]}`); hashed on first start.
        public var users: String = "users.json"
        /// A policy file or a directory of policy files (`docs/POLICY-FILE.md`).
        public var policies: String = "policy"

        public init() {}
    }

    /// The towns' and the district's web console (`/console`, DoudiConsole).
    public struct Console: Hashable, Sendable, Codable {
        /// Serve the console; off, `/console` answers 404 and the API is unchanged.
        public var enabled: Bool = true
        /// Where each console user's working copy of their scope is kept (a field store sealed
        /// with the user's password, as a laptop's). Empty: `console` beside the SQLite database,
        /// or in the system's temporary folder for `:memory:` and PostgreSQL.
        public var directory: String = ""
        /// A session ends after this long without a request.
        public var idleSeconds: Int64 = 30 * 60
        /// A session ends this long after its login, however busy.
        public var lifetimeSeconds: Int64 = 12 * 3600
        /// The banks' batch-file layouts (`docs/BANK-FORMATS.md`), relative to the configuration's
        /// folder: the console writes each bank's batch of a payment roll with them.
        public var banks: String = "banks"
        /// Where the offices are: the console's "today" (a step may not be dated after it) and
        /// its forms' default day. An IANA zone name.
        public var timeZone: String = "Asia/Shanghai"
        /// Mark the session cookie `Secure` (set it when the console is reached over TLS, through
        /// a reverse proxy: the cookie is then never sent in clear).
        public var secureCookie: Bool = false

        public init() {}
    }

    public var http = HTTP()
    public var database = Database()
    public var console = Console()
    public var auth = Auth()
    public var sync = Sync()
    public var bootstrap = Bootstrap()
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`.
    public var logLevel: String = "info"
    /// The folder relative paths are resolved against (the configuration file's folder).
    public var baseDirectory: String = FileManager.default.currentDirectoryPath

    public init() {}

    enum CodingKeys: String, CodingKey { case http, database, auth, sync, bootstrap, console, logLevel }

    /// Reads a configuration file; relative paths in it are taken relative to its folder.
    ///
    /// - Throws: ``DocumentError`` naming the file and the field at fault.
    public static func load(path: String) throws(DocumentError) -> ServerConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentError(document: path, field: "", message: "cannot be read: pass --config with the server configuration, e.g. ServerConfig/server.json")
        }
        // a field left out keeps its default: the file is laid over the defaults
        let merged: Data
        do {
            let defaults = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ServerConfiguration()))
            let file = try JSONSerialization.jsonObject(with: data)
            merged = try JSONSerialization.data(withJSONObject: Self.overlay(file, on: defaults))
        } catch {
            throw DocumentError(document: path, field: "", message: "is not valid JSON")
        }
        var configuration = try DocumentError.decode(ServerConfiguration.self, from: merged, document: path)
        try DocumentError.rejectUnknownFields(in: data, decoded: configuration, document: path, reference: "docs/SERVER.md")
        let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        configuration.baseDirectory = absolute.deletingLastPathComponent().standardizedFileURL.path
        do { try configuration.validate() } catch { throw DocumentError(document: path, field: error.field ?? "", message: error.message) }
        return configuration
    }

    static func overlay(_ top: Any, on base: Any) -> Any {
        guard let top = top as? [String: Any], let base = base as? [String: Any] else { return top }
        return base.merging(top) { b, t in overlay(t, on: b) }
    }

    /// Checks the figures are usable.
    ///
    /// - Throws: ``ModelError`` naming the field.
    public func validate() throws(ModelError) {
        func require(_ ok: Bool, _ field: String, _ message: String) throws(ModelError) {
            if !ok { throw ModelError(.invalidValue, field: field, message) }
        }
        try require(!http.host.isEmpty, "http.host", "must name an address to bind, e.g. 127.0.0.1")
        try require((0...65535).contains(http.port), "http.port", "must be 0–65535 (0 = any free port)")
        try require(http.maxBodyBytes >= 64 * 1024, "http.maxBodyBytes", "must be at least 65536 bytes (a first push is large; 33554432 is the default)")
        try require(!database.path.isEmpty, "database.path", "must name a file or :memory:")
        try require(auth.tokenLifetimeSeconds >= 60, "auth.tokenLifetimeSeconds", "must be at least 60 seconds")
        try require(auth.pbkdf2Rounds >= 1, "auth.pbkdf2Rounds", "must be at least 1 (use 600000 in production)")
        let throttle = auth.throttle
        try require(throttle.freeFailures >= 1, "auth.throttle.freeFailures", "must be at least 1 (5 is the default)")
        try require(throttle.lockoutFailures > throttle.freeFailures, "auth.throttle.lockoutFailures",
                    "must be more than auth.throttle.freeFailures (20 is the default)")
        try require(throttle.windowSeconds >= 1, "auth.throttle.windowSeconds", "must be at least 1 second (3600 is the default)")
        try require(throttle.maxBackoffSeconds >= 1, "auth.throttle.maxBackoffSeconds", "must be at least 1 second (900 is the default)")
        try require(throttle.addressFreeFailures >= 1, "auth.throttle.addressFreeFailures", "must be at least 1 (30 is the default)")
        try require(sync.defaultPullLimit >= 1 && sync.defaultPullLimit <= sync.maxPullLimit, "sync.defaultPullLimit", "must be 1…maxPullLimit")
        try require(sync.defaultPullBytes >= 1024 && sync.defaultPullBytes <= sync.maxPullBytes, "sync.defaultPullBytes", "must be 1024…maxPullBytes")
        try require(sync.maxChangeSetsPerPush >= 1, "sync.maxChangeSetsPerPush", "must be at least 1")
        try require(sync.maxClockDriftSeconds >= 0, "sync.maxClockDriftSeconds", "cannot be negative")
        try require(readableProtocolVersions.contains(sync.oldestProtocolVersion), "sync.oldestProtocolVersion",
                    "must be \(readableProtocolVersions.lowerBound)…\(DoudiSync.protocolVersion) (the versions this server speaks)")
        try require(console.idleSeconds >= 60, "console.idleSeconds", "must be at least 60 seconds (1800 is the default)")
        try require(TimeZone(identifier: console.timeZone) != nil, "console.timeZone", "must be an IANA time zone such as Asia/Shanghai")
        try require(console.lifetimeSeconds >= console.idleSeconds, "console.lifetimeSeconds", "must be at least console.idleSeconds (43200 is the default)")
        try require(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel), "logLevel",
                    "must be trace, debug, info, notice, warning, error or critical")
    }

    /// The folder of the console's working copies (``Console/directory``), absolute.
    public var consoleDirectory: String {
        if !console.directory.isEmpty { return resolve(console.directory) }
        let location = database.path
        if location == ":memory:" || PostgresConnectionURL.isPostgres(location) {
            return (NSTemporaryDirectory() as NSString).appendingPathComponent("doudi-console-\(ProcessInfo.processInfo.processIdentifier)")
        }
        return (resolve(location) as NSString).deletingLastPathComponent + "/console"
    }

    /// A path from the configuration, made absolute against ``baseDirectory``.
    public func resolve(_ path: String) -> String {
        if path == ":memory:" || path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true)).standardizedFileURL.path
    }
}

/// Where the server takes the time from: the system clock, or a test's clock.
public struct ServerClock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var nowMillis: @Sendable () -> Int64

    public init(nowMillis: @escaping @Sendable () -> Int64) { self.nowMillis = nowMillis }

    /// The system's wall clock.
    public static let system = ServerClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Seconds since 1970 (token expiry is in seconds).
    public var nowSeconds: Int64 { nowMillis() / 1000 }
}
