import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Writes records inside one transaction and collects, field by field, the change
/// set that describes them; then writes the change set to the outbox and a history row for
/// every new version (its values are the change set's). Used only inside `FieldStore.perform`.
///
/// Rows are written sealed (``RecordRow``) with the store's keys.
struct ChangeRecorder {
    let db: Database
    let changeSetID: UUID
    let stamp: HLCStamp
    let author: Actor
    /// The unlocked store's keys.
    let keys: StoreKeys
    private(set) var changes: [Change] = []
    /// The versions recorded, for their history rows (whose values are the change set's).
    private var history: [(EntityKind, UUID, ChangeOperation)] = []

    init(db: Database, changeSetID: UUID, stamp: HLCStamp, author: Actor, keys: StoreKeys) {
        self.db = db; self.changeSetID = changeSetID; self.stamp = stamp; self.author = author; self.keys = keys
    }

    /// Inserts a new record: every field is part of the change.
    mutating func create<R: StoredRecord>(_ record: R) throws {
        do { try record.validate() } catch { throw FieldError(error) }
        if try R.exists(db, id: record.recordID) {
            throw FieldError(.duplicate, field: "id", "a \(R.entity.rawValue) with id \(record.recordID) already exists")
        }
        let village = try record.village(db)
        let fields = try RecordFields.fields(of: record)
        try RecordRow(R.entity, fields: fields, keys: keys).insert(into: R.databaseTableName, db)
        let changed = fields.sorted { $0.key < $1.key }.map { FieldChange(name: $0.key, value: $0.value, stamp: stamp, previous: nil) }
        try note(R.entity, record.recordID, .create, village: village, household: record.householdID, fields: changed)
    }

    /// Updates a record: only the fields that differ are part of the change, each with
    /// the value and stamp it replaces.
    mutating func update<R: StoredRecord>(_ record: R) throws {
        do { try record.validate() } catch { throw FieldError(error) }
        if let reason = try R.voidReason(db, id: record.recordID) {
            throw FieldError(.voided, "this \(R.entity.rawValue) was voided (\(reason)) and cannot change")
        }
        guard let old = try R.find(db, id: record.recordID, keys: keys) else {
            throw FieldError(.notFound, field: "id", "no \(R.entity.rawValue) with id \(record.recordID)")
        }
        let before = try RecordFields.fields(of: old), after = try RecordFields.fields(of: record)
        let names = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        guard !names.isEmpty else { throw FieldError(.noChange, "nothing changed: give at least one new value") }
        let village = try record.village(db)
        let oldVillage = try old.village(db)
        let base = try latestStamp(R.entity, record.recordID)
        try RecordRow(R.entity, fields: after, only: names, keys: keys).update(R.databaseTableName, key: R.primaryKeyColumn, id: record.recordID, db)
        var changed: [FieldChange] = []
        for name in names {
            let previousStamp = try stamp(of: name, R.entity, record.recordID)
            let previous = previousStamp.map { FieldVersion(value: before[name] ?? .null, stamp: $0) }
            changed.append(FieldChange(name: name, value: after[name] ?? .null, stamp: stamp, previous: previous))
        }
        if oldVillage != village {
            // moving between villages: the old village must see the record leave
            try requireJurisdiction(over: oldVillage)
        }
        try note(R.entity, record.recordID, .update, village: village, household: record.householdID, fields: changed, base: base)
    }

    /// Stores a new policy version and records it as a `policyVersion` record of its district.
    mutating func publish(_ policy: PolicyVersion) throws {
        do { try policy.validate() } catch { throw FieldError(error) }
        if try PolicyVersion.fetchOne(db, key: policy.id) != nil {
            throw FieldError(.duplicate, field: "id", "a policy version \(policy.id) is already stored: give the new version its own id")
        }
        try policy.insert(db)
        let fields = try RecordFields.fields(of: policy)
        let changed = fields.sorted { $0.key < $1.key }.map { FieldChange(name: $0.key, value: $0.value, stamp: stamp, previous: nil) }
        try note(.policyVersion, policy.recordID, .create, village: policy.district, household: nil, fields: changed)
    }

    /// Voids a record with a reason; it stays, with its history.
    mutating func void<R: StoredRecord>(_ type: R.Type, id: UUID, reason: String) throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw FieldError(.validation, field: "reason", "a void needs a reason: say why the record is withdrawn")
        }
        if let existing = try R.voidReason(db, id: id) {
            throw FieldError(.voided, "this \(R.entity.rawValue) is already voided (\(existing))")
        }
        guard var record = try R.find(db, id: id, keys: keys) else {
            throw FieldError(.notFound, field: "id", "no \(R.entity.rawValue) with id \(id)")
        }
        let village = try record.village(db)
        let base = try latestStamp(R.entity, id)
        var fields = try RecordFields.fields(of: record)
        var changed: [FieldChange] = []
        func previous(_ name: String) throws -> FieldVersion? {
            try stamp(of: name, R.entity, id).map { FieldVersion(value: fields[name] ?? .null, stamp: $0) }
        }
        if var household = record as? Household {
            household.status = .voided(reason: reason)
            guard let voided = household as? R else { throw FieldError(.validation, "a household record is not a \(R.entity.rawValue)") }
            record = voided
            try SealedRow(record: record, keys: keys).update(db)
            let status = try RecordFields.fields(of: household)["status"] ?? .null
            changed.append(FieldChange(name: "status", value: status, stamp: stamp, previous: try previous("status")))
            fields["status"] = status
        }
        try db.execute(sql: "UPDATE \"\(R.databaseTableName)\" SET voidReason = ? WHERE \(R.primaryKeyColumn) = ?", arguments: [reason, id.uuidString])
        changed.append(FieldChange(name: "voidReason", value: .string(reason), stamp: stamp, previous: try previous("voidReason")))
        fields["voidReason"] = .string(reason)
        try note(R.entity, id, .void, village: village, household: record.householdID, fields: changed, base: base)
    }

    /// Restores a voided record (恢复): clears its void (a household is active again); the
    /// reason is kept in the history of the record as `restoreReason` (and is the change
    /// set's note).
    mutating func restore<R: StoredRecord>(_ type: R.Type, id: UUID, reason: String) throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw FieldError(.validation, field: "reason", "a restore needs a reason: say why the void was a mistake")
        }
        guard var record = try R.find(db, id: id, keys: keys) else {
            throw FieldError(.notFound, field: "id", "no \(R.entity.rawValue) with id \(id)")
        }
        guard let voidReason = try R.voidReason(db, id: id) else {
            throw FieldError(.noChange, "this \(R.entity.rawValue) is not voided: nothing to restore")
        }
        let village = try record.village(db)
        let base = try latestStamp(R.entity, id)
        let fields = try RecordFields.fields(of: record)
        var changed: [FieldChange] = []
        func previous(_ name: String, _ value: JSONValue?) throws -> FieldVersion? {
            try stamp(of: name, R.entity, id).map { FieldVersion(value: value ?? .null, stamp: $0) }
        }
        if var household = record as? Household {
            household.status = .active
            guard let restored = household as? R else { throw FieldError(.validation, "a household record is not a \(R.entity.rawValue)") }
            record = restored
            try SealedRow(record: record, keys: keys).update(db)
            let status = try RecordFields.fields(of: household)["status"] ?? .null
            changed.append(FieldChange(name: "status", value: status, stamp: stamp, previous: try previous("status", fields["status"])))
        }
        try db.execute(sql: "UPDATE \"\(R.databaseTableName)\" SET voidReason = NULL WHERE \(R.primaryKeyColumn) = ?", arguments: [id.uuidString])
        changed.append(FieldChange(name: "voidReason", value: .null, stamp: stamp, previous: try previous("voidReason", .string(voidReason))))
        // the reason is the change set's note, shown in this record's history beside the cleared void
        try note(R.entity, id, .restore, village: village, household: record.householdID, fields: changed, base: base)
    }

    /// The stamp a field was last written with: its own, else the record's creation stamp.
    func stamp(of field: String, _ entity: EntityKind, _ id: UUID) throws -> HLCStamp? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT stamp FROM fieldStamp WHERE entity = ? AND record = ? AND field IN (?, '*') ORDER BY field = '*' LIMIT 1"),
                            arguments: [entity.rawValue, id.uuidString, field]).flatMap(HLCStamp.init(text:))
    }

    /// The latest stamp any field of the record carries here (the base of an update or void).
    func latestStamp(_ entity: EntityKind, _ id: UUID) throws -> HLCStamp? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT MAX(stamp) FROM fieldStamp WHERE entity = ? AND record = ?"),
                            arguments: [entity.rawValue, id.uuidString]).flatMap(HLCStamp.init(text:))
    }

    /// Checks the author may act on a record of `village`.
    func requireJurisdiction(over village: OrgCode) throws {
        guard author.hasJurisdiction(over: village) else {
            throw FieldError(.forbidden, "\(village) is outside this device's jurisdiction (\(author.org)); records of another village are kept by that village")
        }
    }

    private mutating func note(_ entity: EntityKind, _ id: UUID, _ op: ChangeOperation, village: OrgCode, household: UUID?,
                               fields: [FieldChange], base: HLCStamp? = nil) throws {
        try requireJurisdiction(over: village)
        changes.append(Change(entity: entity, record: id, operation: op, village: village, household: household, fields: fields, base: base))
        let upsert = try db.cachedStatement(sql: "INSERT INTO fieldStamp(entity, record, field, stamp) VALUES (?, ?, ?, ?) ON CONFLICT(entity, record, field) DO UPDATE SET stamp = excluded.stamp")
        if op == .create {
            try upsert.execute(arguments: [entity.rawValue, id.uuidString, "*", stamp.text])
        } else {
            for f in fields { try upsert.execute(arguments: [entity.rawValue, id.uuidString, f.name, stamp.text]) }
        }
        history.append((entity, id, op))
    }

    /// What a history row of this laptop's own change holds as its values: nothing, for they are
    /// the change's, in the change set kept in the outbox (``FieldStore/history(of:)`` reads
    /// them there). One sealed copy of a change's values, not two.
    static let valuesInChangeSet = ""

    /// Writes the history rows for everything recorded.
    func writeHistory() throws {
        let author = self.author.jsonValue.canonicalText
        let insert = try db.cachedStatement(sql: """
            INSERT INTO history(entity, record, operation, changeSet, author, stamp, "values") VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (entity, id, op) in history {
            try insert.execute(arguments: [entity.rawValue, id.uuidString, op.rawValue, changeSetID.uuidString, author, stamp.text,
                                           Self.valuesInChangeSet])
        }
    }
}
