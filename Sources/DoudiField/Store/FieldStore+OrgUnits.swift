import DoudiModel
import Foundation
import GRDB

extension FieldDatabase {
    /// The district's org units, as the server last sent them (migration `v3-org-units`).
    static func registerOrgUnitMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-org-units") { db in
            try db.create(table: "orgUnit") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text)
                t.column("population", .integer)
            }
        }
    }
}

extension FieldStore {
    /// Replaces the stored org units with the server's list (names and populations).
    public func saveOrgUnits(_ units: [OrgUnit]) throws {
        try database.writer.write { db in try Self.saveOrgUnits(units, db) }
    }

    /// ``saveOrgUnits(_:)`` inside a transaction of the caller's.
    static func saveOrgUnits(_ units: [OrgUnit], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM orgUnit")
        let insert = try db.cachedStatement(sql: "INSERT INTO orgUnit(code, name, kind, population) VALUES (?, ?, ?, ?)")
        for u in units { try insert.execute(arguments: [u.code.value, u.name, u.kind, u.population]) }
    }

    /// The org tree as last synced (empty before the first sync).
    public func orgTree() throws -> OrgTree {
        let units = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, kind, population FROM orgUnit ORDER BY code").map { row in
                OrgUnit(code: try OrgCode(row["code"] as String), name: row["name"], kind: row["kind"], population: row["population"])
            }
        }
        do { return try OrgTree(units) } catch { throw FieldError(.validation, "the stored org units do not form a tree: \(error); sync again") }
    }
}
