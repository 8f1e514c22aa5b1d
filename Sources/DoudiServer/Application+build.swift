import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the Doudi server from its configuration: opens (and migrates) the store,
/// seeds it from the bootstrap files, and sets up the routes under `/v1`.
///
/// ```swift
/// let app = try await buildApplication(configuration: try .load(path: "ServerConfig/server.json")) { host, port in
///     print("doudi-server listening on \(host):\(port)")
/// }
/// try await app.runService()   // stops gracefully on SIGINT and SIGTERM
/// ```
/// - Parameters:
///   - configuration: the server configuration.
///   - clock: where time comes from (tests pass their own).
///   - logger: the logger; by default one labelled `doudi-server` at the configured level.
///   - onServerRunning: called once the server listens, with the address and the real port.
/// - Throws: ``DocumentError`` for bootstrap files that cannot be used; a `DatabaseError`
///   when the store cannot be opened.
public func buildApplication(
    configuration: ServerConfiguration,
    clock: ServerClock = .system,
    logger: Logger? = nil,
    extensions: [any ServerExtension] = [],
    onServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) async throws -> some ApplicationProtocol {
    let location = configuration.database.path
    guard PostgresConnectionURL.isPostgres(location) else {
        let store = SQLiteServerStore(database: try ServerDatabase.open(path: configuration.resolve(location)))
        return try await buildApplication(configuration: configuration, store: store, clock: clock, logger: logger,
                                          services: [], extensions: extensions, onServerRunning: onServerRunning)
    }
    let store = try await PostgresServerStore.connect(url: location, logger: logger ?? Logger(label: "doudi-server"))
    do {
        return try await buildApplication(configuration: configuration, store: store, clock: clock, logger: logger,
                                          services: [StoreShutdownService { await store.shutdown() }], extensions: extensions,
                                          onServerRunning: onServerRunning)
    } catch {
        await store.shutdown()
        throw error
    }
}

/// Ends a store's own work (a PostgreSQL store's connection pool) when the application
/// shuts down gracefully; services stop in reverse order, so the HTTP server stops first.
struct StoreShutdownService: Service {
    let shutdown: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

/// Builds the server and runs it until SIGINT or SIGTERM, then shuts down gracefully
/// (requests in flight are answered; the store is closed).
///
/// - Throws: what ``buildApplication(configuration:clock:logger:onServerRunning:)`` throws,
///   or the server's failure to bind.
public func runServer(
    configuration: ServerConfiguration,
    logger: Logger? = nil,
    extensions: [any ServerExtension] = [],
    onServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) async throws {
    let app = try await buildApplication(configuration: configuration, logger: logger, extensions: extensions, onServerRunning: onServerRunning)
    try await app.runService()
    app.logger.info("doudi-server stopped")
}

/// Builds the Doudi server on a store made by the caller (tests, another store kind).
///
/// - Parameter services: services the application runs beside the HTTP server (and stops after it).
public func buildApplication(
    configuration: ServerConfiguration,
    store: any ServerStore,
    clock: ServerClock = .system,
    logger: Logger? = nil,
    services: [any Service] = [],
    extensions: [any ServerExtension] = [],
    onServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "doudi-server")
    if logger.logLevel == .info, let level = Logger.Level(rawValue: configuration.logLevel) { logger.logLevel = level }
    let hasher = PasswordHasher(rounds: configuration.auth.pbkdf2Rounds)
    if configuration.auth.pbkdf2Rounds < 210_000 {
        logger.warning("auth.pbkdf2Rounds is below 210000: fine for tests, too weak for real passwords",
                       metadata: ["rounds": "\(configuration.auth.pbkdf2Rounds)"])
    }
    var ledgerConfiguration = SyncLedger.Configuration()
    ledgerConfiguration.maxDriftMillis = configuration.sync.maxClockDriftSeconds * 1000
    let ledger = SyncLedger(storage: store, configuration: ledgerConfiguration, clock: { clock.nowMillis() })
    try await ServerSeed.load(configuration).apply(to: store, ledger: ledger, hasher: hasher, logger: logger)

    let loopback = LoopbackClient()
    let router = buildRouter(configuration: configuration, store: store, ledger: ledger, hasher: hasher, clock: clock, loopback: loopback)
    for e in extensions { e.addRoutes(to: router, server: ServerContext(configuration: configuration, loopback: loopback)) }
    let host = configuration.http.host
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: configuration.http.port), serverName: "doudi-server"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.http.port
            for e in extensions { await e.serverRunning(host: host, port: port) }
            await onServerRunning(host, port)
        },
        logger: logger
    )
}

/// The routes: `/v1/health` and `/v1/login` without a token, the rest behind ``TokenMiddleware``.
func buildRouter(configuration: ServerConfiguration, store: any ServerStore, ledger: SyncLedger, hasher: PasswordHasher, clock: ServerClock,
                 loopback: LoopbackClient = LoopbackClient()) -> Router<DoudiRequestContext> {
    let router = Router(context: DoudiRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorMiddleware())
    let reader = BodyReader(maxBytes: configuration.http.maxBodyBytes, oldestProtocolVersion: configuration.sync.oldestProtocolVersion)
    let api = router.group("v1")
    let service = ServiceController(store: store, oldestProtocolVersion: configuration.sync.oldestProtocolVersion)
    let bundleKeys = ServerBundleKeys(store: store)
    let keyRegistry = DeviceKeyRegistry(store: store, serverKeys: bundleKeys, audit: AuditLog(store: store, clock: clock))
    let auth = AuthController(store: store, hasher: hasher, clock: clock, auth: configuration.auth, reader: reader, keyRegistry: keyRegistry, loopback: loopback)
    service.addPublicRoutes(to: api)
    auth.addPublicRoutes(to: api)
    let authenticated = api.group().add(middleware: TokenMiddleware(store: store, clock: clock))
        .add(middleware: PushNoteMiddleware(store: store, clock: clock))
    auth.addRoutes(to: authenticated)
    DeviceController(store: store, reader: reader, keyRegistry: keyRegistry).addRoutes(to: authenticated)
    AdminController(store: store, hasher: hasher, clock: clock, reader: reader).addRoutes(to: authenticated)
    service.addRoutes(to: authenticated)
    SyncController(ledger: ledger, reader: reader, sync: configuration.sync).addRoutes(to: authenticated)
    ConflictController(ledger: ledger, reader: reader).addRoutes(to: authenticated)
    BundleController(store: store, ledger: ledger, reader: reader, sync: configuration.sync, clock: clock, serverKeys: bundleKeys)
        .addRoutes(to: authenticated)
    return router
}
