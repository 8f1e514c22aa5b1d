import DoudiModel
import DoudiSync
import Foundation
import Logging
import PostgresNIO

// The accounts side of the PostgreSQL store: devices bound to users, user administration,
// failed-login counts and the audit log (migration `v2-accounts`). Every server process
// shares them, so a count or a lock holds across processes.
extension PostgresServerStore {
    /// Runs `body` between BEGIN and COMMIT (READ COMMITTED) on one pooled connection;
    /// ROLLBACK when it throws.
    func accountsTransaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw PostgresFailure.forCaller(error, during: operation)
        }
    }

    /// One statement's rows inside ``accountsTransaction(_:_:)``.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    // MARK: users

    public func users(within org: OrgCode) async throws -> [UserAccount] {
        let bounds = org.subtreeBounds
        return try await rows("""
            SELECT \(unescaped: Self.userColumns) FROM app_user WHERE org >= \(bounds.lower) AND org < \(bounds.upper) ORDER BY name COLLATE "C"
            """, "reading the users within \(org.value)").map(Self.userAccount)
    }

    public func setDisabled(_ name: String, _ disabled: Bool) async throws -> Int {
        try await accountsTransaction("disabling or enabling the user \(name)") { connection in
            // the user's row first: a login admitting a token holds it (FOR SHARE) until it commits,
            // so the tokens revoked next include that one
            _ = try await rows("UPDATE app_user SET disabled = \(disabled) WHERE name = \(name)", on: connection)
            guard disabled else { return 0 }
            return try await revokeTokens(on: connection, user: name)
        }
    }

    public func resetPassword(of name: String, to password: PasswordHash) async throws -> Int {
        try await accountsTransaction("resetting the password of \(name)") { connection in
            _ = try await rows("""
                UPDATE app_user SET algorithm = \(password.algorithm), salt = \(password.salt), hash = \(password.hash),
                    rounds = \(Int64(password.rounds)), must_change_password = true
                WHERE name = \(name)
                """, on: connection)
            return try await revokeTokens(on: connection, user: name)
        }
    }

    /// Revokes the live tokens of `user`, or on `device` (but not those of `keepUser`).
    func revokeTokens(on connection: PostgresConnection, user: String? = nil, device: String? = nil, keepUser: String? = nil) async throws -> Int {
        let query: PostgresQuery
        switch (user, device) {
        case (let user?, _):
            query = "WITH r AS (UPDATE token SET revoked = true WHERE user_name = \(user) AND NOT revoked RETURNING 1) SELECT count(*) FROM r"
        case (nil, let device?):
            query = """
                WITH r AS (UPDATE token SET revoked = true WHERE device = \(device) AND user_name <> \(keepUser ?? "") AND NOT revoked RETURNING 1)
                SELECT count(*) FROM r
                """
        case (nil, nil):
            return 0
        }
        guard let row = try await rows(query, on: connection).first else { return 0 }
        return Int(try Self.decode(row, Int64.self, "a count of revoked tokens"))
    }

    // MARK: devices

    public func admitLogin(_ token: TokenRecord, verified: PasswordHash, at now: Int64) async throws -> DeviceAdmission {
        try await accountsTransaction("admitting a login of \(token.user)") { connection in
            // held until COMMIT: disabling the user or resetting the password waits, then revokes this token too
            guard let row = try await rows("SELECT \(unescaped: Self.userColumns) FROM app_user WHERE name = \(token.user) FOR SHARE",
                                           on: connection).first else { return .userChanged }
            let user = try Self.userAccount(row)
            guard !user.disabled, user.password == verified else { return .userChanged }
            var token = token
            token.passwordChangeOnly = user.mustChangePassword
            let inserted = try await rows("""
                INSERT INTO device(id, user_name, first_seen_at, last_login_at) VALUES (\(token.device), \(token.user), \(now), \(now))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, on: connection)
            if inserted.isEmpty {
                guard let device = try await rows("SELECT user_name, revoked_at FROM device WHERE id = \(token.device) FOR UPDATE",
                                                  on: connection).first else { return .userChanged }
                let (owner, revokedAt) = try Self.decode(device, (String, Int64?).self, "a device")
                guard owner == token.user else { return .assignedToOther(user: owner) }
                if let revokedAt { return .revoked(at: revokedAt) }
                _ = try await rows("UPDATE device SET last_login_at = \(now) WHERE id = \(token.device)", on: connection)
            }
            _ = try await rows("""
                INSERT INTO token(hash, user_name, device, role, org, issued_at, expires_at, revoked, password_change_only)
                VALUES (\(token.hash), \(token.user), \(token.device), \(token.role.rawValue), \(token.org.value), \(token.issuedAt),
                        \(token.expiresAt), \(token.revoked), \(token.passwordChangeOnly))
                """, on: connection)
            return .admitted(firstLogin: !inserted.isEmpty)
        }
    }

    /// Devices with their owner's role and unit, and the highest sequence the ledger accepted
    /// from each (one index lookup per device in `change_set_log`).
    static let deviceSelect = """
        SELECT d.id, d.user_name, u.role, u.org, d.first_seen_at, d.last_login_at, d.last_sequence, d.last_push_at, d.revoked_at,
               COALESCE((SELECT max(c.sequence) FROM change_set_log c WHERE c.device = d.id), 0)::bigint
        FROM device d JOIN app_user u ON u.name = d.user_name
        """

    static func deviceRecord(_ row: PostgresRow) throws -> DeviceSummary {
        let (id, user, role, org, firstSeen, lastLogin, noted, lastPush, revoked, highest) =
            try decode(row, (String, String, String, String, Int64, Int64, Int64, Int64?, Int64?, Int64).self, "a device")
        // the push time noted is that of the highest sequence only while no later one came
        return DeviceSummary(device: id, user: user, role: try Self.role(role), org: try orgCode(org), firstSeenAt: firstSeen, lastLoginAt: lastLogin,
                            highestSequence: highest, lastPushAt: noted == highest ? lastPush : nil, revokedAt: revoked)
    }

    public func device(_ id: String) async throws -> DeviceSummary? {
        try await rows("\(unescaped: Self.deviceSelect) WHERE d.id = \(id)", "reading the device \(id)").first.map(Self.deviceRecord)
    }

    public func devices(within org: OrgCode) async throws -> [DeviceSummary] {
        let bounds = org.subtreeBounds
        return try await rows("""
            \(unescaped: Self.deviceSelect) WHERE u.org >= \(bounds.lower) AND u.org < \(bounds.upper) ORDER BY d.id COLLATE "C"
            """, "reading the devices within \(org.value)").map(Self.deviceRecord)
    }

    public func revokeDevice(_ id: String, at now: Int64) async throws -> Int {
        try await accountsTransaction("revoking the device \(id)") { connection in
            // the device's row first: a login admitting a token holds it until it commits
            _ = try await rows("UPDATE device SET revoked_at = COALESCE(revoked_at, \(now)) WHERE id = \(id)", on: connection)
            return try await revokeTokens(on: connection, device: id)
        }
    }

    public func assignDevice(_ id: String, to user: String) async throws -> Int {
        try await accountsTransaction("assigning the device \(id)") { connection in
            _ = try await rows("""
                UPDATE device SET user_name = \(user), revoked_at = NULL, bundle_signing_key = NULL, bundle_agreement_key = NULL,
                              last_bundle_id = NULL, last_bundle_at = NULL WHERE id = \(id)
                """, on: connection)
            return try await revokeTokens(on: connection, device: id, keepUser: user)
        }
    }

    public func notePush(device: String, at now: Int64) async throws {
        _ = try await rows("""
            WITH h AS (SELECT COALESCE(max(sequence), 0)::bigint AS value FROM change_set_log WHERE device = \(device))
            UPDATE device SET last_sequence = h.value, last_push_at = \(now) FROM h
            WHERE device.id = \(device) AND h.value > device.last_sequence
            """, "noting a push of the device \(device)")
    }

    // MARK: bundle keys

    public func serverBundleKeys() async throws -> BundlePrivateKeys {
        let candidate = BundlePrivateKeys.generate()
        // the first writer's keys stand; every other process reads them
        _ = try await rows("""
            INSERT INTO server_key(name, secret, created_at) VALUES ('bundle', \(candidate.storedText), \(Int64(Date().timeIntervalSince1970)))
            ON CONFLICT (name) DO NOTHING
            """, "storing the server's bundle keys")
        guard let row = try await rows("SELECT secret FROM server_key WHERE name = 'bundle'", "reading the server's bundle keys").first else {
            throw ServerError(.internal, "the server's bundle keys could not be stored")
        }
        return try BundlePrivateKeys(storedText: try Self.decode(row, String.self, "the server's bundle keys"))
    }

    public func deviceBundleKeys(_ device: String) async throws -> BundlePublicKeys? {
        guard let row = try await rows("SELECT bundle_signing_key, bundle_agreement_key FROM device WHERE id = \(device)",
                                       "reading the bundle keys of the device \(device)").first else { return nil }
        let (signing, agreement) = try Self.decode(row, (String?, String?).self, "a device's bundle keys")
        guard let signing, let agreement else { return nil }
        return BundlePublicKeys(signing: signing, agreement: agreement)
    }

    public func registerDeviceBundleKeys(_ device: String, _ keys: BundlePublicKeys) async throws -> DeviceKeyRegistration {
        let updated = try await rows("""
            UPDATE device SET bundle_signing_key = \(keys.signing), bundle_agreement_key = \(keys.agreement)
            WHERE id = \(device) AND bundle_signing_key IS NULL RETURNING 1
            """, "registering the bundle keys of the device \(device)")
        if !updated.isEmpty { return .registered }
        return try await deviceBundleKeys(device) == keys ? .unchanged : .different
    }

    public func admitBundle(device: String, id: UUID, createdAt: Int64) async throws -> BundleAdmission {
        try await accountsTransaction("admitting a bundle of the device \(device)") { connection in
            guard let row = try await rows("SELECT last_bundle_id, last_bundle_at FROM device WHERE id = \(device) FOR UPDATE", on: connection).first else {
                return .stale(newerAt: .max)
            }
            let (lastID, lastAt) = try Self.decode(row, (String?, Int64?).self, "a device's last bundle")
            if lastID == id.uuidString { return .admitted }
            if let lastAt, lastAt > createdAt { return .stale(newerAt: lastAt) }
            _ = try await rows("UPDATE device SET last_bundle_id = \(id.uuidString), last_bundle_at = \(createdAt) WHERE id = \(device)", on: connection)
            return .admitted
        }
    }

    // MARK: login throttling

    static func throttleState(_ row: PostgresRow) throws -> (String, LoginThrottleState) {
        let (account, failures, last, next, locked) = try decode(row, (String, Int64, Int64, Int64, Int64?).self, "a failed-login count")
        return (account, LoginThrottleState(failures: Int(failures), lastFailureAt: last, nextAttemptAt: next, lockedAt: locked))
    }

    public func loginThrottles(accounts: [String]) async throws -> [String: LoginThrottleState] {
        guard !accounts.isEmpty else { return [:] }
        let found = try await rows("""
            SELECT account, failures::bigint, last_failure_at, next_attempt_at, locked_at FROM login_throttle WHERE account = ANY(\(accounts)::text[])
            """, "reading failed-login counts").map(Self.throttleState)
        return Dictionary(found, uniquingKeysWith: { a, _ in a })
    }

    public func claimLoginAttempt(account: String, now: Int64, until: Int64) async throws -> Bool {
        try await !rows("""
            UPDATE login_throttle SET next_attempt_at = \(until)
            WHERE account = \(account) AND next_attempt_at <= \(now) AND locked_at IS NULL RETURNING 1
            """, "taking a login attempt").isEmpty
    }

    public func recordLoginFailure(account: String, atMillis: Int64, rule: LoginThrottle) async throws -> LoginThrottleState {
        try await accountsTransaction("counting a failed login") { connection in
            // a row to lock, so that two failures counted at once both count
            _ = try await rows("""
                INSERT INTO login_throttle(account, failures, last_failure_at, next_attempt_at) VALUES (\(account), 0, 0, 0)
                ON CONFLICT (account) DO NOTHING
                """, on: connection)
            guard let row = try await rows("""
                SELECT account, failures::bigint, last_failure_at, next_attempt_at, locked_at FROM login_throttle WHERE account = \(account) FOR UPDATE
                """, on: connection).first else { throw ServerError(.internal, "a failed-login count vanished while it was counted") }
            let previous = try Self.throttleState(row).1
            var state = rule.recordingFailure(previous.failures == 0 ? nil : previous, atMillis: atMillis)
            // an attempt claimed by another request keeps its later slot
            state.nextAttemptAt = max(state.nextAttemptAt, previous.nextAttemptAt)
            _ = try await rows("""
                UPDATE login_throttle SET failures = \(Int64(state.failures)), last_failure_at = \(state.lastFailureAt),
                    next_attempt_at = \(state.nextAttemptAt), locked_at = \(state.lockedAt)
                WHERE account = \(account)
                """, on: connection)
            // counts whose window has passed hold nothing any more (names typed once, long ago): forget them
            _ = try await rows("""
                DELETE FROM login_throttle WHERE locked_at IS NULL AND last_failure_at <= \(state.lastFailureAt - rule.configuration.windowSeconds)
                """, on: connection)
            return state
        }
    }

    public func clearLoginFailures(account: String) async throws -> LoginThrottleState? {
        try await rows("""
            DELETE FROM login_throttle WHERE account = \(account)
            RETURNING account, failures::bigint, last_failure_at, next_attempt_at, locked_at
            """, "clearing a failed-login count").first.map { try Self.throttleState($0).1 }
    }

    // MARK: audit log

    public func appendAuthEvent(_ event: AuthEventRecord) async throws {
        _ = try await rows("""
            INSERT INTO auth_event(at, event, user_name, org, device, address, actor, detail)
            VALUES (\(event.at), \(event.kind.rawValue), \(event.user), \(event.org?.value), \(event.device), \(event.address),
                    \(event.actor), \(event.detail))
            """, "writing the audit log")
    }

    public func authEvents(_ query: AuthEventQuery) async throws -> [AuthEventRecord] {
        var binds = PostgresBindings()
        func bind(_ value: String) -> String { binds.append(value); return "$\(binds.count)" }
        func bind(_ value: Int64) -> String { binds.append(value); return "$\(binds.count)" }
        let bounds = query.within.subtreeBounds
        var conditions = ["(org IS NULL OR (org >= \(bind(bounds.lower)) AND org < \(bind(bounds.upper))))"]
        if let before = query.before { conditions.append("id < \(bind(before))") }
        if let user = query.user { conditions.append("user_name = \(bind(user))") }
        if let device = query.device { conditions.append("device = \(bind(device))") }
        let sql = "SELECT id, at, event, user_name, org, device, address, actor, detail FROM auth_event WHERE "
            + conditions.joined(separator: " AND ") + " ORDER BY id DESC LIMIT \(bind(Int64(query.limit)))"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds), "reading the audit log").map { row in
            let (id, at, event, user, org, device, address, actor, detail) =
                try Self.decode(row, (Int64, Int64, String, String?, String?, String?, String?, String?, String?).self, "an audit event")
            return AuthEventRecord(id: id, at: at, kind: AuthEvent.Kind(rawValue: event), user: user, org: try org.map(Self.orgCode),
                                   device: device, address: address, actor: actor, detail: detail)
        }
    }
}
