import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// A record found by a reference the user typed, with its kind.
public struct RecordReference: Hashable, Sendable {
    public var entity: EntityKind
    public var id: UUID
}

/// An application with the stage its workflow has reached.
public struct ApplicationSummary: Hashable, Sendable {
    public var application: Application
    /// The workflow; `nil` only for an application recorded without one.
    public var workflow: ApplicationWorkflow?
    /// The void reason, when the application was withdrawn.
    public var voidReason: String?
}

/// Turning what a user types into record ids, and reading single records.
///
/// Users name records by a **short id** — the first characters of the UUID, at
/// least 4, as listings show 8 — or, for members, by their resident ID number.
/// A reference that matches nothing, or more than one record, is an error that
/// says what to type instead.
extension FieldStore {
    /// The fewest characters of an id a reference must give.
    public static let shortIDMinimum = 4

    /// The short id listings show: the first 8 characters of the UUID, lowercase.
    public static func shortID(_ id: UUID) -> String { id.shortID }

    /// Finds a household by a short id, its full id, or the resident ID number of one of
    /// its (not voided) members.
    ///
    /// - Throws: ``FieldError`` `not-found` or `validation` saying what to type instead.
    public func resolveHouseholdReference(_ text: String) throws -> UUID {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let residentID = try? ResidentID(trimmed) {
            guard let member = try activeMember(residentID: residentID) else {
                throw FieldError(.notFound, field: "household", "no member with ID number \(residentID.masked) in this store: list households with `doudi household list`")
            }
            return member.household
        }
        return try resolve(trimmed, table: "household", what: "household", list: "doudi household list")
    }

    /// Finds a member by a short id, the full id, or their resident ID number
    /// (members not voided).
    ///
    /// - Throws: ``FieldError`` `not-found` or `validation` saying what to type instead.
    public func resolveMember(_ text: String) throws -> UUID {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let residentID = try? ResidentID(trimmed) {
            guard let member = try activeMember(residentID: residentID) else {
                throw FieldError(.notFound, field: "member", "no member with ID number \(residentID.masked) in this store: see the members with `doudi household show HOUSEHOLD`")
            }
            return member.id
        }
        return try resolve(trimmed, table: "member", what: "member", list: "doudi household show HOUSEHOLD")
    }

    /// Finds an application by a short id or its full id.
    ///
    /// - Throws: ``FieldError`` `not-found` or `validation` saying what to type instead.
    public func resolveApplication(_ text: String) throws -> UUID {
        try resolve(text.trimmingCharacters(in: .whitespaces), table: "application", what: "application",
                    list: "doudi household show HOUSEHOLD")
    }

    /// Finds any record with a history here — household, member, visit, survey,
    /// application … — by a short id or its full id, or a member by resident ID number.
    ///
    /// - Throws: ``FieldError`` `not-found` or `validation` saying what to type instead.
    public func resolveRecord(_ text: String) throws -> RecordReference {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let residentID = try? ResidentID(trimmed) {
            guard let member = try activeMember(residentID: residentID) else {
                throw FieldError(.notFound, field: "record", "no member with ID number \(residentID.masked) in this store")
            }
            return RecordReference(entity: .member, id: member.id)
        }
        let key = try Self.idPrefix(trimmed, what: "record")
        let rows = try database.writer.read { db in
            // every record here has field stamps (one received whole has no history row); the
            // workflow of an application shares its id: name the application
            try Row.fetchAll(db, sql: """
                SELECT record, MIN(CASE entity WHEN 'workflow' THEN 'application' ELSE entity END) AS entity
                FROM fieldStamp WHERE record LIKE ? ESCAPE '\\' GROUP BY record LIMIT 2
                """, arguments: ["\(key)%"])
        }
        guard let first = rows.first else {
            throw FieldError(.notFound, field: "record", "no record with id \(trimmed) in this store: listings show each record's short id")
        }
        guard rows.count == 1 else {
            throw FieldError(.validation, field: "record", "\(trimmed) matches several records: type more of the id")
        }
        let entity = EntityKind(rawValue: first["entity"]) ?? .household
        return RecordReference(entity: entity, id: try StoredValue.uuid(first["record"], "record"))
    }

    // MARK: - Single records

    /// The household with this id, voided or not.
    public func household(_ id: UUID) throws -> Household? {
        try database.writer.read { db in try Household.find(db, id: id, keys: keys) }
    }

    /// The member with this id, if not voided.
    public func member(_ id: UUID) throws -> Member? {
        try database.writer.read { db in try Member.active(db, id: id, keys: keys) }
    }

    /// The application with this id, voided or not.
    public func application(_ id: UUID) throws -> Application? {
        try database.writer.read { db in try Application.fetchOne(db, key: id) }
    }

    /// Applications of a household with their workflows, oldest first (voided ones too).
    public func applications(of household: UUID) throws -> [ApplicationSummary] {
        try database.writer.read { db in
            let applications = try Application.fetchAll(
                db, sql: "SELECT * FROM application WHERE household = ? ORDER BY date, rowid", arguments: [household.uuidString])
            return try applications.map { a in
                ApplicationSummary(application: a, workflow: try ApplicationWorkflow.fetchOne(db, key: a.id),
                                   voidReason: try Application.voidReason(db, id: a.id))
            }
        }
    }

    /// How many change sets wait in the outbox (not yet accepted by the server).
    public func pendingChangeSetCount() throws -> Int {
        try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changeSet WHERE state = 'pending'") ?? 0
        }
    }

    // MARK: - Helpers

    /// The member registered under `residentID`, found by the keyed person index.
    ///
    /// - Throws: ``FieldError/locked`` while the store is locked.
    private func activeMember(residentID: ResidentID) throws -> Member? {
        let keys = try requireKeys()
        return try database.writer.read { db in
            try Member.fetchOne(db, sql: "SELECT * FROM member WHERE personIndex = ? AND voidReason IS NULL",
                                arguments: [keys.personIndex(residentID.value)], keys: keys)
        }
    }

    /// Resolves an id prefix in `table`.
    private func resolve(_ text: String, table: String, what: String, list: String) throws -> UUID {
        let key = try Self.idPrefix(text, what: what)
        let ids = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM \"\(table)\" WHERE id LIKE ? ESCAPE '\\' LIMIT 2", arguments: ["\(key)%"])
        }
        guard let first = ids.first else {
            throw FieldError(.notFound, field: what, "no \(what) with id \(text) in this store: see the ids with `\(list)`")
        }
        guard ids.count == 1 else {
            throw FieldError(.validation, field: what, "\(text) matches several records: type more of the id")
        }
        return try StoredValue.uuid(first, what)
    }

    /// Checks a typed id prefix and returns it in the stored (uppercase) form.
    static func idPrefix(_ text: String, what: String) throws -> String {
        let key = text.uppercased()
        if key.count == 18, key.dropLast().allSatisfy({ ("0"..."9").contains($0) }) {
            // meant as a resident ID number, but not a valid one
            do { _ = try ResidentID(text) } catch { throw FieldError(.validation, field: what, error.description) }
        }
        guard key.count >= shortIDMinimum, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            let alternative = what == "application" ? "" : " or a member's resident ID number"
            throw FieldError(.validation, field: what,
                             "\"\(text)\" is not an id: give the short id listings show (at least \(shortIDMinimum) of its characters, 0–9 and a–f)\(alternative)")
        }
        return key
    }
}
