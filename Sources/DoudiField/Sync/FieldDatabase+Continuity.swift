import Foundation
import GRDB

extension FieldDatabase {
    /// What keeps a laptop's work from being lost (migration `v5-set-aside-and-restore`):
    ///
    /// - `changeSet.retries`: how many syncs in a row the server refused a change set for a
    ///   retryable reason (`dependency`, `clock`); past a limit it is set aside, so nothing
    ///   waits for ever unseen;
    /// - `changeSet.resolution`: what became of a change set set aside or re-made — "dropped",
    ///   "redone as …", "re-based as …" — and `supersededBy`, the change set that replaced it;
    /// - `restoration`: one row when the store was restored from a backup (`doudi restore`),
    ///   until its first sync has re-based its numbering with the server (SPEC §8.6).
    static func registerContinuityMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-set-aside-and-restore") { db in
            try db.alter(table: "changeSet") { t in
                t.add(column: "retries", .integer).notNull().defaults(to: 0)
                t.add(column: "resolution", .text)
                t.add(column: "supersededBy", .text)
            }
            try db.create(table: "restoration") { t in
                t.primaryKey("id", .integer)
                // Milliseconds since 1970 of the restore.
                t.column("restoredAt", .integer).notNull()
                // The backup file restored from, as given.
                t.column("source", .text).notNull()
                // The device's next sequence number in the backup: change sets numbered from
                // here on were made after the restore and never pushed.
                t.column("firstSequence", .integer).notNull()
                // Milliseconds since 1970 of the first sync's re-base; NULL until then.
                t.column("rebasedAt", .integer)
                // The highest sequence the server had accepted from this device, as it said then.
                t.column("serverHighestSequence", .integer)
            }
        }
    }
}
