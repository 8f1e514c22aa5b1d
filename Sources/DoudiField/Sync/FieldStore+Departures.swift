import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Records that left this laptop's scope (SPEC §9.7): a household moved to a village outside
/// it takes its members, visits, surveys, applications and the rest with it, and a pull names
/// each as a departure. The laptop removes them, their stamps, their history and their
/// conflicts: the records live on under the new village, on the server and its laptops.
///
/// A record that a change set still in the outbox touches is kept until that change set is no
/// longer pending (pushed and answered, or set aside): nothing typed here is lost. Such records
/// wait in `departedRecord` and go at the next page applied after that.
extension FieldDatabase {
    static func registerDeparturesMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-departures") { db in
            try db.create(table: "departedRecord") { t in
                t.column("entity", .text).notNull()
                t.column("record", .text).notNull()
                t.primaryKey(["entity", "record"])
            }
        }
    }
}

extension FieldStore {
    /// Removes the records a page says left the scope, and those that waited for the outbox
    /// and may go now; keeps (and remembers) those still held by a pending change set or by
    /// `held` (a reply bundle's records with edits made since).
    ///
    /// A record still waiting that `page` writes again (it came back) waits no more: it stays.
    ///
    /// - Returns: how many records were removed.
    @discardableResult
    func removeDeparted(_ departures: [DepartedRecord], holding held: Set<UUID>, returning page: [RecordVersion] = [], _ db: Database) throws -> Int {
        var waiting = try Row.fetchAll(db.cachedStatement(sql: "SELECT entity, record FROM departedRecord")).compactMap { row -> DepartedRecord? in
            guard let entity = EntityKind(rawValue: row[0]), let id = UUID(uuidString: row[1]) else { return nil }
            return DepartedRecord(entity: entity, record: id)
        }
        guard !departures.isEmpty || !waiting.isEmpty else { return 0 }
        // a record the page writes again came back after it left (the page holds the record's latest
        // version, later than any departure of it): it neither goes nor waits
        let back = Set(page.map { DepartedRecord(entity: $0.entity, record: $0.record) })
        for record in waiting where back.contains(record) {
            try db.cachedStatement(sql: "DELETE FROM departedRecord WHERE entity = ? AND record = ?")
                .execute(arguments: [record.entity.rawValue, record.record.uuidString])
        }
        waiting.removeAll { back.contains($0) }
        waiting += departures.filter { !back.contains($0) }
        // a pending change holds its record, and its household (a visit typed here for it)
        let pending = held.union(try pendingChangeSets(db).flatMap { $0.changes.flatMap { [$0.record] + ($0.household.map { [$0] } ?? []) } })
        var removed = 0
        for departed in waiting {
            let entity = departed.entity.rawValue, id = departed.record.uuidString
            if pending.contains(departed.record) {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO departedRecord(entity, record) VALUES (?, ?)").execute(arguments: [entity, id])
                continue
            }
            try db.cachedStatement(sql: "DELETE FROM departedRecord WHERE entity = ? AND record = ?").execute(arguments: [entity, id])
            // a kind this laptop does not keep has nothing to remove
            guard try db.tableExists(entity) else { continue }
            let key = departed.entity == .workflow ? "application" : "id"
            try db.cachedStatement(sql: "DELETE FROM \"\(entity)\" WHERE \(key) = ?").execute(arguments: [id])
            removed += db.changesCount
            try db.cachedStatement(sql: "DELETE FROM fieldStamp WHERE entity = ? AND record = ?").execute(arguments: [entity, id])
            try db.cachedStatement(sql: "DELETE FROM history WHERE entity = ? AND record = ?").execute(arguments: [entity, id])
            try db.cachedStatement(sql: "DELETE FROM conflict WHERE record = ?").execute(arguments: [id])
        }
        return removed
    }
}
