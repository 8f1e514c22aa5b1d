import DoudiModel
import Foundation

extension MergeRejection.Code {
    /// The device already used this sequence number for another change set.
    public static let sequence = MergeRejection.Code(rawValue: "sequence")
}

/// What a push must lock and load before it merges.
struct PushLoad: Sendable {
    var locks: [LedgerLock]
    var snapshot: SnapshotRequest
}

/// Decides a push change set by change set over a loaded snapshot: pure, no I/O, and it
/// cannot fail half-way (a change set that cannot be applied is a rejection, not an error).
struct PushPlanner {
    let ledger: SyncLedger
    let caller: LedgerCaller
    let note: String?
    let now: Int64
    let knownOrgCodes: Set<OrgCode>
    let outcomes: [UUID: StoredOutcome]
    var usedSequences: [String: [Int64: UUID]]
    var snapshot = MergeSnapshot()
    var conflicts: [UUID: ConflictRecord] = [:]
    var policyVersions: [UUID: RecordVersion] = [:]
    var book: PolicyBook
    var decisions: [Decision] = []
    /// Decisions taken in this push, by change-set id (a change set sent twice in one push).
    var decided: [UUID: (device: String, bodyHash: String, index: Int)] = [:]
    var sequencesNeeded = 0

    enum Decision {
        /// Answered before (or earlier in this push): the same answer, nothing written.
        case answered(Acknowledgement)
        /// The answer to an earlier copy in this push.
        case sameAs(Int)
        case rejected(Acknowledgement, remember: RejectionRow?)
        /// Accepted as the `ordinal`-th new sequence of this push.
        case accepted(ordinal: Int, entry: PushEntry, outcome: MergeOutcome, resolved: [ConflictRecord])
    }

    init(ledger: SyncLedger, caller: LedgerCaller, note: String?, now: Int64, knownOrgCodes: Set<OrgCode>, loaded: Snapshot,
         policyVersions stored: [RecordVersion], book: PolicyBook) {
        self.ledger = ledger; self.caller = caller; self.note = note; self.now = now; self.knownOrgCodes = knownOrgCodes
        outcomes = loaded.outcomes
        usedSequences = loaded.usedSequences
        snapshot.absorb(loaded.records)
        for conflict in loaded.conflicts { conflicts[conflict.id] = conflict }
        for version in stored { policyVersions[version.record] = version }
        self.book = book
    }

    // MARK: what to load

    /// The keys and rows a push names: its change sets' outcomes and device sequences, the
    /// records it writes and the households they hang on, the persons, households and funds
    /// its invariants read, the conflicts it resolves, and the policy versions.
    static func request(for entries: some Collection<PushEntry>, caller: LedgerCaller) -> PushLoad {
        var locks: Set<LedgerLock> = [.device(caller.device)]
        var request = SnapshotRequest()
        request.policyMarker = true
        for entry in entries {
            let changeSet = entry.changeSet
            request.changeSets.insert(changeSet.id)
            request.deviceSequences[changeSet.device, default: []].insert(changeSet.sequence)
            locks.insert(.device(changeSet.device))
            for change in changeSet.changes {
                request.records.insert(RecordKey(change.entity, change.record))
                locks.insert(.record(change.entity, change.record))
                if let household = change.household {
                    request.records.insert(RecordKey(.household, household))
                    // a move of the household (below) rewrites its records: their changes wait for it
                    locks.insert(.household(household))
                }
                // a household's village may change: what moves with it is read (MergeEngine `follow`)
                if change.entity == .household, change.operation == .update, change.fields.contains(where: { $0.name == "village" }) {
                    request.householdRecords.insert(change.record)
                    locks.insert(.household(change.record))
                }
                // the void of a household or member still paid is refused (HouseholdCase.checkVoid): read its enrolments
                if change.operation == .void, change.entity == .household || change.entity == .member, let household = change.household {
                    request.enrolmentHouseholds.insert(household)
                    locks.insert(.household(household))
                }
                switch change.entity {
                case .member:
                    for field in change.fields where field.name == "residentID" {
                        if case .string(let number) = field.value {
                            let key = LedgerDigest.hex(ResidentID.personKey(number))
                            request.personKeys.insert(key)
                            locks.insert(.person(key))
                        }
                    }
                case .enrolment:
                    if let household = change.household {
                        request.enrolmentHouseholds.insert(household)
                        locks.insert(.household(household))
                    }
                case .reserveFundEntry:
                    for field in change.fields where field.name == "town" {
                        if case .string(let text) = field.value, let town = try? OrgCode(text) {
                            request.fundTowns.insert(town)
                            locks.insert(.fund(town))
                        }
                    }
                case .decision:
                    // a decision is kept under its application's household (MergeRun.decisionHousehold)
                    for field in change.fields where field.name == "application" {
                        if case .string(let text) = field.value, let application = UUID(uuidString: text) {
                            request.records.insert(RecordKey(.application, application))
                        }
                    }
                case .policyVersion, .specialPeriod:
                    locks.insert(.policies)
                default:
                    break
                }
            }
            for id in changeSet.resolves {
                request.conflicts.insert(id)
                locks.insert(.conflict(id))
            }
        }
        return PushLoad(locks: locks.sorted(), snapshot: request)
    }

    /// What the first load showed must be read too: the persons of members that an update
    /// keeps (their number is in the stored record, not in the change), the households
    /// and funds of the records loaded, and the workflows of a moving household's applications.
    static func followUp(_ first: PushLoad, loaded: Snapshot) -> PushLoad {
        var locks: Set<LedgerLock> = []
        var request = SnapshotRequest()
        for version in loaded.records where first.snapshot.records.contains(RecordKey(version.entity, version.record)) {
            if let key = StoredRecordRow.personKey(of: version), !first.snapshot.personKeys.contains(key) {
                request.personKeys.insert(key); locks.insert(.person(key))
            }
            if version.entity == .enrolment, let household = version.household, !first.snapshot.enrolmentHouseholds.contains(household) {
                request.enrolmentHouseholds.insert(household); locks.insert(.household(household))
            }
            if let town = StoredRecordRow.fundTown(of: version), !first.snapshot.fundTowns.contains(town) {
                request.fundTowns.insert(town); locks.insert(.fund(town))
            }
        }
        for version in loaded.records where version.entity == .application {
            guard let household = version.household, first.snapshot.householdRecords.contains(household) else { continue }
            let workflow = RecordKey(.workflow, version.record)
            if !first.snapshot.records.contains(workflow) { request.records.insert(workflow); locks.insert(.record(.workflow, version.record)) }
        }
        return PushLoad(locks: locks.subtracting(first.locks).sorted(), snapshot: request)
    }

    // MARK: deciding

    /// Decides one change set and updates the snapshot with what it writes.
    mutating func decide(_ entry: PushEntry) {
        let changeSet = entry.changeSet
        if let earlier = decided[changeSet.id] {
            guard earlier.device == changeSet.device, earlier.bodyHash == entry.bodyHash else {
                decisions.append(.rejected(idUsedBefore(changeSet), remember: nil)); return
            }
            if case .rejected(_, remember: nil) = decisions[earlier.index] {
                // refused for a reason that may pass now (a dependency pushed in between): decide again
            } else {
                decisions.append(.sameAs(earlier.index)); return
            }
        }
        if let stored = outcomes[changeSet.id] {
            guard stored.device == changeSet.device, stored.bodyHash == entry.bodyHash else {
                decisions.append(.rejected(idUsedBefore(changeSet), remember: nil)); return
            }
            decisions.append(.answered(stored.acknowledgement)); return
        }
        decided[changeSet.id] = (changeSet.device, entry.bodyHash, decisions.count)
        if let rejection = admit(changeSet) { decisions.append(reject(rejection, entry)); return }
        if let rejection = Self.beyondLimits(entry) { decisions.append(reject(rejection, entry)); return }

        var engine = MergeEngine(policies: book)
        engine.maxDriftMillis = ledger.configuration.maxDriftMillis
        let outcome: MergeOutcome
        do {
            outcome = try engine.merge(changeSet, by: caller.actor, state: snapshot, now: now, makeID: ledger.makeID)
        } catch {
            decisions.append(reject(error, entry)); return
        }
        var candidates = policyVersions
        if outcome.writes.contains(where: { $0.entity.isPolicyRecord }) {
            for version in outcome.writes where version.entity.isPolicyRecord { candidates[version.record] = version }
            do {
                book = try PolicyBook(records: Array(candidates.values))
            } catch {
                decisions.append(reject(MergeRejection(.validation, "policy versions: \(error)"), entry)); return
            }
        }
        policyVersions = candidates

        var resolved: [ConflictRecord] = []
        for id in outcome.resolved {
            // the first resolution stands; a later one (made offline elsewhere) is in the log
            guard var conflict = conflicts[id], conflict.resolution == nil else { continue }
            conflict.resolution = .init(changeSet: changeSet.id, by: caller.actor,
                                        note: note ?? changeSet.note ?? "resolved by change set \(changeSet.action)")
            conflicts[id] = conflict
            resolved.append(conflict)
        }
        for conflict in outcome.conflicts { conflicts[conflict.id] = conflict }
        snapshot.absorb(outcome.writes)
        usedSequences[changeSet.device, default: [:]][changeSet.sequence] = changeSet.id
        decisions.append(.accepted(ordinal: sequencesNeeded, entry: entry, outcome: outcome, resolved: resolved))
        sequencesNeeded += 1
    }

    /// The ledger's checks before the merge; `nil` when the change set may go on.
    func admit(_ changeSet: ChangeSet) -> MergeRejection? {
        guard changeSet.device == caller.device else {
            return MergeRejection(.scope, "the change set was made on device \(changeSet.device) but the token is bound to device \(caller.device): push it from that device, logged in there")
        }
        guard changeSet.sequence >= 1 else {
            return MergeRejection(.validation, "sequence \(changeSet.sequence): a device numbers its change sets from 1")
        }
        if let other = usedSequences[changeSet.device]?[changeSet.sequence] {
            return MergeRejection(.sequence, "device \(changeSet.device) already pushed change set \(other) as number \(changeSet.sequence): a device numbers each change set once; a reinstalled device must be set up with a new device id")
        }
        for change in changeSet.changes where !knownOrgCodes.contains(change.village) {
            return MergeRejection(.validation, "\(change.entity.rawValue) \(change.record): \(change.village) is not an org unit of this server")
        }
        for id in changeSet.resolves {
            guard let conflict = conflicts[id], caller.actor.hasJurisdiction(over: conflict.village) else {
                return MergeRejection(.scope, "conflict \(id) is unknown here or outside \(caller.actor.org)")
            }
            guard conflict.entity.writers.contains(caller.actor.role) else {
                return MergeRejection(.authority, "a \(caller.actor.role.rawValue) may not resolve a conflict over \(conflict.entity.rawValue) records")
            }
            guard conflict.canBeSettled(by: caller.actor) else {
                return MergeRejection(.authority, "conflict \(id): this ID number is also registered outside \(caller.actor.org): the town (the district, across towns) settles which registration stands")
            }
        }
        return nil
    }

    /// The limits of the protocol (``WireLimits``, ``TextRules``); `nil` when the change set keeps them.
    static func beyondLimits(_ entry: PushEntry) -> MergeRejection? {
        let bytes = entry.body.utf8.count
        guard bytes <= WireLimits.maxChangeSetBytes else {
            return MergeRejection(.validation, "the change set is \(bytes) bytes of JSON; at most \(WireLimits.maxChangeSetBytes): split the action")
        }
        do { try entry.changeSet.checkLimits() } catch { return error }
        return nil
    }

    func idUsedBefore(_ changeSet: ChangeSet) -> Acknowledgement {
        // not remembered: the id belongs to the change set that used it first
        Acknowledgement(changeSet: changeSet.id, status: .rejected, code: MergeRejection.Code.validation.rawValue,
                        message: "change-set id \(changeSet.id) was used before for a different change set: give every change set a new id")
    }

    /// A rejection, remembered (so that a retry gets the same answer) unless retrying later may succeed.
    ///
    /// A change set pushed by someone other than its device or author is not remembered
    /// either: the refusal is about who pushed it, and its own device may push it later.
    func reject(_ error: any Error, _ entry: PushEntry) -> Decision {
        let rejection = error as? MergeRejection ?? MergeRejection(.validation, "\(error)")
        let ack = Acknowledgement(changeSet: entry.changeSet.id, status: .rejected, code: rejection.code.rawValue, message: rejection.message)
        let pushedByOther = entry.changeSet.device != caller.device || entry.changeSet.author != caller.actor
        guard !rejection.code.isRetryable, !pushedByOther else { return .rejected(ack, remember: nil) }
        return .rejected(ack, remember: RejectionRow(id: entry.changeSet.id, device: entry.changeSet.device, sequence: entry.changeSet.sequence,
                                                     bodyHash: entry.bodyHash, acknowledgement: ack, rejectedAt: now / 1000))
    }

    // MARK: the result

    /// The rows to write and the answers, once the store has given the first of
    /// ``sequencesNeeded`` sequences.
    func finish(firstSequence: Int64) throws -> (writes: LedgerWrites, acknowledgements: [Acknowledgement]) {
        var writes = LedgerWrites()
        var acknowledgements: [Acknowledgement] = []
        var conflictRows: [UUID: StoredConflictRow] = [:]
        var conflictOrder: [UUID] = []
        func put(_ conflict: ConflictRecord, _ sequence: Int64) throws {
            if conflictRows[conflict.id] == nil { conflictOrder.append(conflict.id) }
            conflictRows[conflict.id] = try StoredConflictRow(conflict, serverSequence: sequence)
        }
        for decision in decisions {
            switch decision {
            case .answered(let ack):
                acknowledgements.append(ack)
            case .sameAs(let index):
                acknowledgements.append(acknowledgements[index])
            case .rejected(let ack, let remember):
                acknowledgements.append(ack)
                if let remember { writes.rejections.append(remember) }
            case .accepted(let ordinal, let entry, let outcome, let resolved):
                let sequence = firstSequence + Int64(ordinal)
                for var version in outcome.writes {
                    version.serverSequence = sequence
                    writes.records.append(StoredRecordRow(version))
                }
                for conflict in outcome.conflicts { try put(conflict, sequence) }
                for conflict in resolved { try put(conflict, sequence) }
                writes.departures += outcome.departures.map { DepartureRow($0, serverSequence: sequence) }
                let changeSet = entry.changeSet
                let ack = Acknowledgement(changeSet: changeSet.id, status: outcome.conflicts.isEmpty ? .accepted : .acceptedWithConflicts,
                                          serverSequence: sequence, conflicts: outcome.conflicts.map(\.id))
                writes.log.append(LogRow(id: changeSet.id, device: changeSet.device, sequence: changeSet.sequence, action: changeSet.action,
                                         author: caller.actor, district: caller.actor.org.district, serverSequence: sequence,
                                         bodyHash: entry.bodyHash, acknowledgement: ack, body: entry.body))
                acknowledgements.append(ack)
            }
        }
        writes.conflicts = conflictOrder.compactMap { conflictRows[$0] }
        // a record written twice in one push: its last version stands
        var last: [RecordKey: Int] = [:]
        for (i, row) in writes.records.enumerated() { last[RecordKey(row.entity, row.id)] = i }
        writes.records = writes.records.enumerated().filter { last[RecordKey($0.element.entity, $0.element.id)] == $0.offset }.map(\.element)
        return (writes, acknowledgements)
    }
}
