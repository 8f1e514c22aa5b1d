import Crypto
import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Reading and writing merged records and conflicts; helpers that compose in one
/// transaction take `_ db: Database` first.
enum StoredRecords {
    static func decoder() -> JSONDecoder { JSONDecoder() }

    /// The record as the store holds it.
    static func fetch(_ db: Database, _ entity: EntityKind, _ id: UUID) throws -> RecordVersion? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM record WHERE entity = ? AND id = ?"), arguments: [entity.rawValue, id.uuidString])
            .map(decodeRecord)
    }

    /// A stored record body (its wire JSON), read with the byte parser; `Codable` only if that fails.
    static func decodeRecord(_ body: String) throws -> RecordVersion {
        let data = Data(body.utf8)
        if let value = try? JSONValue.parse(data), let version = try? RecordVersion(wire: value) { return version }
        return try decoder().decode(RecordVersion.self, from: data)
    }

    static func decodeConflict(_ body: String) throws -> ConflictRecord {
        try decoder().decode(ConflictRecord.self, from: Data(body.utf8))
    }

    /// Writes (inserts or replaces) a record version.
    static func save(_ db: Database, _ version: RecordVersion) throws {
        let body = version.jsonValue.canonicalText
        var personKey: String?
        if version.entity == .member, case .string(let number) = version.fields["residentID"]?.value ?? .null {
            personKey = Self.personKey(number)
        }
        try db.cachedStatement(sql: """
            INSERT INTO record(entity, id, village, household, personKey, voided, serverSequence, size, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(entity, id) DO UPDATE SET village = excluded.village, household = excluded.household,
              personKey = excluded.personKey, voided = excluded.voided, serverSequence = excluded.serverSequence,
              size = excluded.size, body = excluded.body
            """).execute(arguments: [version.entity.rawValue, version.record.uuidString, version.village.value, version.household?.uuidString,
                                     personKey, version.isVoided, version.serverSequence, body.utf8.count, body])
    }

    /// The index key of a resident ID number: its SHA-256, so the number is not in an index in clear.
    static func personKey(_ residentID: String) -> String {
        BearerToken.hash(residentID.uppercased())
    }

    static func fetchConflict(_ db: Database, _ id: UUID) throws -> ConflictRecord? {
        try String.fetchOne(db, sql: "SELECT body FROM conflict WHERE id = ?", arguments: [id.uuidString]).map(decodeConflict)
    }

    /// Writes (inserts or replaces) a conflict with the sequence that last changed it.
    static func save(_ db: Database, _ conflict: ConflictRecord, serverSequence: Int64) throws {
        let body = try RecordFields.canonicalJSON(conflict)
        try db.execute(sql: """
            INSERT INTO conflict(id, kind, entity, record, village, resolved, serverSequence, size, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved, serverSequence = excluded.serverSequence,
              size = excluded.size, body = excluded.body
            """, arguments: [conflict.id.uuidString, conflict.kind.rawValue, conflict.entity.rawValue, conflict.record.uuidString,
                             conflict.village.value, conflict.resolution != nil, serverSequence, body.utf8.count, body])
    }

    /// The current server sequence.
    static func serverSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serverSequence'") ?? 0
    }

    /// Takes the next server sequence (inside the writing transaction).
    static func nextServerSequence(_ db: Database) throws -> Int64 {
        let next = try serverSequence(db) + 1
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'serverSequence'", arguments: [next])
        return next
    }

    /// SQL matching a column that holds an org code within `scope` (a prefix test on a range,
    /// so the index on the column serves it: codes are digits, and `:` sorts after `9`).
    static func within(_ column: String) -> String { "(\(column) >= ? AND \(column) < ?)" }
    static func withinArguments(_ scope: OrgCode) -> StatementArguments { [scope.value, scope.value + ":"] }
}
