import Foundation
import GRDB

/// The server's SQLite database: schema, migrations and connection.
///
/// Modelled on GRDB's demo `AppDatabase`: a struct holding `any DatabaseWriter` with a
/// `DatabaseMigrator` of named migrations. On disk it is a WAL-mode `DatabasePool`
/// (readers never wait for the writer); `:memory:` is a `DatabaseQueue`.
public struct ServerDatabase: Sendable {
    public let writer: any DatabaseWriter

    /// Migrates the database behind `writer`.
    ///
    /// - Throws: a `DatabaseError` when the migration fails.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Opens (creating if needed) the database at `path`, or an in-memory one for `:memory:`.
    public static func open(path: String) throws -> ServerDatabase {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        // a larger page cache for the writer: a whole town's indexes stay in memory during a sync
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
            // pages read through a shared mapping, not a pread per page: readers share one copy
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        }
        if path == ":memory:" { return try ServerDatabase(DatabaseQueue(configuration: config)) }
        return try ServerDatabase(DatabasePool(path: path, configuration: config))
    }

    /// A fresh in-memory database (tests).
    public static func inMemory() throws -> ServerDatabase { try open(path: ":memory:") }

    /// The schema, one named migration per step. Never edit a shipped migration: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-server") { db in
            // single values: the server sequence
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('serverSequence', 0)")

            try db.create(table: "orgUnit") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text)
                t.column("population", .integer)
            }
            try db.create(table: "user") { t in
                t.primaryKey("name", .text)
                t.column("role", .text).notNull()
                t.column("org", .text).notNull().references("orgUnit")
                t.column("algorithm", .text).notNull()
                t.column("salt", .blob).notNull()
                t.column("hash", .blob).notNull()
                t.column("rounds", .integer).notNull()
            }
            try db.create(table: "token") { t in
                t.primaryKey("hash", .text)
                t.column("user", .text).notNull().indexed().references("user")
                t.column("device", .text).notNull().indexed()
                t.column("role", .text).notNull()
                t.column("org", .text).notNull()
                t.column("issuedAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
                t.column("revoked", .boolean).notNull().defaults(to: false)
            }

            // every record as the server holds it now (merged); `body` is the RecordVersion JSON
            try db.create(table: "record") { t in
                t.column("entity", .text).notNull()
                t.column("id", .text).notNull()
                t.column("village", .text).notNull()
                t.column("household", .text)
                // SHA-256 of a member's resident ID number: the duplicate-person check without the number in an index
                t.column("personKey", .text)
                t.column("voided", .boolean).notNull()
                t.column("serverSequence", .integer).notNull()
                t.column("size", .integer).notNull()
                t.column("body", .text).notNull()
                t.primaryKey(["entity", "id"])
            }
            try db.create(index: "record_sequence", on: "record", columns: ["serverSequence", "village", "entity"])
            try db.create(index: "record_village", on: "record", columns: ["village", "serverSequence"])
            try db.create(index: "record_household", on: "record", columns: ["entity", "household"])
            try db.execute(sql: "CREATE INDEX record_person ON record(personKey) WHERE personKey IS NOT NULL AND voided = 0")

            // every accepted change set (and server-side action), with its answer
            try db.create(table: "changeSetLog") { t in
                t.primaryKey("id", .text)
                t.column("device", .text).notNull()
                t.column("sequence", .integer)
                t.column("action", .text).notNull()
                t.column("author", .text).notNull()
                t.column("serverSequence", .integer).notNull().unique()
                t.column("bodyHash", .text).notNull()
                t.column("acknowledgement", .text).notNull()
                t.column("body", .text).notNull()
                t.uniqueKey(["device", "sequence"])
            }
            // rejected change sets: only their answer, so a retry gets the same one
            try db.create(table: "rejection") { t in
                t.primaryKey("id", .text)
                t.column("device", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("bodyHash", .text).notNull()
                t.column("code", .text).notNull()
                t.column("acknowledgement", .text).notNull()
                t.column("rejectedAt", .integer).notNull()
            }
            try db.create(table: "conflict") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("entity", .text).notNull()
                t.column("record", .text).notNull()
                t.column("village", .text).notNull()
                t.column("resolved", .boolean).notNull()
                t.column("serverSequence", .integer).notNull()
                t.column("size", .integer).notNull()
                t.column("body", .text).notNull()
            }
            try db.create(index: "conflict_sequence", on: "conflict", columns: ["serverSequence", "village"])
            try db.create(index: "conflict_village", on: "conflict", columns: ["village", "resolved", "serverSequence"])
        }
        migrator.registerMigration("v2-ledger") { db in
            // the town of a reserve-fund entry, so the ledger loads a fund's entries by index
            try db.alter(table: "record") { t in t.add(column: "fundTown", .text) }
            try db.execute(sql: """
                UPDATE record SET fundTown = json_extract(body, '$.fields.town.value') WHERE entity = 'reserveFundEntry'
                """)
            try db.execute(sql: "CREATE INDEX record_fund ON record(fundTown) WHERE fundTown IS NOT NULL AND voided = 0")
        }
        migrator.registerMigration("v3-accounts") { db in
            try registerAccounts(db)
        }
        migrator.registerMigration("v4-bundles") { db in
            // SPEC §15.2: each device's bundle keys (public), the server's own pair (secret)
            try db.alter(table: "device") { t in
                t.add(column: "bundleSigningKey", .text)
                t.add(column: "bundleAgreementKey", .text)
                // the newest request bundle admitted: an older one is not applied (§15.6)
                t.add(column: "lastBundleID", .text)
                t.add(column: "lastBundleAt", .integer)
            }
            try db.create(table: "serverKey") { t in
                t.primaryKey("name", .text)
                t.column("secret", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
        }
        migrator.registerMigration("v5-departures") { db in
            // SPEC §9.7: records that left a village with their household, the latest departure from each village
            try db.create(table: "departure") { t in
                t.column("entity", .text).notNull()
                t.column("id", .text).notNull()
                t.column("fromVillage", .text).notNull()
                t.column("toVillage", .text).notNull()
                t.column("serverSequence", .integer).notNull()
                t.primaryKey(["entity", "id", "fromVillage"])
            }
            try db.create(index: "departure_sequence", on: "departure", columns: ["serverSequence", "fromVillage"])
        }
        return migrator
    }
}
