import DoudiModel
import Foundation
import GRDB

/// The field library's SQLite database: schema, migrations and connection.
///
/// Modelled on GRDB's demo `AppDatabase`: a struct holding `any DatabaseWriter`
/// with a `DatabaseMigrator` of named migrations. On disk it is a WAL-mode
/// `DatabasePool`; tests use an in-memory `DatabaseQueue`.
public struct FieldDatabase: Sendable {
    /// Access to the database.
    public let writer: any DatabaseWriter
    /// What opening the store changed that the user should hear of (a file made owner-only,
    /// the token moved out of the store); the CLI prints each as a note.
    public internal(set) var notes: [String] = []

    /// Opens (creating if needed) and migrates the database.
    ///
    /// - Throws: a `DatabaseError` when the file cannot be opened or migrated.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Opens the store file at `path` in WAL mode.
    ///
    /// The file is created owner-only (0600; SQLite gives its `-wal` and `-shm` the same mode),
    /// and an existing store, `-wal` or `-shm` readable by others is tightened; a token an older
    /// doudi kept in the store moves to the token file (``tokenPath``). Both are told in ``notes``.
    public static func open(path: String) throws -> FieldDatabase {
        var tightened = try OwnerOnlyFile.prepare(path)
        for companion in [path + "-wal", path + "-shm"] {
            if try OwnerOnlyFile.tighten(companion) { tightened.append(companion) }
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        // a larger page cache for the writer: a whole town's indexes stay in memory during a sync
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
            // deleted content is overwritten with zeros, not left in free pages (LAPTOP-SECURITY.md)
            try db.execute(sql: "PRAGMA secure_delete = ON")
            registerSearchFunctions(db)
        }
        var database = try FieldDatabase(DatabasePool(path: path, configuration: config))
        if !tightened.isEmpty {
            database.notes.append("\(tightened.joined(separator: ", ")) could be read by other users of this computer: now readable by you only (0600)")
        }
        database.notes += try database.moveTokenOutOfStore()
        return database
    }

    /// A fresh in-memory database (tests, imports dry runs).
    public static func inMemory() throws -> FieldDatabase {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in registerSearchFunctions(db) }
        var database = try FieldDatabase(DatabaseQueue(configuration: config))
        database.memoryKeys = .random()
        return database
    }

    /// The keys of a store that lives in memory only (tests, dry runs): random, never written
    /// anywhere. A store file's keys come from its keyring (``FieldStore/unlock(password:)``).
    public internal(set) var memoryKeys: StoreKeys?

    /// The schema, one named migration per step. Never edit a shipped migration: add one.
    ///
    /// Child tables name their household without a foreign key: pulled records arrive as
    /// the server's latest versions, in server-sequence order, and a household edited after
    /// its members were registered arrives after them (possibly a page later). The store's
    /// own actions check references (`requireActiveHousehold`); the server checks them again.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-records") { db in
            try db.create(table: "household") { t in
                t.primaryKey("id", .text)
                t.column("village", .text).notNull().indexed()
                t.column("hukou", .text).notNull()
                t.column("hukouType", .text).notNull()
                t.column("address", .text).notNull()
                t.column("phone", .text)
                t.column("categories", .text).notNull()
                t.column("housing", .text)
                t.column("povertyCauses", .text).notNull()
                t.column("employmentSupportExhausted", .boolean).notNull()
                t.column("benefitAccount", .text)
                t.column("status", .text).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "member") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("name", .text).notNull().indexed()
                t.column("residentID", .text).notNull()
                t.column("relation", .text).notNull()
                t.column("employment", .text).notNull()
                t.column("labourCapacity", .text).notNull()
                t.column("health", .text).notNull()
                t.column("seriousIllness", .text)
                t.column("disability", .text)
                t.column("personStatus", .text).notNull()
                t.column("legalSupporter", .text).notNull()
                t.column("father", .text).notNull()
                t.column("mother", .text).notNull()
                t.column("lostContactConfirmed", .boolean).notNull()
                t.column("dependsOnFamily", .boolean).notNull()
                t.column("voidReason", .text)
            }
            // one resident ID number registers one person (voided registrations excepted)
            try db.execute(sql: "CREATE UNIQUE INDEX member_residentID ON member(residentID) WHERE voidReason IS NULL")
            try db.create(table: "obligor") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("member", .text).notNull()
                t.column("name", .text).notNull()
                t.column("residentID", .text)
                t.column("relation", .text).notNull()
                t.column("employer", .text)
                t.column("supportOwed", .text).notNull()
                t.column("cannotPayReason", .text)
                t.column("voidReason", .text)
            }
            try db.create(table: "visit") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("date", .text).notNull()
                t.column("visitors", .text).notNull()
                t.column("interviewee", .text).notNull()
                t.column("observations", .text).notNull()
                t.column("neighbourNotes", .text)
                t.column("conclusion", .text).notNull()
                t.column("remarks", .text)
                t.column("voidReason", .text)
            }
            try db.create(table: "survey") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("date", .text).notNull()
                t.column("surveyors", .text).notNull()
                t.column("incomes", .text).notNull()
                t.column("deductions", .text).notNull()
                t.column("assets", .text).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "application") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("member", .text)
                t.column("programme", .text).notNull()
                t.column("temporaryAidType", .text)
                t.column("hardship", .text)
                t.column("amountPerPerson", .text)
                t.column("persons", .integer)
                t.column("summary", .text).notNull()
                t.column("date", .text).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "workflow") { t in
                t.primaryKey("application", .text)
                t.column("programme", .text).notNull()
                t.column("village", .text).notNull().indexed()
                t.column("temporaryAidType", .text)
                t.column("state", .text).notNull()
                t.column("history", .text).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "decision") { t in
                t.primaryKey("id", .text)
                t.column("application", .text).notNull().indexed()
                t.column("outcome", .text).notNull()
                t.column("amount", .text)
                t.column("reason", .text).notNull()
                t.column("decidedBy", .text).notNull()
                t.column("role", .text).notNull()
                t.column("org", .text).notNull()
                t.column("date", .text).notNull()
                t.column("classifiedAidTiers", .text).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "enrolment") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("programme", .text).notNull()
                t.column("member", .text)
                t.column("start", .text).notNull()
                t.column("end", .text)
                t.column("monthlyAmount", .text).notNull()
                t.column("gradualExitStart", .text)
                t.column("classifiedAid", .text).notNull()
                t.column("certificate", .text)
                t.column("voidReason", .text)
            }
            try db.create(table: "payment") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("member", .text)
                t.column("programme", .text).notNull()
                t.column("enrolment", .text)
                t.column("application", .text)
                t.column("month", .text).notNull().indexed()
                t.column("amount", .text).notNull()
                t.column("paidOn", .text).notNull()
                t.column("fromReserveFund", .boolean).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "reserveFundEntry") { t in
                t.primaryKey("id", .text)
                t.column("town", .text).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("amount", .text).notNull()
                t.column("date", .text).notNull()
                t.column("application", .text)
                t.column("note", .text)
                t.column("voidReason", .text)
            }
            try db.create(table: "policyVersion") { t in
                t.primaryKey("id", .text)
                t.column("title", .text).notNull()
                t.column("district", .text).notNull()
                t.column("effectiveFrom", .text).notNull().unique()
                t.column("source", .text).notNull()
                t.column("rounding", .text).notNull()
                for c in ["ages", "dibao", "severeDisability", "tekun", "children", "disability", "temporaryAid", "reserveFund", "workflow", "priceSubsidies"] {
                    t.column(c, .text).notNull()
                }
                t.column("voidReason", .text)
            }
        }
        migrator.registerMigration("v1-change-capture") { db in
            // this device: identity, clock and the next sequence number (one row)
            try db.create(table: "device") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("user", .text).notNull()
                t.column("role", .text).notNull()
                t.column("org", .text).notNull()
                t.column("nextSequence", .integer).notNull()
                t.column("clock", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            // the outbox: every change set made here, waiting or synced
            try db.create(table: "changeSet") { t in
                t.primaryKey("id", .text)
                t.column("device", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("action", .text).notNull()
                t.column("author", .text).notNull()
                t.column("stamp", .text).notNull()
                t.column("body", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("serverSequence", .integer)
                t.column("reason", .text)
                t.uniqueKey(["device", "sequence"])
            }
            // every version of every record, oldest first: the values each version wrote
            // (a version's whole record is the fold of the versions up to it)
            try db.create(table: "history") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("entity", .text).notNull()
                t.column("record", .text).notNull()
                t.column("operation", .text).notNull()
                t.column("changeSet", .text).notNull()
                t.column("author", .text).notNull()
                t.column("stamp", .text).notNull()
                t.column("values", .text).notNull()
            }
            try db.create(index: "history_record", on: "history", columns: ["record", "seq"])
            // the stamp each field of each record was last written with (merge base);
            // field "*" holds the stamp of the record's creation, for fields not edited since
            try db.create(table: "fieldStamp") { t in
                t.column("entity", .text).notNull()
                t.column("record", .text).notNull()
                t.column("field", .text).notNull()
                t.column("stamp", .text).notNull()
                t.primaryKey(["record", "field"])
            }
        }
        registerSyncMigration(&migrator)
        registerOrgUnitMigration(&migrator)
        // a workflow shares its application's id: stamps are keyed by entity too
        migrator.registerMigration("v4-stamps-by-entity") { db in
            try db.create(table: "fieldStampByEntity") { t in
                t.column("entity", .text).notNull()
                t.column("record", .text).notNull()
                t.column("field", .text).notNull()
                t.column("stamp", .text).notNull()
                t.primaryKey(["entity", "record", "field"])
            }
            try db.execute(sql: "INSERT OR IGNORE INTO fieldStampByEntity(entity, record, field, stamp) SELECT entity, record, field, stamp FROM fieldStamp")
            try db.drop(table: "fieldStamp")
            try db.rename(table: "fieldStampByEntity", to: "fieldStamp")
        }
        registerContinuityMigration(&migrator)
        registerSealedFieldsMigration(&migrator)
        registerSpecialPeriodMigration(&migrator)
        registerSocialOrganisationMigration(&migrator)
        registerStopPaymentMigration(&migrator)
        registerBankReturnMigration(&migrator)
        registerBundleMigration(&migrator)
        registerSearchMigration(&migrator)
        registerBulkLoadMigration(&migrator)
        registerDeparturesMigration(&migrator)
        return migrator
    }
}
