import DoudiModel
import Foundation

/// The merge engine: applies one change set to what a store holds, by the rules
/// DoudiModel gives each record kind (``EntityKind/mergeRule``), and says what to
/// write and which conflicts to record — or refuses the change set whole.
///
/// Pure: the store passes its state in (``MergeState``), the clock and id maker too.
/// Nothing is trusted because a client sent it: every resulting record is decoded
/// and validated with DoudiModel, every workflow step replayed against the policy.
///
/// ```swift
/// let outcome = try MergeEngine(policies: book).merge(changeSet, by: tokenActor, state: store, now: nowMillis, makeID: UUID.init)
/// ```
public struct MergeEngine: Sendable {
    public let policies: PolicyBook
    /// Stamps further ahead of the server clock than this are refused.
    public var maxDriftMillis: Int64 = 5 * 60 * 1000

    public init(policies: PolicyBook) { self.policies = policies }

    /// Merges a change set made by `actor` (the token's, not what the change set claims).
    ///
    /// - Throws: ``MergeRejection`` with a protocol code; the caller writes nothing then.
    public func merge(_ changeSet: ChangeSet, by actor: Actor, state: some MergeState, now: Int64,
                      makeID: @escaping () -> UUID) throws(MergeRejection) -> MergeOutcome {
        guard readableProtocolVersions.contains(changeSet.protocolVersion) else {
            throw MergeRejection(.protocolVersion, ProtocolVersionText.notSpoken(changeSet.protocolVersion))
        }
        guard changeSet.author == actor else {
            throw MergeRejection(.scope, "the change set says it was made by \(changeSet.author.user) (\(changeSet.author.role.rawValue) at \(changeSet.author.org)) but the token is \(actor.user)'s (\(actor.role.rawValue) at \(actor.org))")
        }
        let stamps = [changeSet.stamp] + changeSet.changes.flatMap { $0.fields.map(\.stamp) }
        if let ahead = stamps.max(), ahead.wallMillis > now + maxDriftMillis {
            throw MergeRejection(.clock, "change set stamped \((ahead.wallMillis - now) / 1000) s ahead of the server clock: set the device's date and time correctly and sync again")
        }
        guard !changeSet.changes.isEmpty || !changeSet.resolves.isEmpty else {
            throw MergeRejection(.validation, "the change set changes nothing")
        }
        var run = MergeRun(engine: self, changeSet: changeSet, actor: actor, state: state, makeID: makeID)
        do {
            for change in changeSet.changes { try run.apply(change) }
        } catch let rejection as MergeRejection {
            throw rejection
        } catch {
            throw MergeRejection(.validation, "the change set cannot be merged: \(error)")
        }
        run.outcome.resolved = changeSet.resolves
        return run.outcome
    }
}

/// One merge in progress: the change set's own writes overlay the store.
struct MergeRun<State: MergeState> {
    let engine: MergeEngine
    let changeSet: ChangeSet
    let actor: Actor
    let state: State
    let makeID: () -> UUID
    var outcome = MergeOutcome()
    var overlay: [String: RecordVersion] = [:]

    init(engine: MergeEngine, changeSet: ChangeSet, actor: Actor, state: State, makeID: @escaping () -> UUID) {
        self.engine = engine; self.changeSet = changeSet; self.actor = actor; self.state = state; self.makeID = makeID
    }

    func key(_ entity: EntityKind, _ id: UUID) -> String { "\(entity.rawValue)/\(id.uuidString)" }

    func lookup(_ entity: EntityKind, _ id: UUID) -> RecordVersion? {
        overlay[key(entity, id)] ?? state.current(entity, id)
    }

    func reject(_ code: MergeRejection.Code, _ change: Change, _ message: String) -> MergeRejection {
        MergeRejection(code, "\(change.entity.rawValue) \(change.record): \(message)")
    }

    mutating func apply(_ change: Change) throws {
        let entity = change.entity
        var names = Set<String>()
        for f in change.fields where !names.insert(f.name).inserted {
            throw reject(.validation, change, "field \(f.name) appears twice in one change")
        }
        guard entity.writers.contains(actor.role) else {
            throw reject(.authority, change, "a \(actor.role.rawValue) may not write \(entity.rawValue) records")
        }
        guard actor.hasJurisdiction(over: change.village) else {
            throw reject(.scope, change, "\(change.village) is outside \(actor.org), the jurisdiction of \(actor.user)")
        }
        if let household = change.household, entity != .household {
            guard let h = lookup(.household, household) else {
                throw reject(.dependency, change, "household \(household) is unknown here: push the change set that registers it first")
            }
            guard h.village == change.village else {
                throw reject(.scope, change, "household \(household) belongs to \(h.village), not \(change.village)")
            }
        }
        let existing = lookup(entity, change.record)
        if let existing, existing.village != change.village, !actor.hasJurisdiction(over: existing.village) {
            throw reject(.scope, change, "the record belongs to \(existing.village), outside \(actor.org)")
        }
        var fields: [String: FieldVersion]
        switch change.operation {
        case .create:
            if let existing {
                guard existing.values == Dictionary(change.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }) else {
                    throw reject(.validation, change, "a record with this id already exists")
                }
                return // the same record again: nothing to do
            }
            // (a field named twice was refused above; never a trap on what a push carries)
            fields = Dictionary(change.fields.map { ($0.name, FieldVersion(value: $0.value, stamp: $0.stamp)) }, uniquingKeysWith: { _, last in last })
            if entity == .workflow { fields = try replayNewWorkflow(change, fields) }
        case .update:
            guard let existing else { throw reject(.dependency, change, "no such record to update here: push the change set that creates it first") }
            switch entity.mergeRule {
            case .appendOnly, .ledger:
                throw reject(.validation, change, "\(entity.rawValue) records are append-only: record a new one instead of editing")
            case .workflow:
                fields = try mergeWorkflow(change, existing)
            case .fieldByField:
                if entity == .household, let given = change.fields.first(where: { $0.name == "benefitAccount" }) {
                    try checkAccountChange(given.value, existing, change)
                }
                fields = mergeFields(change, existing)
                if existing.isVoided {
                    conflict(.voidVersusEdit, change, field: nil, kept: .string("voided"), other: .object(change.fields.reduce(into: [:]) { $0[$1.name] = $1.value }),
                             "edited while voided elsewhere: the record stays voided and the edit is kept here; restore it (doudi \(change.entity.rawValue) restore … --reason …) or confirm the void")
                }
            }
        case .void:
            guard let existing else { throw reject(.dependency, change, "no such record to void here: push the change set that creates it first") }
            guard existing.village == change.village else {
                throw reject(.validation, change, "the record is kept under \(existing.village), not \(change.village): a void changes nothing else; pull, then void it")
            }
            guard change.fields.contains(where: { $0.name == "voidReason" && $0.value != .null && $0.value != .string("") }) else {
                throw reject(.validation, change, "a void needs a reason")
            }
            // a void withdraws the record and changes nothing else (else a field — an account, say — would ride along unchecked)
            guard change.fields.allSatisfy({ f in
                if f.name == "voidReason" { return true }
                guard f.name == "status", entity == .household, case .object(let o) = f.value else { return false }
                return o["voided"] != nil
            }) else {
                throw reject(.validation, change, "a void sets voidReason (and a household's status to voided) and changes nothing else: edit the record in a change of its own")
            }
            fields = existing.fields
            for f in change.fields { fields[f.name] = FieldVersion(value: f.value, stamp: f.stamp) }
            let unseen = existing.fields.filter { name, v in name != "voidReason" && change.base.map { v.stamp > $0 } ?? false }
            if !existing.isVoided, !unseen.isEmpty {
                conflict(.voidVersusEdit, change, field: nil, kept: .string("voided"),
                         other: .object(unseen.mapValues(\.value)),
                         "voided without seeing later edits of \(unseen.keys.sorted().joined(separator: ", ")): confirm the void or restore the record (doudi \(change.entity.rawValue) restore … --reason …)")
            }
            if !existing.isVoided { try requireNotPaid(change) }
        case .restore:
            guard let existing else { throw reject(.dependency, change, "no such record to restore here: push the change set that creates it first") }
            guard existing.village == change.village else {
                throw reject(.validation, change, "the record is kept under \(existing.village), not \(change.village): a restore changes nothing else; pull, then restore it")
            }
            guard change.fields.contains(where: { $0.name == "voidReason" && $0.value == .null }),
                  change.fields.allSatisfy({ $0.name == "voidReason" || ($0.name == "status" && entity == .household) }) else {
                throw reject(.validation, change, "a restore clears voidReason (and a household's status) and changes nothing else")
            }
            guard !(changeSet.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw reject(.validation, change, "a restore needs a reason (the change set's note)")
            }
            fields = existing.fields
            for f in change.fields { fields[f.name] = FieldVersion(value: f.value, stamp: max(f.stamp, existing.fields[f.name]?.stamp ?? f.stamp)) }
        }
        var version = RecordVersion(entity: entity, record: change.record, village: change.village,
                                    household: change.household ?? (entity == .decision ? decisionHousehold(fields, existing) : nil),
                                    fields: fields, serverSequence: 0, author: changeSet.author, changeSet: changeSet.id)
        try validate(version, change)
        checkInvariants(&version, change)
        write(version)
        if entity == .household, let existing, existing.village != version.village {
            let stamp = change.fields.first { $0.name == "village" }?.stamp ?? changeSet.stamp
            follow(household: change.record, from: existing.village, to: version.village, stamp: stamp)
        }
    }

    /// A decision names no household of its own (its application does): kept under its
    /// application's household, so that it moves with it (§9.7).
    func decisionHousehold(_ fields: [String: FieldVersion], _ existing: RecordVersion?) -> UUID? {
        if let known = existing?.household { return known }
        guard case .string(let text)? = fields["application"]?.value, let application = UUID(uuidString: text) else { return nil }
        return lookup(.application, application)?.household
    }

    mutating func write(_ version: RecordVersion) {
        overlay[key(version.entity, version.record)] = version
        outcome.writes.removeAll { $0.entity == version.entity && $0.record == version.record }
        outcome.writes.append(version)
    }

    /// A household moved to another village takes its records with it (SPEC §9.7): each is
    /// written again under the new village by this change set (the `village` field of those
    /// that carry one, a workflow's, stamped as the household's), and each, the household too,
    /// is named a departure from the village it was under, for the laptops of that village.
    mutating func follow(household: UUID, from old: OrgCode, to new: OrgCode, stamp: HLCStamp) {
        outcome.departures.append(Departure(entity: .household, record: household, from: old, to: new))
        var records: [String: RecordVersion] = [:]
        for version in state.records(household: household) { records[key(version.entity, version.record)] = version }
        // what this change set wrote before the move stands over the stored versions
        let applications = Set(records.values.filter { $0.entity == .application }.map(\.record))
            .union(overlay.values.filter { $0.entity == .application && $0.household == household }.map(\.record))
        for version in overlay.values where version.entity != .household
            && (version.household == household || (version.entity == .workflow && applications.contains(version.record))) {
            records[key(version.entity, version.record)] = version
        }
        for name in records.keys.sorted() {
            guard var moved = records[name], moved.village != new else { continue }
            let from = moved.village
            moved.village = new
            if let field = moved.fields["village"], field.value == .string(from.value) {
                moved.fields["village"] = FieldVersion(value: .string(new.value), stamp: max(stamp, field.stamp))
            }
            moved.author = changeSet.author; moved.changeSet = changeSet.id
            write(moved)
            outcome.departures.append(Departure(entity: moved.entity, record: moved.record, from: from, to: new))
        }
    }

    /// A household's benefit account, once it has one, is changed by the town or the district
    /// (``BenefitAccount/checkChange(from:to:by:)``): a village's change is refused `authority`.
    func checkAccountChange(_ value: JSONValue, _ existing: RecordVersion, _ change: Change) throws {
        func account(_ v: JSONValue?) -> BenefitAccount? {
            guard let v, v != .null else { return nil }
            return try? RecordFields.value(BenefitAccount.self, from: v)
        }
        let old = account(existing.fields["benefitAccount"]?.value)
        do { try BenefitAccount.checkChange(from: old, to: account(value), by: actor.role) } catch {
            throw reject(.authority, change, error.message)
        }
    }

    /// Field by field: an edit based on the current version wins; a concurrent edit of the
    /// same field (another base) is decided by clock and the losing value kept in a conflict.
    mutating func mergeFields(_ change: Change, _ existing: RecordVersion) -> [String: FieldVersion] {
        var fields = existing.fields
        for f in change.fields {
            guard let current = fields[f.name] else {
                fields[f.name] = FieldVersion(value: f.value, stamp: f.stamp)
                continue
            }
            if f.previous?.stamp == current.stamp {
                fields[f.name] = FieldVersion(value: f.value, stamp: max(f.stamp, current.stamp))
            } else if f.value == current.value {
                fields[f.name] = FieldVersion(value: f.value, stamp: max(f.stamp, current.stamp))
            } else if f.stamp > current.stamp {
                fields[f.name] = FieldVersion(value: f.value, stamp: f.stamp)
                conflict(.concurrentEdit, change, field: f.name, kept: f.value, other: current.value,
                         "\(f.name) was edited on two devices from different versions; the later edit stands")
            } else {
                conflict(.concurrentEdit, change, field: f.name, kept: current.value, other: f.value,
                         "\(f.name) was edited on two devices from different versions; the later edit stands")
            }
        }
        return fields
    }

    mutating func conflict(_ kind: ConflictRecord.Kind, _ change: Change, field: String?, kept: JSONValue, other: JSONValue, _ message: String) {
        outcome.conflicts.append(ConflictRecord(id: makeID(), kind: kind, entity: change.entity, record: change.record, village: change.village,
                                                field: field, kept: kept, other: other, changeSets: [changeSet.id], message: message))
    }

    // MARK: validation and invariants

    /// Decodes the resulting record with DoudiModel and checks its rules.
    func validate(_ version: RecordVersion, _ change: Change) throws {
        let values = version.values
        func check<R: Codable & ValidatedRecord>(_ type: R.Type) throws {
            let record: R
            do { record = try RecordFields.record(R.self, from: values) } catch let error as DecodingError {
                throw reject(.validation, change, DocumentError(error, document: change.entity.rawValue).description)
            }
            do { try record.validate() } catch { throw reject(.validation, change, error.description) }
            // a field the record does not have is refused, not stored and spread to every device
            let given = values.compactMap { name, value in value != .null && name != "voidReason" ? name : nil }
            if !KnownFields.shared.contains(given, of: change.entity), let known = try? RecordFields.fields(of: record) {
                for name in given where known[name] == nil {
                    throw reject(.validation, change, "\(name) is not a field of a \(change.entity.rawValue) record")
                }
                KnownFields.shared.insert(given, of: change.entity)
            }
            if let id = (record as? any Identifiable)?.id as? UUID, id != change.record {
                throw reject(.validation, change, "the record's id field does not match the change's record id")
            }
        }
        switch change.entity {
        case .household:
            try check(Household.self)
            if case .string(let v) = values["village"] ?? .null, v != change.village.value {
                throw reject(.scope, change, "the household's village \(v) differs from the change's village \(change.village)")
            }
        case .member: try check(Member.self)
        case .obligor: try check(SupportObligor.self)
        case .visit: try check(Visit.self)
        case .survey: try check(Survey.self)
        case .application: try check(Application.self)
        case .decision: try check(Decision.self)
        case .enrolment: try check(Enrolment.self)
        case .payment: try check(Payment.self)
        case .bankReturn: try check(BankReturn.self)
        case .reserveFundEntry:
            try check(ReserveFundEntry.self)
            if change.operation == .create, let entry = try? RecordFields.record(ReserveFundEntry.self, from: values),
               !entry.kind.writers.contains(changeSet.author.role) {
                throw reject(.authority, change, "a \(changeSet.author.role.rawValue) cannot record a reserve-fund \(entry.kind.rawValue) (\(entry.kind.chineseName)): the district allocates and replenishes, the town draws by paying aid first (§3.6.5)")
            }
        case .policyVersion:
            do { try RecordFields.record(PolicyVersion.self, from: values).validate() } catch {
                throw reject(.validation, change, "\(error)")
            }
        case .specialPeriod, .socialOrganisation, .aidProject, .volunteer:
            switch change.entity {
            case .specialPeriod: try check(SpecialPeriod.self)
            case .socialOrganisation: try check(SocialOrganisation.self)
            case .aidProject: try check(AidProject.self)
            default: try check(Volunteer.self)
            }
            // a district record is kept under its district's code, which every device of the district pulls
            if case .string(let v) = values["district"] ?? .null, v != change.village.value {
                throw reject(.scope, change, "a \(change.entity.rawValue) record of district \(v) is kept under its district's code, not \(change.village)")
            }
        case .villageNeed:
            try check(VillageNeed.self)
            if case .string(let v) = values["village"] ?? .null, v != change.village.value {
                throw reject(.scope, change, "the need's village \(v) differs from the change's village \(change.village)")
            }
        case .workflow:
            do { _ = try RecordFields.record(ApplicationWorkflow.self, from: values) } catch {
                throw reject(.validation, change, "\(error)")
            }
            // a workflow is kept under its application's id and village (SPEC §7.6)
            if case .string(let a) = values["application"] ?? .null, UUID(uuidString: a) != change.record {
                throw reject(.validation, change, "the workflow's application \(a) differs from the change's record \(change.record): a workflow's id is its application's")
            }
            if case .string(let v) = values["village"] ?? .null, v != change.village.value {
                throw reject(.scope, change, "the workflow's village \(v) differs from the change's village \(change.village)")
            }
        }
        for (name, v) in version.fields where name == "household" {
            guard case .string(let h) = v.value else { continue }
            // the change names the household its record belongs to: what scoping and the merge rules read (§7.1)
            guard let household = change.household else {
                throw reject(.validation, change, "the change does not name the household \(h) its record belongs to: give `household` (SPEC §7.1)")
            }
            if UUID(uuidString: h) != household {
                throw reject(.validation, change, "the record's household field does not match the change's household")
            }
        }
    }

    /// One person is one person (§3.1.1); one person, one dibao over any month (§3.1); a
    /// town's reserve fund is not overdrawn (§3.6.5) — each rule DoudiModel's. A violation
    /// parks the record (voided with the reason, nothing lost) or flags it, and records a
    /// conflict holding both versions.
    mutating func checkInvariants(_ version: inout RecordVersion, _ change: Change) {
        guard !version.isVoided else { return }
        switch change.entity {
        case .member:
            guard case .string(let number) = version.fields["residentID"]?.value ?? .null else { return }
            let key = ResidentID.personKey(number)
            let written = overlay.values.filter { $0.entity == .member && !$0.isVoided }
            let clash = (written + state.activeMembers(residentID: number)).first { other in
                guard other.record != change.record, case .string(let n) = other.fields["residentID"]?.value ?? .null else { return false }
                return ResidentID.personKey(n) == key && !(overlay[self.key(.member, other.record)].map(\.isVoided) ?? false)
            }
            if let clash {
                // the reason reaches the village that registered second: it says there is a duplicate, not where
                park(&version, reason: "重复登记待核实：该身份证号已有登记，由乡镇核实")
                // the standing registration may be another village's: name only where it is, not who
                let standing: JSONValue = .object(["record": .string(clash.record.uuidString), "village": .string(clash.village.value),
                                                   "household": clash.household.map { .string($0.uuidString) } ?? .null])
                conflict(.duplicatePerson, change, field: "residentID", kept: standing, other: .object(version.values),
                         "resident ID number already registered as member \(clash.record) in household \(clash.household?.uuidString ?? "?"): one ID number is one person; the new registration is kept voided until someone decides")
            }
        case .enrolment:
            guard let household = change.household,
                  let enrolment = try? RecordFields.record(Enrolment.self, from: version.values), enrolment.programme == .dibao
            else { return }
            var others: [UUID: RecordVersion] = [:]
            for other in state.enrolments(household: household) { others[other.record] = other }
            for other in overlay.values where other.entity == .enrolment && other.household == household { others[other.record] = other }
            let standing = others.values.filter { $0.record != change.record && !$0.isVoided }.sorted { $0.record.uuidString < $1.record.uuidString }
            let decoded = standing.compactMap { v in (try? RecordFields.record(Enrolment.self, from: v.values)).map { (v, $0) } }
            if let (other, clash) = decoded.first(where: { enrolment.isSecondDibao(beside: $0.1) }) {
                park(&version, reason: "重复享受低保待核实：已有低保保障 \(other.record)")
                conflict(.duplicateEnrolment, change, field: nil, kept: .object(other.values), other: .object(version.values),
                         "already in a dibao enrolment \(other.record) paying \(clash.start)–\(clash.end?.description ?? "") over the same months: one person, one dibao")
            }
        case .reserveFundEntry:
            // the record was validated above; the balance and the overdraw rule are DoudiModel's (`ReserveFundLedger`)
            guard change.operation == .create,
                  let entry = try? RecordFields.record(ReserveFundEntry.self, from: version.values), entry.kind == .draw
            else { return }
            let earlier = outcome.writes.filter { $0.entity == .reserveFundEntry && $0.record != change.record }
                .compactMap { try? RecordFields.record(ReserveFundEntry.self, from: $0.values) }
            let ledger = ReserveFundLedger(town: entry.town, entries: state.reserveFundEntries(town: entry.town) + earlier)
            do { try ledger.checkDraw(entry.amount) } catch {
                conflict(.reserveFundOverdrawn, change, field: "amount", kept: .string(entry.amount.yuanText), other: .string(ledger.balance.yuanText),
                         "this draw of \(entry.amount.yuanText) overdraws town \(entry.town)'s reserve fund (balance before it \(ledger.balance.yuanText)); both payments are kept: replenish the fund or recover the payment")
            }
        default:
            return
        }
    }

    func park(_ version: inout RecordVersion, reason: String) {
        version.fields["voidReason"] = FieldVersion(value: .string(reason), stamp: changeSet.stamp)
    }
}

/// Field names already seen on a valid record of each kind: the check for unknown fields
/// encodes the record only when a name is new to it.
final class KnownFields: @unchecked Sendable {
    static let shared = KnownFields()
    private let lock = NSLock()
    private var names: [EntityKind: Set<String>] = [:]

    func contains(_ given: [String], of entity: EntityKind) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let known = names[entity] else { return false }
        return given.allSatisfy(known.contains)
    }

    func insert(_ given: [String], of entity: EntityKind) {
        lock.lock(); defer { lock.unlock() }
        names[entity, default: []].formUnion(given)
    }
}
