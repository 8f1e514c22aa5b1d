import GRDB

extension FieldDatabase {
    /// Bundles carried by hand (migration `v10-bundles`, Protocol/SPEC.md §15): the device's
    /// private bundle keys (sealed), the server's public ones from the last login, and a log of
    /// the bundles this store made and the replies it applied (a reply is applied once).
    static func registerBundleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-bundles") { db in
            try db.alter(table: "device") { t in t.add(column: "bundleKeys", .text) }
            try db.alter(table: "syncState") { t in t.add(column: "serverKeys", .text) }
            try db.create(table: "bundle") { t in
                t.primaryKey("id", .text)
                // `out`: a request this store made; `in`: a reply it applied
                t.column("direction", .text).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("inReplyTo", .text)
                t.column("cursor", .integer).notNull()
                // a request: the device's last change-set number when it was made (what came after was not in it)
                t.column("lastSequence", .integer)
                t.column("changeSets", .integer).notNull()
                t.column("records", .integer).notNull().defaults(to: 0)
                t.column("appliedAt", .integer)
                t.column("answeredBy", .text)
            }
        }
    }
}
