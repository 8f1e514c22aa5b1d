import DoudiModel
import DoudiSync
import Foundation
import Logging

/// Account repairs done on the server machine, on the configured database, without the
/// API: for the one case the API cannot serve — nobody who could unlock or reset an
/// account can log in (the district officer's own account is locked, or its password lost).
///
/// Each repair is written to the audit log with the actor `doudi-server admin`.
///
/// ```swift
/// let admin = try await OfflineAdmin.open(configuration: try .load(path: "ServerConfig/server.json"))
/// let reset = try await admin.resetPassword(of: "district.officer")
/// print(reset.oneTimePassword)
/// await admin.close()
/// ```
public struct OfflineAdmin: Sendable {
    /// What the audit log names as the actor.
    public static let actor = "doudi-server admin"

    let store: any ServerStore
    let hasher: PasswordHasher
    let closeStore: @Sendable () async -> Void

    /// Opens the configured store (an existing SQLite file, or PostgreSQL), migrating it if needed.
    ///
    /// - Throws: ``ServerError`` `bad-parameter` when the SQLite file does not exist (a
    ///   mistyped path must not create an empty store), `unavailable` when PostgreSQL cannot
    ///   be reached.
    public static func open(configuration: ServerConfiguration, logger: Logger = Logger(label: "doudi-server-admin")) async throws -> OfflineAdmin {
        let hasher = PasswordHasher(rounds: configuration.auth.pbkdf2Rounds)
        let location = configuration.database.path
        if PostgresConnectionURL.isPostgres(location) {
            let store = try await PostgresServerStore.connect(url: location, logger: logger, maximumConnections: 2)
            return OfflineAdmin(store: store, hasher: hasher, closeStore: { await store.shutdown() })
        }
        let path = configuration.resolve(location)
        guard path != ":memory:", FileManager.default.fileExists(atPath: path) else {
            throw ServerError(.badParameter, "no server database at \(path): give the configuration the server runs with (--config), or --database")
        }
        return OfflineAdmin(store: SQLiteServerStore(database: try ServerDatabase.open(path: path)), hasher: hasher, closeStore: {})
    }

    /// Closes the store (a PostgreSQL store's connections).
    public func close() async { await closeStore() }

    /// The account, or ``ServerError`` `not-found`.
    func account(_ name: String) async throws -> UserAccount {
        guard let user = try await store.user(named: name) else {
            throw ServerError(.notFound, "no user \(name) in this database: the names are in the users file the server was first started with")
        }
        return user
    }

    /// Lifts a lock and forgets the failed logins of `name`.
    ///
    /// - Returns: whether the account was locked.
    public func unlock(_ name: String) async throws -> Bool {
        let user = try await account(name)
        let previous = try await store.clearLoginFailures(account: LoginThrottle.accountKey(user.name))
        let wasLocked = previous?.lockedAt != nil
        try await store.appendAuthEvent(AuthEventRecord(at: Self.now, kind: .accountUnlocked, user: user.name, org: user.org, actor: Self.actor,
                                                        detail: wasLocked ? "was locked after \(previous?.failures ?? 0) failed logins" : "was not locked"))
        return wasLocked
    }

    /// Gives `name` a one-time password (which the user must replace at their next login),
    /// lifts a lock, enables the account and revokes its tokens.
    public func resetPassword(of name: String) async throws -> PasswordResetResponse {
        let user = try await account(name)
        let oneTime = OneTimePassword.generate()
        let revoked = try await store.resetPassword(of: user.name, to: try await hasher.hash(oneTime))
        try await store.clearLoginFailures(account: LoginThrottle.accountKey(user.name))
        let wasDisabled = user.disabled
        if wasDisabled { _ = try await store.setDisabled(user.name, false) }
        try await store.appendAuthEvent(AuthEventRecord(at: Self.now, kind: .passwordReset, user: user.name, org: user.org, actor: Self.actor,
                                                        detail: "one-time password issued; \(revoked) tokens revoked; any lock lifted"
                                                            + (wasDisabled ? "; account enabled" : "")))
        return PasswordResetResponse(user: user.name, oneTimePassword: oneTime, revokedTokens: revoked)
    }

    static var now: Int64 { ServerClock.system.nowSeconds }
}
