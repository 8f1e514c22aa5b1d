import DoudiModel
import Foundation

/// A ledger store in memory: the tests' fake, running the same ``SyncLedger`` as the
/// SQLite and PostgreSQL stores. One transaction at a time; a transaction's writes become
/// visible together when its body returns, and vanish if it throws.
public final class InMemoryLedgerStorage: LedgerStorage, @unchecked Sendable {
    struct State {
        var records: [RecordKey: StoredRecordRow] = [:]
        var conflicts: [UUID: StoredConflictRow] = [:]
        var log: [UUID: LogRow] = [:]
        var deviceSequences: [String: [Int64: UUID]] = [:]
        var rejections: [UUID: RejectionRow] = [:]
        var sequences: [OrgCode: Int64] = [:]
        /// By entity/id/from.
        var departures: [String: DepartureRow] = [:]
    }

    private let lock = NSLock()
    private let writer = AsyncMutex()
    private var state = State()
    private let orgCodes: Set<OrgCode>

    /// - Parameter orgCodes: the org units changes may name.
    public init(orgCodes: Set<OrgCode>) { self.orgCodes = orgCodes }

    private func read<T>(_ body: (State) throws -> T) rethrows -> T {
        try lock.withLock { try body(state) }
    }

    private func commit(_ pending: Pending) {
        lock.withLock { state = pending.apply(to: state) }
    }

    public func knownOrgCodes() async throws -> Set<OrgCode> { orgCodes }

    public func transaction<T: Sendable>(_ body: @Sendable (any LedgerTransaction) async throws -> T) async throws -> T {
        try await writer.withLock {
            let tx = Transaction(storage: self)
            let result = try await body(tx)
            commit(tx.pending)
            return result
        }
    }

    public func feed(scope: OrgCode, after: Int64, through: Int64?, limit: Int) async throws -> FeedBatch {
        read { state in
            let bounds = scope.subtreeBounds, lineage = Set(scope.lineage)
            func inScope(_ village: OrgCode) -> Bool { village.value >= bounds.lower && village.value < bounds.upper }
            func inRange(_ sequence: Int64) -> Bool { sequence > after && through.map { sequence <= $0 } ?? true }
            let records = state.records.values.filter { row in
                row.district == scope.district && inRange(row.serverSequence)
                    && (inScope(row.village) || (row.entity.isDistrictRecord && lineage.contains(row.village)))
            }.map { (FeedRow(kind: .record, sequence: $0.serverSequence, body: $0.body), 0, $0.id.uuidString) }
            let conflicts = state.conflicts.values.filter { $0.district == scope.district && inRange($0.serverSequence) && inScope($0.village) }
                .map { (FeedRow(kind: .conflict, sequence: $0.serverSequence, body: $0.body), 1, $0.id.uuidString) }
            let departures = state.departures.values.filter { $0.district == scope.district && inRange($0.serverSequence) && inScope($0.from) && !inScope($0.to) }
                .map { (FeedRow(kind: .departure, sequence: $0.serverSequence, body: $0.body), 2, "\($0.id.uuidString)/\($0.entity.rawValue)") }
            let rows = (records + conflicts + departures).sorted { ($0.0.sequence, $0.1, $0.2) < ($1.0.sequence, $1.1, $1.2) }.prefix(limit).map(\.0)
            return FeedBatch(rows: Array(rows), current: state.sequences[scope.district] ?? 0)
        }
    }

    public func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord] {
        try read { state in
            try state.conflicts.values.filter { scope.contains($0.village) && (includeResolved || !$0.resolved) }
                .sorted { ($0.serverSequence, $0.id.uuidString) < ($1.serverSequence, $1.id.uuidString) }
                .prefix(limit).map { try StoredJSON.conflict($0.body) }
        }
    }

    // MARK: for assertions

    /// Every record as stored now.
    public func records() throws -> [RecordVersion] { try read { try $0.records.values.map { try StoredJSON.record($0.body) } } }
    /// Every conflict as stored now.
    public func storedConflicts() throws -> [ConflictRecord] { try read { try $0.conflicts.values.map { try StoredJSON.conflict($0.body) } } }
    /// How many change sets were accepted.
    public var acceptedCount: Int { read { $0.log.values.filter { $0.sequence != nil }.count } }

    // MARK: the transaction

    struct Pending {
        var writes: [LedgerWrites] = []
        var sequences: [OrgCode: Int64] = [:]

        func apply(to base: State) -> State {
            var state = base
            for (district, value) in sequences { state.sequences[district] = value }
            for w in writes {
                for row in w.records { state.records[RecordKey(row.entity, row.id)] = row }
                for row in w.conflicts { state.conflicts[row.id] = row }
                for row in w.log {
                    state.log[row.id] = row
                    if let sequence = row.sequence { state.deviceSequences[row.device, default: [:]][sequence] = row.id }
                }
                for row in w.rejections where state.rejections[row.id] == nil { state.rejections[row.id] = row }
                for row in w.departures { state.departures["\(row.entity.rawValue)/\(row.id.uuidString)/\(row.from.value)"] = row }
            }
            return state
        }
    }

    final class Transaction: LedgerTransaction, @unchecked Sendable {
        let storage: InMemoryLedgerStorage
        var pending = Pending()
        init(storage: InMemoryLedgerStorage) { self.storage = storage }

        func lock(_ keys: [LedgerLock]) async throws {}

        func load(_ request: SnapshotRequest) async throws -> Snapshot {
            let state = pending.apply(to: storage.read { $0 })
            var snapshot = Snapshot()
            for id in request.changeSets {
                if let row = state.log[id] {
                    snapshot.outcomes[id] = StoredOutcome(device: row.device, bodyHash: row.bodyHash, acknowledgement: row.acknowledgement)
                } else if let row = state.rejections[id] {
                    snapshot.outcomes[id] = StoredOutcome(device: row.device, bodyHash: row.bodyHash, acknowledgement: row.acknowledgement)
                }
            }
            for (device, sequences) in request.deviceSequences {
                for sequence in sequences { if let id = state.deviceSequences[device]?[sequence] { snapshot.usedSequences[device, default: [:]][sequence] = id } }
            }
            var found: [RecordKey: StoredRecordRow] = [:]
            for key in request.records { found[key] = state.records[key] }
            for row in state.records.values where !row.voided {
                if let key = row.personKey, request.personKeys.contains(key) { found[RecordKey(row.entity, row.id)] = row }
                if row.entity == .enrolment, let h = row.household, request.enrolmentHouseholds.contains(h) { found[RecordKey(row.entity, row.id)] = row }
                if let town = row.fundTown, request.fundTowns.contains(town) { found[RecordKey(row.entity, row.id)] = row }
                if request.policyVersions, row.entity.isPolicyRecord { snapshot.policyVersions.append(try StoredJSON.record(row.body)) }
            }
            // a moving household's records, voided ones too
            for row in state.records.values where !request.householdRecords.isEmpty {
                if let h = row.household, request.householdRecords.contains(h) { found[RecordKey(row.entity, row.id)] = row }
            }
            snapshot.records = try found.values.map { try StoredJSON.record($0.body) }
            if request.policyMarker {
                let policies = state.records.values.filter { $0.entity.isPolicyRecord }
                snapshot.policyMarker = "\(policies.count)@\(policies.reduce(Int64(0)) { $0 + $1.serverSequence })"
            }
            snapshot.conflicts = try request.conflicts.compactMap { state.conflicts[$0] }.map { try StoredJSON.conflict($0.body) }
            return snapshot
        }

        func takeSequences(_ count: Int, district: OrgCode) async throws -> Int64 {
            let current = pending.sequences[district] ?? storage.read { $0.sequences[district] } ?? 0
            pending.sequences[district] = current + Int64(count)
            return current + 1
        }

        func write(_ writes: LedgerWrites) async throws { pending.writes.append(writes) }
    }
}
