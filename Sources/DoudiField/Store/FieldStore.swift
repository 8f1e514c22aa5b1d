import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The field library: a village cadre's (or town approver's) local store.
///
/// Every user action goes through ``perform(_:)``, which validates it with
/// DoudiModel and writes, in one transaction, the records, their history and
/// exactly one change set in the outbox. A refused action writes nothing.
///
/// Sensitive values are sealed with the store's keys (docs/LAPTOP-SECURITY.md): a store
/// opened without them is **locked**, and whatever needs a sealed value — every action,
/// every read of a household, member or legal supporter — fails with ``FieldError/locked``.
///
/// ```swift
/// let store = try FieldStore(database: .open(path: "village.sqlite")).protect(password: password)  // a new store
/// try store.setUp(DeviceSetup(name: "五星村笔记本", user: "李会计", org: village))
/// let changeSet = try store.perform(.registerHousehold(household, members: members))
/// ```
public struct FieldStore: Sendable {
    public let database: FieldDatabase
    /// The unlocked store's keys; nil while the store is locked.
    public let keys: StoreKeys?
    /// Physical time in milliseconds since 1970 (the store's only clock).
    let now: @Sendable () -> Int64
    /// Makes change-set ids.
    let makeID: @Sendable () -> UUID

    /// A store over `database`, unlocked with `keys` (by default an in-memory database's own
    /// keys; a store file is locked until ``unlock(password:)`` or ``unlocked(with:)``).
    public init(database: FieldDatabase, keys: StoreKeys? = nil,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                makeID: @escaping @Sendable () -> UUID = { UUID() }) {
        self.database = database; self.keys = keys ?? database.memoryKeys; self.now = now; self.makeID = makeID
    }

    /// This store, unlocked with `keys`.
    public func unlocked(with keys: StoreKeys) -> FieldStore {
        FieldStore(database: database, keys: keys, now: now, makeID: makeID)
    }

    /// Whether the store's keys are at hand.
    public var isLocked: Bool { keys == nil }

    /// The keys, or ``FieldError/locked``.
    func requireKeys() throws -> StoreKeys { try StoreKeys.required(keys) }

    /// Sets the store up for a device (once).
    ///
    /// - Throws: ``FieldError`` when the store is already set up or the org code does not fit the role.
    @discardableResult
    public func setUp(_ setup: DeviceSetup, deviceID: String? = nil) throws -> Device {
        guard setup.org.level == setup.role.level || setup.role == .auditor else {
            throw FieldError(.validation, field: "org", "a \(setup.role.rawValue) works at a \(setup.role.level.rawValue): give a \(setup.role.level == .village ? "12" : setup.role.level == .town ? "9" : "6")-digit code, not \(setup.org)")
        }
        for (value, field) in [(setup.name, "name"), (setup.user, "user")] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw FieldError(.validation, field: field, "must not be empty")
        }
        let id = deviceID ?? "dev-" + makeID().uuidString.prefix(8).lowercased()
        return try database.writer.write { db in
            if try Device.fetchCount(db) > 0 {
                throw FieldError(.duplicate, "this store is already set up; use another --store to set up a new one")
            }
            let clock = HybridLogicalClock(node: id)
            let device = Device(id: id, name: setup.name, user: setup.user, role: setup.role, org: setup.org,
                                nextSequence: 1, clock: clock.last.text, createdAt: String(now()))
            try device.insert(db)
            return device
        }
    }

    /// The device the store is set up for.
    ///
    /// - Throws: ``FieldError`` `not-initialised` before ``setUp(_:deviceID:)``.
    public func device() throws -> Device {
        guard let device = try database.writer.read({ db in try Device.fetchOne(db) }) else {
            throw FieldError(.notInitialised, "this store is not set up: run `doudi init --village CODE --device NAME --user NAME` first")
        }
        return device
    }

    /// Validates and records one user action, with exactly one change set, atomically.
    ///
    /// - Returns: the change set written to the outbox.
    /// - Throws: ``FieldError`` saying what to fix; nothing is written then.
    @discardableResult
    public func perform(_ action: FieldAction) throws -> ChangeSet {
        do {
            return try database.writer.write { db in try perform(action, db) }
        } catch let error as FieldError {
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw FieldError(.duplicate, "\(error.message ?? "a unique value is already used")")
        }
    }

    /// Records many actions in one database transaction, each still atomic on its own
    /// (a savepoint per action) with its own change set: a refused action is reported
    /// and leaves no trace, the others land. Used by imports and bulk loads.
    ///
    /// - Returns: one result per action, in order.
    public func performEach(_ actions: [FieldAction]) throws -> [Result<ChangeSet, FieldError>] {
        try database.writer.write { db in
            var results: [Result<ChangeSet, FieldError>] = []
            results.reserveCapacity(actions.count)
            for action in actions {
                var outcome: Result<ChangeSet, FieldError>!
                try db.inSavepoint {
                    do {
                        outcome = .success(try perform(action, db))
                        return .commit
                    } catch let error as FieldError {
                        outcome = .failure(error)
                    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                        outcome = .failure(FieldError(.duplicate, error.message ?? "a unique value is already used"))
                    }
                    return .rollback
                }
                results.append(outcome)
            }
            return results
        }
    }

    private func perform(_ action: FieldAction, _ db: Database) throws -> ChangeSet {
        let keys = try requireKeys()
        guard var device = try Device.current(db) else {
            throw FieldError(.notInitialised, "this store is not set up: run `doudi init` first")
        }
        var clock = HybridLogicalClock(last: HLCStamp(text: device.clock) ?? HLCStamp(wallMillis: 0, counter: 0, node: device.id))
        let stamp = clock.tick(now: now())
        let id = makeID()
        var recorder = ChangeRecorder(db: db, changeSetID: id, stamp: stamp, author: device.actor, keys: keys)
        try apply(action, &recorder, device: device)
        try recorder.writeHistory()
        var resolves: [UUID] = [], note: String?
        if case .resolveConflicts(let ids, let text, _) = action { resolves = ids; note = text }
        if case .restore(_, _, let reason) = action { note = reason }
        let changeSet = ChangeSet(id: id, device: device.id, sequence: device.nextSequence, author: device.actor,
                                  action: action.name, stamp: stamp, changes: recorder.changes, resolves: resolves, note: note)
        // the protocol's limits, checked here as the server will (SPEC §7.7): a control
        // character or an over-long text is refused now, not at the next sync
        do { try changeSet.checkLimits() } catch { throw FieldError(.validation, error.message) }
        let body = changeSet.jsonValue.canonicalText
        guard body.utf8.count <= WireLimits.maxChangeSetBytes else {
            throw FieldError(.validation, "this action makes \(body.utf8.count) bytes of change set; at most \(WireLimits.maxChangeSetBytes): record it in smaller steps")
        }
        try db.cachedStatement(sql: """
            INSERT INTO changeSet(id, device, sequence, action, author, stamp, body, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
            """).execute(arguments: [id.uuidString, device.id, changeSet.sequence, action.name,
                                     device.actor.jsonValue.canonicalText, stamp.text,
                                     keys.seal(body, blob: .changeSetBody)])
        device.nextSequence += 1
        device.clock = clock.last.text
        try device.saveProgress(db)
        return changeSet
    }

    private func apply(_ action: FieldAction, _ r: inout ChangeRecorder, device: Device) throws {
        let db = r.db
        switch action {
        case .registerHousehold(let household, let members):
            guard household.status.isActive else { throw FieldError(.validation, field: "status", "a new household is registered as active") }
            guard !members.isEmpty else { throw FieldError(.validation, field: "members", "register at least one member (the head of household)") }
            try r.create(household)
            for m in members {
                guard m.household == household.id else {
                    throw FieldError(.validation, field: "household", "member \(m.name) names another household")
                }
                try requireUniqueResidentID(m, r)
                try r.create(m)
            }
        case .editHousehold(let household):
            let old = try Household.active(db, id: household.id, keys: r.keys)
            if let old {
                do { try BenefitAccount.checkChange(from: old.benefitAccount, to: household.benefitAccount, by: r.author.role) } catch {
                    throw FieldError(.forbidden, field: "benefitAccount", error.message)
                }
            }
            try r.update(household)
            if let old, old.village != household.village {
                // the server moves the household's workflows with it in this change set (SPEC §9.7):
                // so does this laptop, so that its next step on them names the new village
                let ofHousehold = "application IN (SELECT id FROM application WHERE household = ?)"
                try db.execute(sql: "UPDATE workflow SET village = ? WHERE \(ofHousehold)", arguments: [household.village.value, household.id.uuidString])
                try db.execute(sql: """
                    INSERT INTO fieldStamp(entity, record, field, stamp) SELECT 'workflow', application, 'village', ? FROM workflow WHERE \(ofHousehold)
                    ON CONFLICT(entity, record, field) DO UPDATE SET stamp = excluded.stamp
                    """, arguments: [r.stamp.text, household.id.uuidString])
            }
        case .addMember(let m):
            try requireActiveHousehold(m.household, db)
            try requireUniqueResidentID(m, r)
            try r.create(m)
        case .editMember(let m):
            try requireActiveHousehold(m.household, db)
            try requireUniqueResidentID(m, r)
            try r.update(m)
        case .recordObligor(let o):
            try requireActiveHousehold(o.household, db)
            guard let member = try Member.active(db, id: o.member, keys: r.keys), member.household == o.household else {
                throw FieldError(.notFound, field: "member", "the obligor's member is not in household \(o.household)")
            }
            if try SupportObligor.exists(db, id: o.id) { try r.update(o) } else { try r.create(o) }
        case .recordVisit(let v):
            try requireActiveHousehold(v.household, db)
            try r.create(v)
        case .recordSurvey(let s):
            try requireActiveHousehold(s.household, db)
            for (i, item) in s.incomes.enumerated() { try requireMember(item.member, of: s.household, "incomes[\(i)].member", r) }
            for (i, item) in s.deductions.enumerated() { try requireMember(item.member, of: s.household, "deductions[\(i)].member", r) }
            try r.create(s)
        case .draftApplication(let a):
            try requireActiveHousehold(a.household, db)
            try requireMember(a.member, of: a.household, "member", r)
            try r.create(a)
            let village = try a.village(db)
            let workflow: ApplicationWorkflow
            do { workflow = try ApplicationWorkflow(for: a, village: village) } catch { throw FieldError(error) }
            try r.create(workflow)
        case .advanceApplication(let id, let event, let day, let policy):
            guard var workflow = try ApplicationWorkflow.active(db, id: id) else {
                throw FieldError(.notFound, field: "application", "no open application \(id)")
            }
            let special = try specialProcedure(on: day, db)
            do { try workflow.apply(event, by: device.actor, on: day, policy: policy, special: special) } catch {
                throw FieldError(.workflow, "\(error)")
            }
            try r.update(workflow)
            try recordStep(workflow, policy: policy, &r)
        case .fundReserve(let entry):
            try fundReserve(entry, &r)
        case .publishPolicy(let policy):
            try publishPolicy(policy, &r)
        case .declareSpecialPeriod(let period):
            try declareSpecialPeriod(period, &r)
        case .endSpecialPeriod(let id, let end, let basis):
            try endSpecialPeriod(id, end: end, basis: basis, &r)
        case .saveOrganisation(let organisation): try save(organisation, &r)
        case .saveAidProject(let project):
            guard try SocialOrganisation.active(db, id: project.organisation) != nil else {
                throw FieldError(.notFound, field: "organisation", "no social organisation \(Self.shortID(project.organisation)) on this laptop: register it first")
            }
            try save(project, &r)
        case .saveVolunteer(let volunteer): try save(volunteer, &r)
        case .recordVillageNeed(let need):
            guard !(try VillageNeed.exists(db, id: need.id)) else { throw FieldError(.duplicate, field: "id", "this need is already recorded") }
            try save(need, &r)
        case .matchNeed(let need, let project): try matchNeed(need, project: project, &r)
        case .recordBankReturns(let returns): try recordBankReturns(returns, &r)
        case .voidBankAnswer(let reference, let reason): try voidBankAnswer(reference, reason: reason, &r)
        case .reviewEnrolment(let household, let day, let policy):
            try reviewEnrolment(household, on: day, policy: policy, &r)
        case .resolveConflicts(let ids, let note, let inner):
            guard !ids.isEmpty else { throw FieldError(.validation, field: "conflict", "name the conflict to resolve") }
            guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw FieldError(.validation, field: "note", "say how the conflict was resolved: the note is the audit trail")
            }
            for conflict in ids {
                guard let body = try String.fetchOne(db, sql: "SELECT body FROM conflict WHERE id = ? AND NOT resolved", arguments: [conflict.uuidString]) else {
                    throw FieldError(.notFound, field: "conflict", "no open conflict \(conflict): sync to see the server's conflicts, then list them")
                }
                // the server's rule (SPEC §10.3): a village cannot settle a duplicate it may not see
                let record = try JSONDecoder().decode(ConflictRecord.self, from: Data(try openedBlob(body, .conflictBody).utf8))
                guard record.canBeSettled(by: device.actor) else {
                    throw FieldError(.forbidden, field: "conflict", record.isRedacted
                        ? "this ID number is also registered outside \(device.actor.org): the town (the district, across towns) settles which registration stands; nothing to do here but wait for its decision"
                        : "a \(device.actor.role.rawValue) at \(device.actor.org) may not resolve this conflict over \(record.entity.rawValue) records")
                }
            }
            if let inner { try apply(inner, &r, device: device) }
            try db.execute(sql: "UPDATE conflict SET resolved = 1 WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                           arguments: StatementArguments(ids.map(\.uuidString)))
        case .void(let entity, let id, let reason):
            switch entity {
            case .household:
                try requireNotPaid(household: id, r)
                try r.void(Household.self, id: id, reason: reason)
            case .member:
                try requireNotPaid(member: id, r)
                try r.void(Member.self, id: id, reason: reason)
            case .obligor: try r.void(SupportObligor.self, id: id, reason: reason)
            case .visit: try r.void(Visit.self, id: id, reason: reason)
            case .survey: try r.void(Survey.self, id: id, reason: reason)
            case .application: try r.void(Application.self, id: id, reason: reason)
            case .bankReturn:
                // a bank return recorded wrongly (a misread file, a status mapped wrongly) is withdrawn by those who record them
                guard EntityKind.bankReturn.writers.contains(r.author.role) else {
                    throw FieldError(.forbidden, "the bank's answers are withdrawn by the town or the district that records them")
                }
                try r.void(BankReturn.self, id: id, reason: reason)
            default: throw FieldError(.forbidden, "\(entity.rawValue) records are voided at the town or district, not here")
            }
        case .restore(let entity, let id, let reason):
            try restore(entity, id, reason: reason, &r)
        case .stopPayment(let order):
            try stopPayment(order, &r)
        }
    }

    private func requireActiveHousehold(_ id: UUID, _ db: Database) throws {
        if let reason = try Household.voidReason(db, id: id) {
            throw FieldError(.voided, field: "household", "household \(id) was voided (\(reason))")
        }
        guard try Household.exists(db, id: id) else {
            throw FieldError(.notFound, field: "household", "no household \(id) in this store: register it first or check the id")
        }
    }

    private func requireMember(_ id: UUID?, of household: UUID, _ field: String, _ r: ChangeRecorder) throws {
        guard let id else { return }
        guard let m = try Member.active(r.db, id: id, keys: r.keys), m.household == household else {
            throw FieldError(.notFound, field: field, "\(id) is not a member of household \(household)")
        }
    }

    /// One resident ID number registers one person, in one household (found by the keyed
    /// person index: the number itself is sealed).
    private func requireUniqueResidentID(_ m: Member, _ r: ChangeRecorder) throws {
        let row = try Row.fetchOne(r.db, sql: """
            SELECT m.id, m.name, m.household, h.village FROM member m JOIN household h ON h.id = m.household
            WHERE m.personIndex = ? AND m.voidReason IS NULL AND m.id != ?
            """, arguments: [r.keys.personIndex(m.residentID.value), m.id.uuidString])
        if let row {
            let name: String = row["name"], household: String = row["household"], village: String = row["village"]
            // the household by the short id listings show (not its whole id)
            let short = String(household.prefix(8)).lowercased()
            throw FieldError(.duplicate, field: "residentID",
                             "\(m.residentID.masked) is already registered as \(name) in household \(short) (village \(village)): one ID number is one person; edit that member instead (doudi member edit)")
        }
    }
}
