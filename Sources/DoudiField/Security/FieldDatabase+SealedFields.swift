import Foundation
import GRDB

extension FieldDatabase {
    /// The keyring and the keyed person index (migration `v6-sealed-fields`):
    ///
    /// - `keyring`: one row, the store's data key wrapped under the user's password, with the
    ///   salt and parameters of the password's key derivation (``Keyring``);
    /// - `member.personIndex`: the keyed index of the member's resident ID number
    ///   (``StoreKeys/personIndex(_:)``); one ID number registers one person now through a
    ///   unique index on it, as the plaintext `residentID` column can no longer serve.
    ///
    /// A store made before this migration keeps its plaintext values until its password is
    /// set (`doudi unlock` or `doudi login`): then every sensitive value is sealed, and the
    /// file vacuumed (``FieldStore/protect(password:derivation:)``).
    static func registerSealedFieldsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-sealed-fields") { db in
            try db.create(table: Keyring.databaseTableName) { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("store", .text).notNull()
                t.column("kdf", .text).notNull()
                t.column("kdfCost", .integer).notNull()
                t.column("kdfBlockSize", .integer).notNull()
                t.column("kdfParallelism", .integer).notNull()
                t.column("salt", .text).notNull()
                t.column("wrappedKey", .text).notNull()
                t.column("keyCheck", .text).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("changedAt", .integer).notNull()
            }
            try db.alter(table: "member") { t in t.add(column: PersonIndex.column, .text) }
            try db.execute(sql: "DROP INDEX IF EXISTS member_residentID")
            // one resident ID number registers one person (voided registrations excepted)
            try db.execute(sql: "CREATE UNIQUE INDEX member_personIndex ON member(personIndex) WHERE voidReason IS NULL")
        }
    }
}
