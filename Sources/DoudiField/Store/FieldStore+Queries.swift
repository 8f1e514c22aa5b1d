import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// One line of a household listing.
public struct HouseholdSummary: Hashable, Sendable, Codable {
    public var id: UUID
    public var village: OrgCode
    public var address: String
    public var categories: Set<HouseholdCategory>
    public var status: RecordStatus
    /// 户主姓名 (the member whose relation is head, else the first registered).
    public var headName: String?
    /// The head's resident ID number, masked.
    public var headResidentIDMasked: String?
    /// 家庭人口 (members not voided).
    public var members: Int
}

/// One version of a record, as history shows it.
public struct HistoryEntry: Hashable, Sendable, Codable {
    public var entity: EntityKind
    public var record: UUID
    public var operation: ChangeOperation
    public var changeSet: UUID
    public var author: Actor
    public var stamp: HLCStamp
    /// Fields this version changed.
    public var fields: [String]
    /// The whole record after this version.
    public var snapshot: [String: JSONValue]
}

/// A change set in the outbox and what became of it.
public struct OutboxEntry: Hashable, Sendable, Codable {
    public enum State: String, Hashable, Sendable, Codable {
        case pending, accepted, rejected
        /// A rejected change set the user dropped (`doudi outbox drop`), or one redone or
        /// re-based as a new change set (`doudi outbox redo`, after a restore): kept for history.
        case dropped, superseded
        public var chineseName: String {
            switch self {
            case .pending: "待同步"
            case .accepted: "已同步"
            case .rejected: "被拒绝"
            case .dropped: "已放弃"
            case .superseded: "已重做"
            }
        }
    }
    public var changeSet: ChangeSet
    public var state: State
    public var serverSequence: Int64?
    public var reason: String?
}

extension FieldStore {
    /// Lists households, ordered by village and address: all of them, or those with a member
    /// found by `search` (``HouseholdSearch``): part of a name (秀英), the initials of a name's
    /// pinyin (`zxy`, from the start), or the last four characters of an ID number (`0123`,
    /// `012X`), each through an index (`memberSearch`).
    ///
    /// - Throws: ``FieldError/locked`` when there are households and the store is locked (the
    ///   head's masked ID number is read from its sealed value, and an ID tail is keyed).
    public func households(matching search: String? = nil, includeVoided: Bool = false, limit: Int = 200, offset: Int = 0) throws -> [HouseholdSummary] {
        try database.writer.read { db in
            var sql = """
                SELECT h.id, h.village, h.address, h.categories, h.status,
                  (SELECT COUNT(*) FROM member m WHERE m.household = h.id AND m.voidReason IS NULL) AS memberCount,
                  hm.name AS headName, hm.residentID AS headID
                FROM household h
                LEFT JOIN member hm ON hm.id = (SELECT m.id FROM member m WHERE m.household = h.id AND m.voidReason IS NULL
                                                ORDER BY (m.relation = 'head') DESC, m.rowid LIMIT 1)
                """
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if !includeVoided { conditions.append("h.voidReason IS NULL") }
            if let search, let query = HouseholdSearch(search) {
                let (condition, values) = try query.condition(keys: keys)
                conditions.append(condition)
                _ = arguments.append(contentsOf: StatementArguments(values))
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY h.village, h.address LIMIT ? OFFSET ?"
            _ = arguments.append(contentsOf: [limit, offset])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let categories: String = row["categories"], status: String = row["status"]
                let headID = try (row["headID"] as String?).map { try Self.openedResidentID($0, keys: keys) }
                return HouseholdSummary(
                    id: try StoredValue.uuid(row["id"], "household"), village: try OrgCode(row["village"] as String), address: row["address"],
                    categories: (try? JSONDecoder().decode(Set<HouseholdCategory>.self, from: Data(categories.utf8))) ?? [],
                    status: (try? JSONDecoder().decode(RecordStatus.self, from: Data(status.utf8))) ?? .active,
                    headName: row["headName"], headResidentIDMasked: headID.flatMap { try? ResidentID($0).masked },
                    members: row["memberCount"])
            }
        }
    }

    /// Finds households by a prefix of their id (as users type a short id) or the full id.
    public func resolveHousehold(_ text: String) throws -> UUID {
        let key = text.uppercased()
        let ids = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM household WHERE id LIKE ? LIMIT 2", arguments: ["\(key)%"])
        }
        guard let first = ids.first, key.count >= 4 else {
            throw FieldError(.notFound, field: "household", "no household with id \(text): list them with `doudi household list`")
        }
        guard ids.count == 1 else { throw FieldError(.validation, field: "household", "\(text) matches several households: type more of the id") }
        return try StoredValue.uuid(first, "household")
    }

    /// Everything the assessment needs about one household, voided records left out.
    ///
    /// - Throws: ``FieldError/locked`` while the store is locked.
    public func householdCase(_ id: UUID) throws -> HouseholdCase {
        try database.writer.read { db in try Self.householdCase(id, db, keys: keys) }
    }

    /// Everything the assessment needs about one household, inside a transaction, sealed
    /// fields opened with `keys`.
    static func householdCase(_ id: UUID, _ db: Database, keys: StoreKeys?) throws -> HouseholdCase {
        guard let household = try Household.find(db, id: id, keys: keys) else {
            throw FieldError(.notFound, field: "household", "no household \(id) in this store")
        }
        func children<R: StoredRecord>(_ type: R.Type, order: String) throws -> [R] {
            try R.fetchAll(db, sql: "SELECT * FROM \"\(R.databaseTableName)\" WHERE household = ? AND voidReason IS NULL ORDER BY \(order)",
                           arguments: [id.uuidString], keys: keys)
        }
        let applications = try children(Application.self, order: "date, rowid")
        return HouseholdCase(household: household, members: try children(Member.self, order: "rowid").sorted(by: Member.registerOrder),
                             obligors: try children(SupportObligor.self, order: "rowid"),
                             surveys: try children(Survey.self, order: "date, rowid"),
                             enrolments: try children(Enrolment.self, order: "start, rowid"),
                             applications: applications)
    }

    /// Home visits of a household, newest first.
    public func visits(of household: UUID) throws -> [Visit] {
        try database.writer.read { db in
            try Visit.fetchAll(db, sql: "SELECT * FROM visit WHERE household = ? AND voidReason IS NULL ORDER BY date DESC, rowid DESC",
                               arguments: [household.uuidString])
        }
    }

    /// The workflow of an application.
    public func workflow(of application: UUID) throws -> ApplicationWorkflow? {
        try database.writer.read { db in try ApplicationWorkflow.fetchOne(db, key: application) }
    }

    /// Every version of a record, oldest first: who changed what and when, and the whole
    /// record as it stood after each version.
    ///
    /// - Throws: ``FieldError/locked`` while the store is locked (history values are sealed).
    public func history(of record: UUID) throws -> [HistoryEntry] {
        try database.writer.read { db in
            var snapshot: [String: JSONValue] = [:]
            // this laptop's own versions keep their values in their change sets: the n-th row of a
            // change set for this record (of one kind) is its n-th change of the record
            var changeSets: [String: ChangeSet] = [:]
            var seen: [String: Int] = [:]
            return try Row.fetchAll(db, sql: "SELECT * FROM history WHERE record = ? ORDER BY seq", arguments: [record.uuidString]).map { row in
                let text = try openedBlob(row["values"], .historyValues)
                let values: [String: JSONValue]
                if text == ChangeRecorder.valuesInChangeSet {
                    let id: String = row["changeSet"]
                    if changeSets[id] == nil {
                        guard let body = try String.fetchOne(db, sql: "SELECT body FROM changeSet WHERE id = ?", arguments: [id]) else {
                            throw FieldError(.storeDamaged, "history of \(record) names change set \(id), which this store no longer holds: restore it from a backup")
                        }
                        changeSets[id] = try storedChangeSet(body: body)
                    }
                    // (an application and its workflow share the id: counted apart)
                    let entity: String = row["entity"]
                    let n = seen[id + entity, default: 0]
                    seen[id + entity] = n + 1
                    let changes = changeSets[id]?.changes.filter { $0.record == record && $0.entity.rawValue == entity } ?? []
                    guard n < changes.count else { throw FieldError(.storeDamaged, "history of \(record) does not match its change set \(id)") }
                    var found = Dictionary(changes[n].fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
                    // a restore's reason is its change set's note
                    if changes[n].operation == .restore, let note = changeSets[id]?.note { found["restoreReason"] = .string(note) }
                    values = found
                } else {
                    guard case .object(let read) = try JSONValue.parse(Data(text.utf8)) else {
                        throw FieldError(.validation, "history of \(record) is damaged")
                    }
                    values = read
                }
                snapshot.merge(values) { _, new in new }
                return HistoryEntry(
                    entity: try StoredValue.value(EntityKind.self, row["entity"], "a record kind"), record: record,
                    operation: try StoredValue.value(ChangeOperation.self, row["operation"], "an operation"), changeSet: try StoredValue.uuid(row["changeSet"], "change-set"),
                    author: try JSONDecoder().decode(Actor.self, from: Data((row["author"] as String).utf8)),
                    stamp: try StoredValue.stamp(row["stamp"]), fields: values.keys.sorted(), snapshot: snapshot)
            }
        }
    }

    /// Change sets in the outbox, in the order they were made.
    ///
    /// - Throws: ``FieldError/locked`` when there are such change sets and the store is locked
    ///   (their bodies are sealed).
    public func outbox(states: Set<OutboxEntry.State> = [.pending, .rejected]) throws -> [OutboxEntry] {
        try database.writer.read { db in
            let placeholders = states.map { _ in "?" }.joined(separator: ",")
            return try Row.fetchAll(db, sql: "SELECT * FROM changeSet WHERE state IN (\(placeholders)) ORDER BY sequence",
                                    arguments: StatementArguments(states.map(\.rawValue))).map { row in
                OutboxEntry(changeSet: try JSONDecoder().decode(ChangeSet.self, from: Data(try openedBlob(row["body"], .changeSetBody).utf8)),
                            state: try StoredValue.value(OutboxEntry.State.self, row["state"], "an outbox state"), serverSequence: row["serverSequence"], reason: row["reason"])
            }
        }
    }

    /// Stores a policy version locally (from the shipped files or, later, from sync).
    public func installPolicy(_ policy: PolicyVersion) throws {
        try database.writer.write { db in try policy.save(db) }
    }

    /// The policy versions stored locally, with the special periods (§4.4) that stand.
    public func policyBook() throws -> PolicyBook {
        try database.writer.read { db in try Self.policyBook(db) }
    }

    /// The policy book of the records in `db` (inside a transaction).
    static func policyBook(_ db: Database) throws -> PolicyBook {
        let versions = try PolicyVersion.fetchAll(db)
        let periods = try SpecialPeriod.fetchAll(db, sql: "SELECT * FROM specialPeriod WHERE voidReason IS NULL ORDER BY start")
        do { return try PolicyBook(versions, specialPeriods: periods) } catch { throw FieldError(error) }
    }
}

extension PolicyVersion: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "policyVersion"
}
