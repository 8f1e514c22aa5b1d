import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The initial sync of an empty store as a bulk load (issue 11): the secondary indexes are
/// dropped before the first page and made again once after the last — one sort each instead of
/// a random insert into a dozen B-trees per record (the town's initial sync: apply 6.9 → 4.1 s,
/// and 0.4 s to make the indexes again).
///
/// The definitions dropped are kept in `bulkLoadIndex` in the same transaction, so a sync
/// stopped half-way (a failure, kill -9) loses none: the sync's end makes them again, and a
/// store found with some still kept (the process was killed) makes them at its next unlock or
/// sync. Unique indexes stay (they keep one ID number to one person during the load), and so do
/// primary keys.
extension FieldDatabase {
    static func registerBulkLoadMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-bulk-load") { db in
            try db.create(table: "bulkLoadIndex") { t in
                t.primaryKey("name", .text)
                t.column("sql", .text).notNull()
            }
        }
    }
}

extension FieldStore {
    /// Drops the secondary indexes when the store holds nothing yet (no record, nothing in the
    /// outbox, cursor 0): the sync about to pull is an initial one.
    ///
    /// - Returns: whether it did (the caller then calls ``endBulkLoad()`` however the sync ends).
    func beginBulkLoadIfEmpty() throws -> Bool {
        try database.writer.write { db in
            let empty = try Bool.fetchOne(db, sql: """
                SELECT NOT EXISTS (SELECT 1 FROM household) AND NOT EXISTS (SELECT 1 FROM member) AND NOT EXISTS (SELECT 1 FROM changeSet)
                  AND COALESCE((SELECT cursor FROM syncState), 0) = 0
                """) ?? false
            guard empty else { return false }
            let indexes = try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master
                WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND name NOT IN (SELECT name FROM bulkLoadIndex)
                """)
            for row in indexes {
                let name: String = row["name"], sql: String = row["sql"]
                try db.execute(sql: "INSERT INTO bulkLoadIndex(name, sql) VALUES (?, ?)", arguments: [name, sql])
                try db.execute(sql: "DROP INDEX \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
            }
            return true
        }
    }

    /// Makes again every index a bulk load dropped, in one transaction (none taken when no
    /// bulk load is pending: every sync starts here).
    func endBulkLoad() throws {
        guard try database.writer.read({ db in try Bool.fetchOne(db, sql: "SELECT 1 FROM bulkLoadIndex LIMIT 1") }) == true else { return }
        try database.writer.write { db in
            for row in try Row.fetchAll(db, sql: "SELECT name, sql FROM bulkLoadIndex") {
                let name: String = row["name"], sql: String = row["sql"]
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", arguments: [name]) != true {
                    try db.execute(sql: sql)
                }
            }
            try db.execute(sql: "DELETE FROM bulkLoadIndex")
        }
    }

    /// Makes the indexes of a bulk load the process did not finish (it was killed): best effort,
    /// at unlock; a store busy now does it at its next unlock or sync.
    func finishInterruptedBulkLoad() {
        try? endBulkLoad()
    }
}
