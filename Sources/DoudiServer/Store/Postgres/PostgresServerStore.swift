import DoudiModel
import DoudiSync
import Foundation
import Logging
import PostgresNIO

/// The store on PostgreSQL: for a district that outgrows one machine, shared by several
/// `doudi-server` processes (tokens, sequences and outcomes live in the database).
///
/// It keeps the rows of ``SyncLedger`` (``LedgerStorage``): each ledger transaction is a
/// READ COMMITTED transaction whose advisory locks (``LedgerLock/number``) make
/// transactions over the same person, fund, household, record or device run one after the
/// other; each district's feed has its own sequence (`district_sequence`).
///
/// It runs on a ``PostgresClient`` (a connection pool), which needs a task running its
/// `run()`. Either let the store own that task:
///
/// ```swift
/// let store = try await PostgresServerStore.connect(url: "postgres://doudi@127.0.0.1:5432/doudi", logger: logger)
/// let ledger = SyncLedger(storage: store, clock: { ServerClock.system.nowMillis() })
/// // … serve …
/// await store.shutdown()   // when the server stops
/// ```
///
/// or run the client yourself (e.g. as a service of a ServiceLifecycle `ServiceGroup`,
/// which ``PostgresClient`` is) and wrap it:
///
/// ```swift
/// let client = PostgresClient(configuration: …)
/// let store = PostgresServerStore(client: client, logger: logger)   // client.run() runs elsewhere
/// try await store.migrate()
/// ```
public struct PostgresServerStore: ServerStore {
    /// The pool the store runs its statements on.
    public let client: PostgresClient
    let logger: Logger
    /// The task running the client, when the store started it (``connect(url:logger:maximumConnections:)``).
    let runner: ClientRunner?
    /// How often a transaction runs in all when it keeps failing transiently, before ``LedgerError`` `busy`.
    let maxAttempts = 8

    /// Wraps a client that someone else runs (its `run()` must be going for any statement to run).
    /// Call ``migrate()`` before using the store.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client; self.logger = logger; self.runner = nil
    }

    init(client: PostgresClient, logger: Logger, runner: ClientRunner) {
        self.client = client; self.logger = logger; self.runner = runner
    }

    /// Connects to the database at `url`, brings its schema up to date and starts the
    /// connection pool in a task the store owns (end it with ``shutdown()``).
    ///
    /// The migrations run over a connection of their own first, so a wrong URL, user,
    /// password or database fails here at once rather than at the first request.
    ///
    /// - Parameters:
    ///   - url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (see ``PostgresConnectionURL``).
    ///   - maximumConnections: the pool's size; every server process has its own pool.
    /// - Throws: ``ServerError`` `bad-parameter` for a URL that cannot be read, `unavailable`
    ///   when the database cannot be reached, `internal` when a migration fails.
    public static func connect(url: String, logger: Logger = Logger(label: "doudi.postgres"),
                               maximumConnections: Int = 20) async throws -> PostgresServerStore {
        let location = try PostgresConnectionURL(url)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 0, logger: logger)
        } catch let error as PSQLError {
            throw PostgresFailure(operation: "connecting to \(location)", error: error).serverError
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError(.unavailable, "cannot connect to PostgreSQL at \(location): \(error); check that the database server runs and accepts TCP connections there")
        }
        do {
            try await PostgresMigrations.migrate(on: connection, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
        let client = PostgresClient(configuration: location.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
        // return once the task is about to run the pool (a lease before run() starts logs a warning)
        let (started, signal) = AsyncStream<Void>.makeStream()
        let runner = ClientRunner(Task {
            signal.finish()
            await client.run()
        })
        for await _ in started {}
        return PostgresServerStore(client: client, logger: logger, runner: runner)
    }

    /// Brings the schema up to date (``connect(url:logger:maximumConnections:)`` does it itself).
    ///
    /// - Throws: ``ServerError`` naming the migration that failed.
    public func migrate() async throws {
        do {
            _ = try await client.withConnection { connection in
                try await PostgresMigrations.migrate(on: connection, logger: logger)
            }
        } catch {
            throw PostgresFailure.forCaller(error, during: "leasing a connection for the migrations")
        }
    }

    /// Stops the connection pool the store started and waits until it has closed its
    /// connections; call it once the server serves no more requests (a statement still
    /// running may fail, and every statement after it fails with ``ServerError`` `unavailable`).
    /// A store made with ``init(client:logger:)`` leaves its client alone.
    public func shutdown() async {
        guard let runner else { return }
        runner.task.cancel()
        await runner.task.value
    }

    // MARK: statements outside a ledger transaction

    /// Runs one statement on a pooled connection and hands over its rows.
    func rows(_ query: PostgresQuery, _ operation: String) async throws -> [PostgresRow] {
        do {
            return try await client.query(query, logger: logger).collect()
        } catch {
            throw PostgresFailure.forCaller(error, during: operation)
        }
    }

    // MARK: org units and users

    public func saveOrgUnits(_ units: [OrgUnit]) async throws {
        // a code given twice: the last stands (one upsert may not touch a row twice)
        let units = PostgresLedgerTransaction.lastByKey(units, key: \.code)
        guard !units.isEmpty else { return }
        _ = try await rows("""
            INSERT INTO org_unit(code, name, kind, population)
            SELECT * FROM unnest(\(units.map(\.code.value))::text[], \(units.map(\.name))::text[],
                                 \(PostgresNullableArray(units.map(\.kind)))::text[],
                                 \(PostgresNullableArray(units.map { $0.population.map(Int64.init) }))::bigint[])
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, population = excluded.population
            """, "saving \(units.count) org units")
    }

    public func orgUnits() async throws -> [OrgUnit] {
        try await rows("SELECT code, name, kind, population FROM org_unit ORDER BY code", "reading the org units").map { row in
            let (code, name, kind, population) = try Self.decode(row, (String, String, String?, Int64?).self, "an org unit")
            return OrgUnit(code: try Self.orgCode(code), name: name, kind: kind, population: population.map { Int($0) })
        }
    }


    public func user(named name: String) async throws -> UserAccount? {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM app_user WHERE name = \(name)", "reading the user \(name)")
            .first.map(Self.userAccount)
    }

    /// The columns ``userAccount(_:)`` reads, in its order.
    static let userColumns = "name, role, org, algorithm, salt, hash, rounds, disabled, must_change_password"

    static func userAccount(_ row: PostgresRow) throws -> UserAccount {
        let (name, role, org, algorithm, salt, hash, rounds, disabled, mustChange) =
            try decode(row, (String, String, String, String, Data, Data, Int64, Bool, Bool).self, "a user")
        return UserAccount(name: name, role: try Self.role(role), org: try orgCode(org),
                           password: PasswordHash(algorithm: algorithm, salt: salt, hash: hash, rounds: Int(rounds)),
                           disabled: disabled, mustChangePassword: mustChange)
    }

    public func insertUserIfMissing(_ user: UserAccount) async throws -> Bool {
        let password = user.password
        return try await !rows("""
            INSERT INTO app_user(name, role, org, algorithm, salt, hash, rounds)
            VALUES (\(user.name), \(user.role.rawValue), \(user.org.value), \(password.algorithm), \(password.salt), \(password.hash), \(Int64(password.rounds)))
            ON CONFLICT (name) DO NOTHING RETURNING 1
            """, "adding the user \(user.name)").isEmpty
    }

    public func setPassword(of name: String, to password: PasswordHash) async throws {
        _ = try await rows("""
            WITH lifted AS (UPDATE token SET password_change_only = false WHERE user_name = \(name) AND password_change_only RETURNING 1)
            UPDATE app_user SET algorithm = \(password.algorithm), salt = \(password.salt), hash = \(password.hash),
                rounds = \(Int64(password.rounds)), must_change_password = false
            WHERE name = \(name)
            """, "setting the password of \(name)")
    }

    // MARK: tokens

    public func insertToken(_ token: TokenRecord) async throws {
        _ = try await rows("""
            INSERT INTO token(hash, user_name, device, role, org, issued_at, expires_at, revoked, password_change_only)
            VALUES (\(token.hash), \(token.user), \(token.device), \(token.role.rawValue), \(token.org.value), \(token.issuedAt),
                    \(token.expiresAt), \(token.revoked), \(token.passwordChangeOnly))
            """, "storing a token of \(token.user)")
    }

    public func token(hash: String) async throws -> TokenRecord? {
        try await rows("""
            SELECT hash, user_name, device, role, org, issued_at, expires_at, revoked, password_change_only FROM token WHERE hash = \(hash)
            """, "reading a token").first.map { row in
            let (hash, user, device, role, org, issuedAt, expiresAt, revoked, changeOnly) =
                try Self.decode(row, (String, String, String, String, String, Int64, Int64, Bool, Bool).self, "a token")
            return TokenRecord(hash: hash, user: user, device: device, role: try Self.role(role), org: try Self.orgCode(org),
                               issuedAt: issuedAt, expiresAt: expiresAt, revoked: revoked, passwordChangeOnly: changeOnly)
        }
    }

    public func revokeTokens(_ selection: TokenSelection) async throws -> Int {
        var conditions = ["NOT revoked"]
        var binds = PostgresBindings()
        func condition(_ sql: (String) -> String, _ value: String) {
            binds.append(value)
            conditions.append(sql("$\(binds.count)"))
        }
        if let hash = selection.hash { condition({ "hash = \($0)" }, hash) }
        if let user = selection.user { condition({ "user_name = \($0)" }, user) }
        if let device = selection.device { condition({ "device = \($0)" }, device) }
        if let within = selection.within {
            let bounds = within.subtreeBounds
            condition({ "org >= \($0)" }, bounds.lower)
            condition({ "org < \($0)" }, bounds.upper)
        }
        if let except = selection.except { condition({ "hash <> \($0)" }, except) }
        // nothing selected but "not revoked": revoke nothing rather than every token
        guard conditions.count > 1 else { return 0 }
        let sql = "WITH revoked AS (UPDATE token SET revoked = true WHERE " + conditions.joined(separator: " AND ")
            + " RETURNING 1) SELECT count(*) FROM revoked"
        guard let row = try await rows(PostgresQuery(unsafeSQL: sql, binds: binds), "revoking tokens").first else { return 0 }
        return Int(try Self.decode(row, Int64.self, "a count of revoked tokens"))
    }

    // MARK: health

    /// The highest sequence taken in any district's feed.
    public func highestSequence() async throws -> Int64 {
        guard let row = try await rows("SELECT COALESCE(max(value), 0)::bigint FROM district_sequence", "reading the highest sequence").first
        else { return 0 }
        return try Self.decode(row, Int64.self, "the highest sequence")
    }

    // MARK: decoding

    /// Decodes a row's columns, as ``ServerError`` `internal` naming what was read when they
    /// do not have the types the schema gives them.
    static func decode<each Column: PostgresDecodable>(_ row: PostgresRow, _ type: (repeat each Column).Type, _ what: String) throws
        -> (repeat each Column) {
        do { return try row.decode(type) } catch { throw undecodable(error, what) }
    }

    static func decode<Column: PostgresDecodable>(_ row: PostgresRow, _ type: Column.Type, _ what: String) throws -> Column {
        do { return try row.decode(type) } catch { throw undecodable(error, what) }
    }

    /// The error for a row that cannot be decoded (without the value: it may be personal data).
    static func undecodable(_ error: any Error, _ what: String) -> ServerError {
        var why = "\(type(of: error))"
        if let error = error as? PostgresDecodingError {
            why = "column \(error.columnName) of type \(error.postgresType) as \(error.targetType): \(error.code)"
        }
        return ServerError(.internal, "a row of the PostgreSQL store cannot be read as \(what) (\(why)): was the database written by another program or changed by hand?")
    }

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else { throw ServerError(.internal, "unknown role \(text) in the PostgreSQL store") }
        return role
    }

    static func orgCode(_ text: String) throws -> OrgCode {
        do { return try OrgCode(text) } catch {
            throw ServerError(.internal, "the PostgreSQL store holds \(error.description)")
        }
    }
}

/// The task that runs a ``PostgresClient`` for the store that started it.
final class ClientRunner: Sendable {
    let task: Task<Void, Never>
    init(_ task: Task<Void, Never>) { self.task = task }
}
