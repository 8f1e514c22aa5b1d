import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// A record's row built from its fields, the row the model's `Codable` form makes (each
/// top-level field a column, nested values as canonical JSON text), with its sealed fields
/// sealed and a member's keyed person index and ID-tail search key beside them: what
/// ``ChangeRecorder`` writes, from the fields it computes for the change anyway, without a
/// second `Codable` pass through GRDB (that pass was a quarter of a local action's time).
struct RecordRow {
    private(set) var columns: [String] = []
    private(set) var values: [DatabaseValue] = []

    /// The whole row of a new record (`names` nil), or the columns of the fields `names` (an
    /// update's changed fields; a field named but absent is written NULL).
    init(_ entity: EntityKind, fields: [String: JSONValue], only names: [String]? = nil, keys: StoreKeys) {
        let sealed = SealedField.names(of: entity)
        var written = names ?? fields.keys.sorted()
        // a new record's sealed fields are all written, an absent one sealed as null (as SealedRow does)
        if names == nil { written += sealed.filter { fields[$0] == nil } }
        columns.reserveCapacity(written.count + 2)
        values.reserveCapacity(written.count + 2)
        for name in written {
            let value = fields[name] ?? .null
            columns.append(name)
            values.append(sealed.contains(name) ? keys.seal(value, field: SealedField(entity, name)).databaseValue : value.columnValue)
        }
        if entity == .member, names?.contains("residentID") ?? true, case .string(let number) = fields["residentID"] ?? .null {
            columns += [PersonIndex.column, FieldDatabase.idTailColumn]
            values += [keys.personIndex(number).databaseValue, keys.searchTail(number).databaseValue]
        }
    }

    /// `INSERT INTO table(columns) VALUES (…)`: a unique clash throws GRDB's constraint error.
    func insert(into table: String, _ db: Database) throws {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.cachedStatement(sql: "INSERT INTO \"\(table)\"(\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(marks))")
            .execute(arguments: StatementArguments(columns: values))
    }

    /// `UPDATE table SET column = ?, … WHERE key = id`.
    func update(_ table: String, key: String, id: UUID, _ db: Database) throws {
        guard !columns.isEmpty else { return }
        try db.cachedStatement(sql: "UPDATE \"\(table)\" SET \(columns.map { "\"\($0)\" = ?" }.joined(separator: ", ")) WHERE \"\(key)\" = ?")
            .execute(arguments: StatementArguments(columns: values + [id.uuidString.databaseValue]))
    }
}

extension StatementArguments {
    /// Arguments from column values, without GRDB's generic map through a key path (its
    /// instantiation for every statement was a sixth of writing a pulled record).
    init(columns values: [DatabaseValue]) {
        self.init(values.map { $0 as (any DatabaseValueConvertible)? })
    }
}
