import DoudiSync
import PostgresNIO

/// A PostgreSQL error with what the store was doing when it came.
///
/// Inside a ledger transaction the primitives throw this, so that
/// ``PostgresServerStore/transaction(_:)`` can read the SQLSTATE (and run the body again
/// after a transient failure) and still say what failed; everywhere else the store turns
/// it into a ``ServerError`` at once (``serverError``).
struct PostgresFailure: Error, CustomStringConvertible {
    /// What the store was doing, e.g. "loading a push's snapshot".
    var operation: String
    var error: PSQLError

    /// The server's SQLSTATE (`40001`, `23505` …), when the server answered with an error.
    var sqlState: String? { error.serverInfo?[.sqlState] }

    /// A serialization failure, a deadlock or a unique violation (two processes racing the
    /// same change set): running the whole transaction again may succeed.
    var isTransient: Bool { sqlState.map(Self.transientStates.contains) ?? false }
    /// Serialization failure, deadlock, a unique key taken by a concurrent transaction, a lock
    /// not had within `lock_timeout`: running the transaction again may succeed.
    static let transientStates: Set<String> = ["40001", "40P01", "23505", "55P03"]

    /// The connection failed, or the server refused it (login, missing database, shutting
    /// down), not a statement.
    var isUnreachable: Bool {
        if let state = sqlState {
            // 08 connection exception, 28 invalid authorization, 3D000 no such database, 57P0x shutting down or starting
            return state.hasPrefix("08") || state.hasPrefix("28") || state == "3D000" || state.hasPrefix("57P")
        }
        return [PSQLError.Code.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
                .sslUnsupported, .failedToAddSSLHandler, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError]
            .contains(error.code)
    }

    /// The server's report without the statement and its values (they may hold personal data).
    var summary: String {
        guard let info = error.serverInfo else {
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        var text = "SQLSTATE \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
        if let detail = info[.detail] { text += "; \(detail)" }
        if let hint = info[.hint] { text += "; hint: \(hint)" }
        return text
    }

    var description: String { "PostgreSQL failed while \(operation): \(summary)" }

    /// The error a caller of the store gets: ``ServerError`` `unavailable` when the database
    /// cannot be reached, `internal` otherwise.
    var serverError: ServerError {
        if isUnreachable {
            return ServerError(.unavailable, "PostgreSQL cannot be reached while \(operation) (\(summary)): check that the database server runs and that the store's URL, user and password are right")
        }
        return ServerError(.internal, description)
    }

    /// Runs `body`, naming `operation` in a PostgreSQL error it throws.
    @discardableResult
    static func during<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as PSQLError {
            throw PostgresFailure(operation: operation, error: error)
        }
    }

    /// `error` as a caller of the store should get it: a PostgreSQL failure as a
    /// ``ServerError``, anything else (a ``LedgerError`` of the ledger) as it is.
    static func forCaller(_ error: any Error, during operation: String) -> any Error {
        if let failure = error as? PostgresFailure { return failure.serverError }
        if let psql = error as? PSQLError { return PostgresFailure(operation: operation, error: psql).serverError }
        if isPoolError(error) {
            return ServerError(.unavailable, "no PostgreSQL connection could be had while \(operation) (\(error)): the store was shut down, or the database server has not accepted connections for a while")
        }
        return error
    }

    /// An error of PostgresNIO's connection pool (`ConnectionPoolError`: shut down, request
    /// cancelled, connections failing for a while). Its module is not a product this target
    /// imports, so it is known by its type's name.
    static func isPoolError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
    }
}
