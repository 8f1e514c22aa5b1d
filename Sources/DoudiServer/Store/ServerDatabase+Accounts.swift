import GRDB

extension ServerDatabase {
    /// Migration `v3-accounts` (SPEC §5.2, §11): devices bound to one user, disabled users,
    /// password resets, failed-login counts and the audit log.
    ///
    /// Devices already in use are bound to the user of their earliest token (the device's
    /// first login), with what the ledger accepted from them; their push time is not known.
    static func registerAccounts(_ db: Database) throws {
        try db.alter(table: "user") { t in
            t.add(column: "disabled", .boolean).notNull().defaults(to: false)
            t.add(column: "mustChangePassword", .boolean).notNull().defaults(to: false)
        }
        try db.alter(table: "token") { t in
            t.add(column: "passwordChangeOnly", .boolean).notNull().defaults(to: false)
        }
        try db.create(table: "device") { t in
            t.primaryKey("id", .text)
            t.column("user", .text).notNull().indexed().references("user")
            t.column("firstSeenAt", .integer).notNull()
            t.column("lastLoginAt", .integer).notNull()
            // the highest sequence accepted when `lastPushAt` was noted (the live one is in changeSetLog)
            t.column("lastSequence", .integer).notNull().defaults(to: 0)
            t.column("lastPushAt", .integer)
            t.column("revokedAt", .integer)
        }
        try db.execute(sql: """
            INSERT INTO device(id, user, firstSeenAt, lastLoginAt, lastSequence)
            SELECT d.device,
                   (SELECT t.user FROM token t WHERE t.device = d.device ORDER BY t.issuedAt, t.hash LIMIT 1),
                   d.firstSeenAt, d.lastLoginAt,
                   COALESCE((SELECT max(sequence) FROM changeSetLog WHERE changeSetLog.device = d.device), 0)
            FROM (SELECT device, min(issuedAt) AS firstSeenAt, max(issuedAt) AS lastLoginAt FROM token GROUP BY device) d
            """)
        // failed logins per account, keyed by the SHA-256 of the name typed (LoginThrottle.accountKey)
        try db.create(table: "loginThrottle") { t in
            t.primaryKey("account", .text)
            t.column("failures", .integer).notNull()
            t.column("lastFailureAt", .integer).notNull()
            t.column("nextAttemptAt", .integer).notNull()
            t.column("lockedAt", .integer)
        }
        try db.create(table: "authEvent") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .integer).notNull()
            t.column("event", .text).notNull()
            t.column("user", .text)
            t.column("org", .text)
            t.column("device", .text)
            t.column("address", .text)
            t.column("actor", .text)
            t.column("detail", .text)
        }
        try db.create(index: "authEvent_user", on: "authEvent", columns: ["user", "id"])
        try db.create(index: "authEvent_device", on: "authEvent", columns: ["device", "id"])
    }
}
