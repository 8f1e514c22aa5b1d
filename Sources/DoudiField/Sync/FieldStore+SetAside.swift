import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The marker `record(_:)` puts on a record whose creation the server rejected for good.
let serverRejectionMarker = "服务器拒绝 rejected by the server"

extension FieldStore {
    /// Redoes a change set the server rejected for good (SPEC §8.6): the action is made again
    /// as **a new change set** — a new id, new stamps, the device's next sequence number — from
    /// the records as they are here now; the rejected one is kept, marked "redone as …".
    ///
    /// What the rejected change set created (and its rejection voided here) is created again;
    /// the fields it changed are changed again, each against the value it has now; what it
    /// voided is voided again. Changes that the records already hold are left out.
    ///
    /// ```swift
    /// let id = try store.outboxChangeSetID("12")
    /// let redone = try store.redo(id)     // pending, pushed by the next sync
    /// ```
    ///
    /// - Returns: the new change set, waiting in the outbox.
    /// - Throws: ``FieldError`` `outbox` when the change set is not set aside; `not-found`,
    ///   `voided`, `duplicate`, `no-change`… when the action cannot be made again as it was.
    @discardableResult
    public func redo(_ id: UUID) throws -> ChangeSet {
        do {
            return try database.writer.write { db in
                let old = try setAside(id, doing: "redo", db)
                let new = try remake(old, db)
                try db.execute(sql: "UPDATE changeSet SET state = 'superseded', resolution = ?, supersededBy = ? WHERE id = ?",
                               arguments: ["redone as #\(new.sequence) (\(Self.shortID(new.id)))", new.id.uuidString, id.uuidString])
                return new
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw FieldError(.duplicate, "the change set cannot be redone: \(error.message ?? "a unique value is already used") — another record here holds it now")
        }
    }

    /// Drops a change set the server rejected for good: it is acknowledged and no longer listed
    /// as waiting for a decision, but kept in the outbox's history (`doudi outbox --all`). Its
    /// effects here were already undone when it was rejected.
    ///
    /// - Throws: ``FieldError`` `outbox` when the change set is not set aside.
    public func drop(_ id: UUID) throws {
        try database.writer.write { db in
            _ = try setAside(id, doing: "drop", db)
            try db.execute(sql: "UPDATE changeSet SET state = 'dropped', resolution = ? WHERE id = ?",
                           arguments: ["dropped on \(Self.isoTime(now()))", id.uuidString])
        }
    }

    /// The change set `id`, required to be set aside (rejected for good, not yet resolved).
    private func setAside(_ id: UUID, doing verb: String, _ db: Database) throws -> ChangeSet {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, sequence, body, resolution FROM changeSet WHERE id = ?", arguments: [id.uuidString]) else {
            throw FieldError(.notFound, field: "changeSet", "no change set \(Self.shortID(id)) in this store's outbox")
        }
        let state: String = row["state"], sequence: Int64 = row["sequence"]
        switch state {
        case "rejected":
            return try storedChangeSet(body: row["body"])
        case "pending":
            throw FieldError(.outbox, "change set #\(sequence) is still waiting to sync, not set aside: `doudi sync` sends it; nothing to \(verb)")
        case "accepted":
            throw FieldError(.outbox, "change set #\(sequence) was accepted by the server: nothing to \(verb)")
        default:
            let resolution: String? = row["resolution"]
            throw FieldError(.outbox, "change set #\(sequence) was already resolved (\(resolution ?? state)): nothing to \(verb)")
        }
    }

    /// Makes `old`'s action again as a new change set, from the records as they are now.
    private func remake(_ old: ChangeSet, _ db: Database) throws -> ChangeSet {
        guard var device = try Device.fetchOne(db) else {
            throw FieldError(.notInitialised, "this store is not set up: run `doudi init` first")
        }
        var clock = HybridLogicalClock(last: HLCStamp(text: device.clock) ?? HLCStamp(wallMillis: 0, counter: 0, node: device.id))
        let stamp = clock.tick(now: now())
        let id = makeID()
        var recorder = ChangeRecorder(db: db, changeSetID: id, stamp: stamp, author: device.actor, keys: try requireKeys())
        for change in old.changes { try replay(change, &recorder) }
        guard !recorder.changes.isEmpty || !old.resolves.isEmpty else {
            throw FieldError(.noChange, "nothing to redo: the records here already hold what change set #\(old.sequence) wrote; drop it with `doudi outbox drop \(old.sequence)`")
        }
        try recorder.writeHistory()
        let changeSet = ChangeSet(id: id, device: device.id, sequence: device.nextSequence, author: device.actor, action: old.action,
                                  stamp: stamp, changes: recorder.changes, resolves: old.resolves, note: old.note)
        try insertPending(changeSet, db)
        device.nextSequence += 1
        device.clock = clock.last.text
        try device.update(db)
        return changeSet
    }

    private func replay(_ change: Change, _ r: inout ChangeRecorder) throws {
        switch change.entity {
        case .household: try replay(change, as: Household.self, &r)
        case .member: try replay(change, as: Member.self, &r)
        case .obligor: try replay(change, as: SupportObligor.self, &r)
        case .visit: try replay(change, as: Visit.self, &r)
        case .survey: try replay(change, as: Survey.self, &r)
        case .application: try replay(change, as: Application.self, &r)
        case .workflow: try replay(change, as: ApplicationWorkflow.self, &r)
        case .decision: try replay(change, as: Decision.self, &r)
        case .enrolment: try replay(change, as: Enrolment.self, &r)
        case .payment: try replay(change, as: Payment.self, &r)
        case .bankReturn: try replay(change, as: BankReturn.self, &r)
        case .reserveFundEntry: try replay(change, as: ReserveFundEntry.self, &r)
        case .specialPeriod: try replay(change, as: SpecialPeriod.self, &r)
        case .socialOrganisation: try replay(change, as: SocialOrganisation.self, &r)
        case .aidProject: try replay(change, as: AidProject.self, &r)
        case .volunteer: try replay(change, as: Volunteer.self, &r)
        case .villageNeed: try replay(change, as: VillageNeed.self, &r)
        case .policyVersion:
            guard change.operation == .create else {
                throw FieldError(.forbidden, "policy versions are only published, never changed: publish a new version instead")
            }
            let policy = try decode(PolicyVersion.self, change)
            try r.db.execute(sql: "DELETE FROM policyVersion WHERE id = ?", arguments: [policy.id])
            try r.publish(policy)
        }
    }

    /// One change made again through the recorder, as the user's action made it.
    private func replay<R: StoredRecord>(_ change: Change, as type: R.Type, _ r: inout ChangeRecorder) throws {
        let key = change.record.uuidString
        switch change.operation {
        case .create:
            // the rejection voided it here with the marker; a record the server sent since stands
            guard let reason = try R.voidReason(r.db, id: change.record) else {
                if try R.exists(r.db, id: change.record) {
                    throw FieldError(.duplicate, field: "id", "the \(R.entity.rawValue) \(Self.shortID(change.record)) is in this store as the server holds it: edit that record instead of redoing")
                }
                return try r.create(try decode(R.self, change))
            }
            guard reason.hasPrefix(serverRejectionMarker) else {
                throw FieldError(.voided, "the \(R.entity.rawValue) \(Self.shortID(change.record)) was voided here since (\(reason)): it cannot be created again")
            }
            try r.db.execute(sql: "DELETE FROM \"\(R.databaseTableName)\" WHERE \(R.primaryKeyColumn) = ?", arguments: [key])
            try r.db.execute(sql: "DELETE FROM fieldStamp WHERE entity = ? AND record = ?", arguments: [R.entity.rawValue, key])
            try r.create(try decode(R.self, change))
        case .update:
            guard let current = try R.find(r.db, id: change.record, keys: r.keys) else {
                throw FieldError(.notFound, field: "id", "the \(R.entity.rawValue) \(Self.shortID(change.record)) is not in this store: it cannot be changed again")
            }
            var fields = try RecordFields.fields(of: current)
            for field in change.fields { fields[field.name] = field.value }
            do { try r.update(try decode(R.self, fields)) } catch let error as FieldError where error.code == .noChange {
                return // the record already holds these values
            }
        case .void:
            if try R.voidReason(r.db, id: change.record) != nil { return }
            guard case .string(let reason) = change.fields.first(where: { $0.name == "voidReason" })?.value ?? .null else {
                throw FieldError(.validation, field: "voidReason", "change set void of \(Self.shortID(change.record)) has no reason: void it again with `… void`")
            }
            try r.void(R.self, id: change.record, reason: reason)
        case .restore:
            if try R.voidReason(r.db, id: change.record) == nil { return }
            try r.restore(R.self, id: change.record, reason: "重做恢复 (the reason is the change set's note)")
        }
    }

    private func decode<R: Decodable>(_ type: R.Type, _ change: Change) throws -> R {
        try decode(R.self, Dictionary(change.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }))
    }

    private func decode<R: Decodable>(_ type: R.Type, _ fields: [String: JSONValue]) throws -> R {
        do { return try RecordFields.record(R.self, from: fields) } catch {
            throw FieldError(.validation, "the record cannot be made again from the change set: \(error)")
        }
    }

    /// `2026-11-05 14:03` in local time, for notes kept in the outbox.
    static func isoTime(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
