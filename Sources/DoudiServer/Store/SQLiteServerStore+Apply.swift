import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension MergeRejection.Code {
    /// The device already used this sequence number for another change set.
    static let sequence = MergeRejection.Code(rawValue: "sequence")
}

/// One change set on its way into the store, with what the transaction needs to judge it.
struct Admission: Sendable {
    var changeSet: ChangeSet
    var identity: Identity
    var note: String?
    /// The change set's canonical JSON and its SHA-256 (a retry must be the same change set).
    var body: String
    var bodyHash: String
    /// Server time, ms.
    var now: Int64
    var knownOrgCodes: Set<OrgCode>
}

extension SQLiteServerStore {
    /// Applies one change set inside the writing transaction.
    ///
    /// 1. A change set answered before gets its first answer again (accepted ones from
    ///    `changeSetLog`, rejected ones from `rejection`) and nothing is written.
    /// 2. The server's own checks: the token's device, a fresh per-device sequence, known
    ///    org units, conflicts it resolves within reach.
    /// 3. The merge engine with DoudiModel's rules; a rejection is remembered and writes
    ///    nothing else.
    /// 4. The next server sequence; records, conflicts and resolutions carry it.
    func apply(_ db: Database, _ a: Admission) throws -> Acknowledgement {
        let changeSet = a.changeSet
        if let row = try Row.fetchOne(db, sql: "SELECT device, bodyHash, acknowledgement FROM changeSetLog WHERE id = ?",
                                      arguments: [changeSet.id.uuidString])
            ?? Row.fetchOne(db, sql: "SELECT device, bodyHash, acknowledgement FROM rejection WHERE id = ?", arguments: [changeSet.id.uuidString]) {
            guard row["device"] == changeSet.device, row["bodyHash"] == a.bodyHash else {
                // not remembered: the id belongs to the change set that used it first
                return Acknowledgement(changeSet: changeSet.id, status: .rejected, code: MergeRejection.Code.validation.rawValue,
                                       message: "change-set id \(changeSet.id) was used before for a different change set: give every change set a new id")
            }
            return try WireJSON.decoder().decode(Acknowledgement.self, from: Data((row["acknowledgement"] as String).utf8))
        }
        if let rejection = try admit(db, a) { return try remember(db, rejection, a) }

        let state = StoredMergeState(db: db)
        var engine = MergeEngine(policies: try policyBook(db))
        engine.maxDriftMillis = maxDriftMillis
        var outcome: MergeOutcome
        do {
            outcome = try engine.merge(changeSet, by: a.identity.actor, state: state, now: a.now, makeID: { UUID() })
        } catch {
            if let failure = state.failure.error { throw failure }
            return try remember(db, error, a)
        }
        if let rejection = try checkPolicyBook(db, outcome) { return try remember(db, rejection, a) }

        let sequence = try StoredRecords.nextServerSequence(db)
        for var version in outcome.writes {
            version.serverSequence = sequence
            try StoredRecords.save(db, version)
        }
        for conflict in outcome.conflicts { try StoredRecords.save(db, conflict, serverSequence: sequence) }
        for id in outcome.resolved {
            // the first resolution stands; a later one (made offline elsewhere) is in the log
            guard var conflict = try StoredRecords.fetchConflict(db, id), conflict.resolution == nil else { continue }
            conflict.resolution = .init(changeSet: changeSet.id, by: a.identity.actor, note: a.note ?? changeSet.note ?? "resolved by change set \(changeSet.action)")
            try StoredRecords.save(db, conflict, serverSequence: sequence)
        }
        let ack = Acknowledgement(changeSet: changeSet.id, status: outcome.conflicts.isEmpty ? .accepted : .acceptedWithConflicts,
                                  serverSequence: sequence, conflicts: outcome.conflicts.map(\.id))
        try Self.log(db, id: changeSet.id, device: changeSet.device, sequence: changeSet.sequence, action: changeSet.action,
                     author: a.identity.actor, serverSequence: sequence, bodyHash: a.bodyHash, acknowledgement: ack, body: a.body)
        return ack
    }

    /// The server's checks before the merge. `nil` when the change set may go on.
    func admit(_ db: Database, _ a: Admission) throws -> MergeRejection? {
        let changeSet = a.changeSet, actor = a.identity.actor
        guard changeSet.device == a.identity.device else {
            return MergeRejection(.scope, "the change set was made on device \(changeSet.device) but the token is bound to device \(a.identity.device): push it from that device, logged in there")
        }
        guard changeSet.sequence >= 1 else {
            return MergeRejection(.validation, "sequence \(changeSet.sequence): a device numbers its change sets from 1")
        }
        if let other = try String.fetchOne(db, sql: "SELECT id FROM changeSetLog WHERE device = ? AND sequence = ?",
                                           arguments: [changeSet.device, changeSet.sequence]) {
            return MergeRejection(.sequence, "device \(changeSet.device) already pushed change set \(other) as number \(changeSet.sequence): a device numbers each change set once; a reinstalled device must be set up with a new device id")
        }
        for change in changeSet.changes where !a.knownOrgCodes.contains(change.village) {
            return MergeRejection(.validation, "\(change.entity.rawValue) \(change.record): \(change.village) is not an org unit of this server")
        }
        for id in changeSet.resolves {
            guard let conflict = try StoredRecords.fetchConflict(db, id), actor.hasJurisdiction(over: conflict.village) else {
                return MergeRejection(.scope, "conflict \(id) is unknown here or outside \(actor.org)")
            }
            guard conflict.entity.writers.contains(actor.role) else {
                return MergeRejection(.authority, "a \(actor.role.rawValue) may not resolve a conflict over \(conflict.entity.rawValue) records")
            }
        }
        return nil
    }

    /// A change set that writes policy versions must leave a book the engine can use
    /// (no two versions on one day, no two with one id).
    func checkPolicyBook(_ db: Database, _ outcome: MergeOutcome) throws -> MergeRejection? {
        let written = outcome.writes.filter { $0.entity == .policyVersion }
        guard !written.isEmpty else { return nil }
        var byRecord: [UUID: PolicyVersion] = [:]
        for text in try String.fetchAll(db, sql: "SELECT body FROM record WHERE entity = 'policyVersion' AND voided = 0") {
            let version = try StoredRecords.decodeRecord(text)
            byRecord[version.record] = try RecordFields.record(PolicyVersion.self, from: version.values)
        }
        for version in written {
            if version.isVoided { byRecord[version.record] = nil; continue }
            do { byRecord[version.record] = try RecordFields.record(PolicyVersion.self, from: version.values) } catch {
                return MergeRejection(.validation, "policyVersion \(version.record): \(error)")
            }
        }
        do { _ = try PolicyBook(Array(byRecord.values)) } catch {
            return MergeRejection(.validation, "policy versions: \(error.message)")
        }
        return nil
    }

    /// Remembers a rejection so that a retry of the same change set gets the same answer.
    /// Records, conflicts and the server sequence stay as they were.
    func remember(_ db: Database, _ error: any Error, _ a: Admission) throws -> Acknowledgement {
        let rejection = error as? MergeRejection ?? MergeRejection(.validation, "\(error)")
        let ack = Acknowledgement(changeSet: a.changeSet.id, status: .rejected, code: rejection.code.rawValue, message: rejection.message)
        if rejection.code.isRetryable { return ack } // may succeed later: not remembered
        try db.execute(sql: """
            INSERT INTO rejection(id, device, sequence, bodyHash, code, acknowledgement, rejectedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO NOTHING
            """, arguments: [a.changeSet.id.uuidString, a.changeSet.device, a.changeSet.sequence, a.bodyHash, rejection.code.rawValue,
                             try RecordFields.canonicalJSON(ack), a.now / 1000])
        return ack
    }
}
