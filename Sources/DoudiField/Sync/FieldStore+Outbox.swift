import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension FieldError.Code {
    /// The outbox cannot do this with that change set (not set aside, already resolved …).
    public static let outbox = FieldError.Code(rawValue: "outbox")
}

/// What became of a change set that was set aside or re-made, for `doudi outbox --all`.
public struct OutboxResolution: Hashable, Sendable {
    /// "dropped …", "redone as #N (id)", "re-based as #N (id)".
    public var text: String
    /// The change set that replaced it, when it was redone or re-based.
    public var supersededBy: UUID?
}

extension FieldStore {
    /// A change set as the outbox keeps it (its `body` column, sealed with the store's keys).
    ///
    /// - Throws: ``FieldError`` `locked` without the keys; `validation` when the body cannot be read.
    func storedChangeSet(body: String) throws -> ChangeSet {
        let data = Data(try requireKeys().open(body, blob: .changeSetBody).utf8)
        if let value = try? JSONValue.parse(data), let changeSet = ChangeSet(wire: value) { return changeSet }
        do { return try JSONDecoder().decode(ChangeSet.self, from: data) } catch {
            throw FieldError(.validation, field: "changeSet", "a change set in the outbox cannot be read (\(error)): back the store up and report this")
        }
    }

    /// The text the outbox keeps for a change set (its `body` column): sealed.
    ///
    /// - Throws: ``FieldError`` `locked` without the keys.
    func storedBody(of changeSet: ChangeSet) throws -> String {
        try requireKeys().seal(changeSet.jsonValue.canonicalText, blob: .changeSetBody)
    }

    /// Writes a new change set to the outbox, pending.
    func insertPending(_ changeSet: ChangeSet, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO changeSet(id, device, sequence, action, author, stamp, body, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
            """, arguments: [changeSet.id.uuidString, changeSet.device, changeSet.sequence, changeSet.action,
                             changeSet.author.jsonValue.canonicalText, changeSet.stamp.text, try storedBody(of: changeSet)])
    }

    /// Finds a change set of the outbox by the sequence number listings show (`12` or `#12`),
    /// or by its id or the first characters of it (at least ``shortIDMinimum``).
    ///
    /// - Throws: ``FieldError`` `not-found` or `validation` saying what to type instead.
    public func outboxChangeSetID(_ reference: String) throws -> UUID {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let number = text.hasPrefix("#") ? String(text.dropFirst()) : text
        return try database.writer.read { db in
            if let sequence = Int64(number), !number.isEmpty, number.allSatisfy(\.isNumber) {
                guard let id = try String.fetchOne(db, sql: "SELECT id FROM changeSet WHERE sequence = ?", arguments: [sequence]).flatMap(UUID.init(uuidString:)) else {
                    throw FieldError(.notFound, field: "changeSet", "no change set #\(sequence) in this store's outbox: `doudi outbox --all` lists them with their numbers")
                }
                return id
            }
            let key = text.uppercased()
            guard key.count >= Self.shortIDMinimum, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
                throw FieldError(.validation, field: "changeSet",
                                 "\"\(text)\" is not a change set: give its number as `doudi outbox` shows it (e.g. 12), or its id (at least \(Self.shortIDMinimum) characters)")
            }
            let found = try String.fetchAll(db, sql: "SELECT id FROM changeSet WHERE id LIKE ?", arguments: [key + "%"])
            guard let first = found.first, let id = UUID(uuidString: first) else {
                throw FieldError(.notFound, field: "changeSet", "no change set \(text) in this store's outbox: `doudi outbox --all` lists them")
            }
            guard found.count == 1 else {
                throw FieldError(.validation, field: "changeSet", "\(text) names \(found.count) change sets: give more of the id, or the number `doudi outbox` shows")
            }
            return id
        }
    }

    /// What became of the change sets that were dropped, redone or re-based, by id.
    public func outboxResolutions() throws -> [UUID: OutboxResolution] {
        try database.writer.read { db in
            var out: [UUID: OutboxResolution] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, resolution, supersededBy FROM changeSet WHERE resolution IS NOT NULL") {
                guard let id = UUID(uuidString: row["id"]) else { continue }
                out[id] = OutboxResolution(text: row["resolution"], supersededBy: (row["supersededBy"] as String?).flatMap(UUID.init(uuidString:)))
            }
            return out
        }
    }

    /// The record ids created by change sets that are set aside or dropped here: a later change
    /// set that builds on one of them can never be accepted as it is.
    func recordsOfSetAsideChangeSets(_ db: Database) throws -> [UUID: Int64] {
        var created: [UUID: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT sequence, body FROM changeSet WHERE state IN ('rejected', 'dropped')") {
            let changeSet = try storedChangeSet(body: row["body"])
            for change in changeSet.changes where change.operation == .create { created[change.record] = row["sequence"] }
        }
        return created
    }
}
