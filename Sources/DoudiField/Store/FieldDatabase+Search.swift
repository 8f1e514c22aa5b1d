import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Search of the people in the store as cadres search: by part of a name (秀英), by the
/// initials of its pinyin (`zxy`), by the last four characters of an ID number (as listings
/// show them). `memberSearch` holds, for each member not voided, one row per key:
///
/// - `n:` and each character and each pair of adjacent characters of the name: a Chinese
///   name is two to four characters, so any part of one or two characters is one key, and a
///   longer part is found through its first pair and checked against the name;
/// - `p:` and the initials (``PinyinInitials``), found by prefix;
/// - `i:` and the member's `idTail`: HMAC of the ID number's last four characters under the
///   store's index key (``StoreKeys/searchTail(_:)``), so the file holds no digit of it.
///
/// Triggers keep the rows: every write of a member (an action, a pulled record, a void, a
/// duplicate parked) passes through them, with `doudi_search_keys(name, idTail)` (registered
/// on every connection, ``registerSearchFunctions(_:)``) making the keys.
extension FieldDatabase {
    /// The column of a member holding its ``StoreKeys/searchTail(_:)``: the store's, not a field.
    static let idTailColumn = "idTail"

    /// A name as search compares it: lower case, without spaces (`阿依 古丽` is found by `依古丽`).
    static func searchable(_ name: String) -> String { name.lowercased().filter { !$0.isWhitespace } }

    /// The keys of one member's row.
    static func searchKeys(name: String, idTail: String?) -> [String] {
        let characters = Array(searchable(name))
        var keys = Set<String>()
        for (i, c) in characters.enumerated() {
            keys.insert("n:\(c)")
            if i + 1 < characters.count { keys.insert("n:\(c)\(characters[i + 1])") }
        }
        let initials = PinyinInitials.of(name)
        if !initials.isEmpty { keys.insert("p:\(initials)") }
        if let idTail { keys.insert("i:\(idTail)") }
        return keys.sorted()
    }

    /// Registers `doudi_search_keys(name, idTail)` on a connection (before any write of a member).
    static func registerSearchFunctions(_ db: Database) {
        db.add(function: DatabaseFunction("doudi_search_keys", argumentCount: 2, pure: true) { values in
            guard let name = String.fromDatabaseValue(values[0]) else { return "[]" }
            // the canonical writer escapes whatever a name holds (control characters included)
            return JSONValue.array(searchKeys(name: name, idTail: String.fromDatabaseValue(values[1])).map(JSONValue.string)).canonicalText
        })
    }

    static func registerSearchMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-search") { db in
            // a connection opened without FieldDatabase's configuration (a test's, a tool's) gets it here
            registerSearchFunctions(db)
            try db.alter(table: "member") { t in t.add(column: idTailColumn, .text) }
            try db.create(table: "memberSearch") { t in
                t.column("key", .text).notNull()
                t.column("household", .text).notNull()
                t.column("member", .text).notNull()
            }
            try db.create(index: "memberSearch_key", on: "memberSearch", columns: ["key", "household"])
            try db.create(index: "memberSearch_member", on: "memberSearch", columns: ["member"])
            let insertKeys = """
                INSERT INTO memberSearch(key, household, member)
                  SELECT value, NEW.household, NEW.id FROM json_each(doudi_search_keys(NEW.name, NEW.idTail)) WHERE NEW.voidReason IS NULL;
                """
            try db.execute(sql: """
                CREATE TRIGGER member_search_insert AFTER INSERT ON member BEGIN \(insertKeys) END;
                CREATE TRIGGER member_search_update AFTER UPDATE OF name, idTail, voidReason, household ON member
                  WHEN OLD.name IS NOT NEW.name OR OLD.idTail IS NOT NEW.idTail OR OLD.voidReason IS NOT NEW.voidReason OR OLD.household IS NOT NEW.household BEGIN
                  DELETE FROM memberSearch WHERE member = OLD.id; \(insertKeys) END;
                CREATE TRIGGER member_search_delete AFTER DELETE ON member BEGIN DELETE FROM memberSearch WHERE member = OLD.id; END;
                """)
            // the listing's order, read through an index: the first page without sorting the store
            try db.create(index: "household_listing", on: "household", columns: ["village", "address"])
            // members already here: their name keys now; their ID tails when the store is next
            // unlocked (the numbers are sealed: FieldStore.fillSearchTails)
            try db.execute(sql: """
                INSERT INTO memberSearch(key, household, member)
                  SELECT j.value, m.household, m.id FROM member m, json_each(doudi_search_keys(m.name, NULL)) j WHERE m.voidReason IS NULL
                """)
            try db.create(table: "searchTailsPending") { t in t.column("pending", .integer).notNull() }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM member LIMIT 1") == true {
                try db.execute(sql: "INSERT INTO searchTailsPending(pending) VALUES (1)")
            }
        }
    }
}

extension FieldStore {
    /// Keys the ID tails of members stored before search by ID tail (``FieldDatabase/registerSearchMigration(_:)``
    /// could not: the numbers are sealed), once, at the first unlock after the update. Best
    /// effort: a store busy now does it at its next unlock.
    func fillSearchTails() {
        guard let keys, (try? database.writer.read({ db in try Bool.fetchOne(db, sql: "SELECT 1 FROM searchTailsPending LIMIT 1") })) == true else { return }
        try? database.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM searchTailsPending LIMIT 1") == true else { return }
            let update = try db.makeStatement(sql: "UPDATE member SET \(FieldDatabase.idTailColumn) = ? WHERE id = ?")
            for row in try Row.fetchAll(db, sql: "SELECT id, residentID FROM member WHERE \(FieldDatabase.idTailColumn) IS NULL") {
                guard let sealed = row["residentID"] as String? else { continue }
                let number = try Self.openedResidentID(sealed, keys: keys)
                try update.execute(arguments: [keys.searchTail(number), row["id"] as String])
            }
            try db.execute(sql: "DELETE FROM searchTailsPending")
        }
    }
}
