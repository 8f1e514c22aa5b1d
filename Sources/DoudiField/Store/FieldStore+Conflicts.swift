import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// A conflict pulled from the server, and where it stands on this device.
public struct ConflictEntry: Hashable, Sendable {
    public var stored: StoredConflict
    /// Marked resolved in this store: by the server's resolution, or by a resolution made
    /// here that waits in the outbox.
    public var isResolved: Bool

    public var conflict: ConflictRecord { stored.conflict }
    /// Resolved on this device, not yet confirmed by the server (the next sync sends it).
    public var isResolutionPending: Bool { isResolved && conflict.resolution == nil }
}

/// Reading the conflicts the server recorded, and the action that puts the losing
/// version of a concurrent edit back.
extension FieldStore {
    /// Conflicts in this store, open ones first, each with its state here.
    ///
    /// - Parameter includeResolved: also those resolved (by the server or on this device).
    /// - Throws: ``FieldError/locked`` when there are conflicts and the store is locked (their
    ///   bodies are sealed).
    public func conflictEntries(includeResolved: Bool = false) throws -> [ConflictEntry] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT body, serverSequence, resolved FROM conflict \(includeResolved ? "" : "WHERE NOT resolved")
                ORDER BY resolved, serverSequence, id
                """).map { row in
                let conflict = try JSONDecoder().decode(ConflictRecord.self, from: Data(try openedBlob(row["body"], .conflictBody).utf8))
                return ConflictEntry(stored: StoredConflict(conflict: conflict, serverSequence: row["serverSequence"]),
                                     isResolved: row["resolved"])
            }
        }
    }

    /// Finds a conflict by its short id (at least 4 characters of its id) or its full id,
    /// open or resolved.
    ///
    /// - Throws: ``FieldError`` `not-found` or `validation` saying what to type instead.
    public func conflictEntry(_ reference: String) throws -> ConflictEntry {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let key = trimmed.uppercased()
        guard key.count >= Self.shortIDMinimum, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw FieldError(.validation, field: "conflict",
                             "\"\(trimmed)\" is not a conflict id: give the short id `doudi conflicts list` shows (at least \(Self.shortIDMinimum) of its characters, 0–9 and a–f)")
        }
        let found = try conflictEntries(includeResolved: true).filter { $0.conflict.id.uuidString.hasPrefix(key) }
        guard let first = found.first else {
            throw FieldError(.notFound, field: "conflict", "no conflict \(trimmed) in this store: sync to get the server's conflicts, then `doudi conflicts list --all`")
        }
        guard found.count == 1 else {
            throw FieldError(.validation, field: "conflict", "\(trimmed) matches several conflicts: type more of the id")
        }
        return first
    }

    /// The edit that sets one field of a record to `value` — e.g. the losing value of a
    /// concurrent edit (``ConflictRecord/other``) — as the action a resolution carries.
    ///
    /// Household, member and legal-supporter records can be edited this way; other kinds
    /// are append-only or moved on by their workflow.
    ///
    /// - Returns: the action, or `nil` when the record already holds `value`.
    /// - Throws: ``FieldError`` when the record is not here, is voided, is of another kind,
    ///   or the value does not fit the field.
    public func actionSetting(_ field: String, of entity: EntityKind, record id: UUID, to value: JSONValue) throws -> FieldAction? {
        switch entity {
        case .household: try setting(field, of: Household.self, id: id, to: value).map { .editHousehold($0) }
        case .member: try setting(field, of: Member.self, id: id, to: value).map { .editMember($0) }
        case .obligor: try setting(field, of: SupportObligor.self, id: id, to: value).map { .recordObligor($0) }
        default:
            throw FieldError(.validation, field: field,
                             "a \(entity.rawValue) record is not edited field by field here: resolve the conflict with a note, and record what is right as a new action")
        }
    }

    private func setting<R: StoredRecord>(_ field: String, of type: R.Type, id: UUID, to value: JSONValue) throws -> R? {
        let found = try database.writer.read { db in (try R.find(db, id: id, keys: keys), try R.voidReason(db, id: id)) }
        guard let record = found.0 else {
            throw FieldError(.notFound, field: "record", "no \(R.entity.rawValue) \(id) in this store: sync first")
        }
        if let reason = found.1 {
            throw FieldError(.voided, field: "record", "this \(R.entity.rawValue) was voided (\(reason)) and cannot change")
        }
        var fields = try RecordFields.fields(of: record)
        if (fields[field] ?? .null) == value { return nil }
        if value == .null { fields.removeValue(forKey: field) } else { fields[field] = value }
        let changed: R
        do { changed = try RecordFields.record(R.self, from: fields) } catch {
            throw FieldError(.validation, field: field, "the value \(value.canonicalText) does not fit this field: \(error)")
        }
        guard (try RecordFields.fields(of: changed)[field] ?? .null) == value else {
            throw FieldError(.validation, field: field, "\(field) is not a field of a \(R.entity.rawValue) record")
        }
        return changed
    }
}
