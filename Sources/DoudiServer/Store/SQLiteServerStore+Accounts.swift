import DoudiModel
import DoudiSync
import Foundation
import GRDB

// The accounts side of the SQLite store: devices bound to users, user administration,
// failed-login counts and the audit log (migration `v3-accounts`).
extension SQLiteServerStore {
    // MARK: users

    public func users(within org: OrgCode) async throws -> [UserAccount] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM user WHERE \(SQLiteLedger.within("org")) ORDER BY name",
                             arguments: SQLiteLedger.withinArguments(org)).map(Self.userAccount)
        }
    }

    public func setDisabled(_ name: String, _ disabled: Bool) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE user SET disabled = ? WHERE name = ?", arguments: [disabled, name])
            return disabled ? try Self.revokeTokens(db, user: name) : 0
        }
    }

    public func resetPassword(of name: String, to password: PasswordHash) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE user SET algorithm = ?, salt = ?, hash = ?, rounds = ?, mustChangePassword = 1 WHERE name = ?",
                           arguments: [password.algorithm, password.salt, password.hash, password.rounds, name])
            return try Self.revokeTokens(db, user: name)
        }
    }

    // MARK: devices

    public func admitLogin(_ token: TokenRecord, verified: PasswordHash, at now: Int64) async throws -> DeviceAdmission {
        try await database.writer.write { db in
            guard let user = try Row.fetchOne(db, sql: "SELECT * FROM user WHERE name = ?", arguments: [token.user]).map(Self.userAccount),
                  !user.disabled, user.password == verified else { return .userChanged }
            var token = token
            token.passwordChangeOnly = user.mustChangePassword
            let firstLogin: Bool
            if let row = try Row.fetchOne(db, sql: "SELECT user, revokedAt FROM device WHERE id = ?", arguments: [token.device]) {
                let owner: String = row["user"]
                guard owner == token.user else { return .assignedToOther(user: owner) }
                if let revokedAt: Int64 = row["revokedAt"] { return .revoked(at: revokedAt) }
                try db.execute(sql: "UPDATE device SET lastLoginAt = ? WHERE id = ?", arguments: [now, token.device])
                firstLogin = false
            } else {
                try db.execute(sql: "INSERT INTO device(id, user, firstSeenAt, lastLoginAt) VALUES (?, ?, ?, ?)",
                               arguments: [token.device, token.user, now, now])
                firstLogin = true
            }
            try Self.insertToken(db, token)
            return .admitted(firstLogin: firstLogin)
        }
    }

    /// Devices with their owner's role and unit, and the highest sequence the ledger accepted
    /// from each (one index lookup per device in `changeSetLog`).
    static let deviceSelect = """
        SELECT d.id, d.user, u.role, u.org, d.firstSeenAt, d.lastLoginAt, d.lastSequence, d.lastPushAt, d.revokedAt,
               COALESCE((SELECT max(sequence) FROM changeSetLog c WHERE c.device = d.id), 0) AS highestSequence
        FROM device d JOIN user u ON u.name = d.user
        """

    static func deviceRecord(_ row: Row) throws -> DeviceSummary {
        let highest: Int64 = row["highestSequence"]
        let noted: Int64 = row["lastSequence"]
        // the push time noted is that of the highest sequence only while no later one came
        return DeviceSummary(device: row["id"], user: row["user"], role: try role(row["role"]), org: try OrgCode(row["org"]),
                            firstSeenAt: row["firstSeenAt"], lastLoginAt: row["lastLoginAt"], highestSequence: highest,
                            lastPushAt: noted == highest ? row["lastPushAt"] : nil, revokedAt: row["revokedAt"])
    }

    public func device(_ id: String) async throws -> DeviceSummary? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: Self.deviceSelect + " WHERE d.id = ?", arguments: [id]).map(Self.deviceRecord)
        }
    }

    public func devices(within org: OrgCode) async throws -> [DeviceSummary] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: Self.deviceSelect + " WHERE \(SQLiteLedger.within("u.org")) ORDER BY d.id",
                             arguments: SQLiteLedger.withinArguments(org)).map(Self.deviceRecord)
        }
    }

    public func revokeDevice(_ id: String, at now: Int64) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE device SET revokedAt = COALESCE(revokedAt, ?) WHERE id = ?", arguments: [now, id])
            return try Self.revokeTokens(db, device: id)
        }
    }

    public func assignDevice(_ id: String, to user: String) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE device SET user = ?, revokedAt = NULL, bundleSigningKey = NULL, bundleAgreementKey = NULL, lastBundleID = NULL, lastBundleAt = NULL WHERE id = ?",
                           arguments: [user, id])
            return try Self.revokeTokens(db, device: id, keepUser: user)
        }
    }

    public func notePush(device: String, at now: Int64) async throws {
        try await database.writer.write { db in
            let highest = try Int64.fetchOne(db, sql: "SELECT COALESCE(max(sequence), 0) FROM changeSetLog WHERE device = ?", arguments: [device]) ?? 0
            try db.execute(sql: "UPDATE device SET lastSequence = ?, lastPushAt = ? WHERE id = ? AND lastSequence < ?",
                           arguments: [highest, now, device, highest])
        }
    }

    // MARK: bundle keys

    public func serverBundleKeys() async throws -> BundlePrivateKeys {
        let candidate = BundlePrivateKeys.generate()
        let stored = try await database.writer.write { db in
            // the first writer's keys stand; a second process reads them
            try db.execute(sql: "INSERT OR IGNORE INTO serverKey(name, secret, createdAt) VALUES ('bundle', ?, ?)",
                           arguments: [candidate.storedText, Int64(Date().timeIntervalSince1970)])
            return try String.fetchOne(db, sql: "SELECT secret FROM serverKey WHERE name = 'bundle'")
        }
        guard let stored else { throw ServerError(.internal, "the server's bundle keys could not be stored") }
        return try BundlePrivateKeys(storedText: stored)
    }

    public func deviceBundleKeys(_ device: String) async throws -> BundlePublicKeys? {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT bundleSigningKey, bundleAgreementKey FROM device WHERE id = ?", arguments: [device]),
                  let signing: String = row["bundleSigningKey"], let agreement: String = row["bundleAgreementKey"] else { return nil }
            return BundlePublicKeys(signing: signing, agreement: agreement)
        }
    }

    public func registerDeviceBundleKeys(_ device: String, _ keys: BundlePublicKeys) async throws -> DeviceKeyRegistration {
        try await database.writer.write { db in
            try db.execute(sql: """
                UPDATE device SET bundleSigningKey = ?, bundleAgreementKey = ? WHERE id = ? AND bundleSigningKey IS NULL
                """, arguments: [keys.signing, keys.agreement, device])
            if db.changesCount > 0 { return .registered }
            let row = try Row.fetchOne(db, sql: "SELECT bundleSigningKey, bundleAgreementKey FROM device WHERE id = ?", arguments: [device])
            let same = row.map { ($0["bundleSigningKey"] as String?) == keys.signing && ($0["bundleAgreementKey"] as String?) == keys.agreement } ?? false
            return same ? .unchanged : .different
        }
    }

    public func admitBundle(device: String, id: UUID, createdAt: Int64) async throws -> BundleAdmission {
        try await database.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT lastBundleID, lastBundleAt FROM device WHERE id = ?", arguments: [device]) else {
                return .stale(newerAt: .max)
            }
            let lastID: String? = row["lastBundleID"], lastAt: Int64? = row["lastBundleAt"]
            if lastID == id.uuidString { return .admitted }
            if let lastAt, lastAt > createdAt { return .stale(newerAt: lastAt) }
            try db.execute(sql: "UPDATE device SET lastBundleID = ?, lastBundleAt = ? WHERE id = ?", arguments: [id.uuidString, createdAt, device])
            return .admitted
        }
    }

    // MARK: login throttling

    static func throttleState(_ row: Row) -> LoginThrottleState {
        LoginThrottleState(failures: row["failures"], lastFailureAt: row["lastFailureAt"], nextAttemptAt: row["nextAttemptAt"],
                           lockedAt: row["lockedAt"])
    }

    public func loginThrottles(accounts: [String]) async throws -> [String: LoginThrottleState] {
        guard !accounts.isEmpty else { return [:] }
        return try await database.writer.read { db in
            var states: [String: LoginThrottleState] = [:]
            // in slices: SQLite takes a bounded number of parameters per statement
            for start in stride(from: 0, to: accounts.count, by: 500) {
                let slice = Array(accounts[start..<min(start + 500, accounts.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                for row in try Row.fetchAll(db, sql: "SELECT * FROM loginThrottle WHERE account IN (\(marks))", arguments: StatementArguments(slice)) {
                    states[row["account"]] = Self.throttleState(row)
                }
            }
            return states
        }
    }

    public func claimLoginAttempt(account: String, now: Int64, until: Int64) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE loginThrottle SET nextAttemptAt = ? WHERE account = ? AND nextAttemptAt <= ? AND lockedAt IS NULL",
                           arguments: [until, account, now])
            return db.changesCount > 0
        }
    }

    public func recordLoginFailure(account: String, atMillis: Int64, rule: LoginThrottle) async throws -> LoginThrottleState {
        try await database.writer.write { db in
            let previous = try Row.fetchOne(db, sql: "SELECT * FROM loginThrottle WHERE account = ?", arguments: [account]).map(Self.throttleState)
            var state = rule.recordingFailure(previous, atMillis: atMillis)
            // an attempt claimed by another request keeps its later slot
            state.nextAttemptAt = max(state.nextAttemptAt, previous?.nextAttemptAt ?? 0)
            try db.execute(sql: """
                INSERT INTO loginThrottle(account, failures, lastFailureAt, nextAttemptAt, lockedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(account) DO UPDATE SET failures = excluded.failures, lastFailureAt = excluded.lastFailureAt,
                    nextAttemptAt = excluded.nextAttemptAt, lockedAt = excluded.lockedAt
                """, arguments: [account, state.failures, state.lastFailureAt, state.nextAttemptAt, state.lockedAt])
            // counts whose window has passed hold nothing any more (names typed once, long ago): forget them
            try db.execute(sql: "DELETE FROM loginThrottle WHERE lockedAt IS NULL AND lastFailureAt <= ?",
                           arguments: [state.lastFailureAt - rule.configuration.windowSeconds])
            return state
        }
    }

    public func clearLoginFailures(account: String) async throws -> LoginThrottleState? {
        try await database.writer.write { db in
            let previous = try Row.fetchOne(db, sql: "SELECT * FROM loginThrottle WHERE account = ?", arguments: [account]).map(Self.throttleState)
            if previous != nil { try db.execute(sql: "DELETE FROM loginThrottle WHERE account = ?", arguments: [account]) }
            return previous
        }
    }

    // MARK: audit log

    public func appendAuthEvent(_ event: AuthEventRecord) async throws {
        try await database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO authEvent(at, event, user, org, device, address, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.at, event.kind.rawValue, event.user, event.org?.value, event.device, event.address, event.actor, event.detail])
        }
    }

    public func authEvents(_ query: AuthEventQuery) async throws -> [AuthEventRecord] {
        var conditions = ["(org IS NULL OR \(SQLiteLedger.within("org")))"]
        var arguments = SQLiteLedger.withinArguments(query.within)
        if let before = query.before { conditions.append("id < ?"); arguments += [before] }
        if let user = query.user { conditions.append("user = ?"); arguments += [user] }
        if let device = query.device { conditions.append("device = ?"); arguments += [device] }
        arguments += [query.limit]
        let sql = "SELECT * FROM authEvent WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id DESC LIMIT ?"
        let selected = arguments
        return try await database.writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: selected).map { row in
                AuthEventRecord(id: row["id"], at: row["at"], kind: AuthEvent.Kind(rawValue: row["event"]), user: row["user"],
                                org: try (row["org"] as String?).map { try OrgCode($0) }, device: row["device"], address: row["address"],
                                actor: row["actor"], detail: row["detail"])
            }
        }
    }
}
