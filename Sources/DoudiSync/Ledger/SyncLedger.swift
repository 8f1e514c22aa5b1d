import DoudiModel
import Foundation

/// The server half of the sync protocol, once for every store: admission (scope, role,
/// protocol version, clock), idempotency, the merge, conflict records, server sequences
/// and pull paging.
///
/// A store gives only primitives (``LedgerStorage``): the ledger asks it for a snapshot
/// of everything a push can touch, merges over that snapshot without I/O (the merge cannot
/// fail half-way), then has the store take sequence numbers and write the result in the
/// same transaction.
///
/// ```swift
/// let ledger = SyncLedger(storage: store, clock: { nowMillis() })
/// let answers = try await ledger.push(changeSets, by: LedgerCaller(actor: actor, device: "dev-1"))
/// let page = try await ledger.pull(scope: actor.org, after: cursor, limit: 1000, maxBytes: 4 << 20)
/// ```
public struct SyncLedger: Sendable {
    /// Limits of the ledger.
    public struct Configuration: Hashable, Sendable {
        /// Stamps further ahead of the server clock than this are rejected (`clock`).
        public var maxDriftMillis: Int64 = 5 * 60 * 1000
        /// A push commits in slices of at most this many change sets, each its own
        /// transaction, so that one long push does not hold other devices up (SPEC §8.5).
        public var maxChangeSetsPerSlice = 100
        /// … and of at most this many bytes of change-set JSON (a slice holds at least one).
        public var maxBytesPerSlice = 2 << 20
        public init() {}
    }

    public let storage: any LedgerStorage
    public var configuration: Configuration
    /// Server time, milliseconds since 1970.
    let clock: @Sendable () -> Int64
    /// Ids of conflicts and of server actions.
    let makeID: @Sendable () -> UUID
    let books = PolicyBookCache()
    let orgCodes = OrgCodeCache()

    public init(storage: any LedgerStorage, configuration: Configuration = Configuration(),
                clock: @escaping @Sendable () -> Int64, makeID: @escaping @Sendable () -> UUID = { UUID() }) {
        self.storage = storage; self.configuration = configuration; self.clock = clock; self.makeID = makeID
    }

    // MARK: push

    /// Applies a push's change sets in order and answers each.
    ///
    /// Each change set is all-or-nothing on its own: accepted (with the next server
    /// sequence, and conflicts where the merge recorded them) or rejected with a protocol
    /// code, leaving the store as it was. A change set answered before gets its first
    /// answer again and changes nothing, however often and however concurrently it is sent.
    /// The push commits in slices (``Configuration/maxChangeSetsPerSlice``), each in its own
    /// transaction: other devices' pushes run between them, and a push cut short by a
    /// failure has kept the slices before it (sending it again answers them as before).
    ///
    /// - Parameters:
    ///   - changeSets: the change sets, in the device's order.
    ///   - caller: the token's actor and device (not what the change sets claim).
    ///   - note: the resolution note for the conflicts the change sets resolve.
    /// - Throws: only failures of the store (the push may be sent again as it is).
    public func push(_ changeSets: [ChangeSet], by caller: LedgerCaller, note: String? = nil) async throws -> [Acknowledgement] {
        var answers: [Acknowledgement] = []
        answers.reserveCapacity(changeSets.count)
        for slice in Self.slices(changeSets.map(PushEntry.init), configuration) {
            answers += try await push(slice: slice, by: caller, note: note)
        }
        return answers
    }

    /// The entries cut into slices of at most `maxChangeSetsPerSlice` change sets and
    /// `maxBytesPerSlice` bytes (at least one change set each), in order.
    static func slices(_ entries: [PushEntry], _ configuration: Configuration) -> [ArraySlice<PushEntry>] {
        var slices: [ArraySlice<PushEntry>] = []
        var start = 0, bytes = 0
        for (i, entry) in entries.enumerated() {
            let size = entry.body.utf8.count
            if i > start, i - start >= configuration.maxChangeSetsPerSlice || bytes + size > configuration.maxBytesPerSlice {
                slices.append(entries[start..<i]); start = i; bytes = 0
            }
            bytes += size
        }
        if start < entries.count { slices.append(entries[start...]) }
        return slices
    }

    /// One slice of a push, in one transaction.
    func push(slice entries: ArraySlice<PushEntry>, by caller: LedgerCaller, note: String?) async throws -> [Acknowledgement] {
        let now = clock()
        let codes = try await knownOrgCodes(now: now)
        return try await storage.transaction { tx in
            let request = PushPlanner.request(for: entries, caller: caller)
            try await tx.lock(request.locks)
            var loaded = try await tx.load(request.snapshot)
            let second = PushPlanner.followUp(request, loaded: loaded)
            if !second.snapshot.isEmpty {
                try await tx.lock(second.locks)
                let more = try await tx.load(second.snapshot)
                loaded.records += more.records
            }
            let policies = try await self.policies(loaded.policyMarker, tx)
            var planner = PushPlanner(ledger: self, caller: caller, note: note, now: now, knownOrgCodes: codes, loaded: loaded,
                                      policyVersions: policies.versions, book: policies.book)
            for entry in entries { planner.decide(entry) }
            let first = planner.sequencesNeeded > 0
                ? try await tx.takeSequences(planner.sequencesNeeded, district: caller.actor.org.district) : 0
            let result = try planner.finish(firstSequence: first)
            if !result.writes.isEmpty { try await tx.write(result.writes) }
            return result.acknowledgements
        }
    }

    // MARK: server actions

    /// Records a person's resolution of a conflict (without a change set), with a new
    /// server sequence so that it reaches every device in scope.
    ///
    /// - Throws: ``LedgerError`` `not-found` (unknown or outside the caller's jurisdiction),
    ///   `authority` (the role may not write the record), `already-resolved`.
    public func resolve(_ id: UUID, by caller: LedgerCaller, note: String) async throws -> ConflictRecord {
        let now = clock(), actionID = makeID()
        return try await storage.transaction { tx in
            try await tx.lock([.conflict(id)])
            var request = SnapshotRequest()
            request.conflicts = [id]
            guard var conflict = try await tx.load(request).conflicts.first, caller.actor.hasJurisdiction(over: conflict.village) else {
                throw LedgerError(.notFound, "no conflict \(id) within \(caller.actor.org)")
            }
            guard conflict.entity.writers.contains(caller.actor.role) else {
                throw LedgerError(.authority, "a \(caller.actor.role.rawValue) may not resolve a conflict over \(conflict.entity.rawValue) records")
            }
            guard conflict.canBeSettled(by: caller.actor) else {
                throw LedgerError(.authority, "this ID number is also registered outside \(caller.actor.org): the town (the district, across towns) settles which registration stands")
            }
            if let resolution = conflict.resolution {
                throw LedgerError(.alreadyResolved, "conflict \(id) was resolved already by change set \(resolution.changeSet)")
            }
            let district = conflict.village.district
            let sequence = try await tx.takeSequences(1, district: district)
            conflict.resolution = .init(changeSet: actionID, by: caller.actor, note: note)
            var writes = LedgerWrites()
            writes.conflicts = [try StoredConflictRow(conflict, serverSequence: sequence)]
            writes.log = [LogRow(id: actionID, device: caller.device, sequence: nil, action: "conflict.resolve", author: caller.actor,
                                 district: district, serverSequence: sequence, bodyHash: "",
                                 acknowledgement: Acknowledgement(changeSet: actionID, status: .accepted, serverSequence: sequence),
                                 body: try RecordFields.canonicalJSON(["conflict": id.uuidString, "note": note, "at": String(now)]))]
            try await tx.write(writes)
            return conflict
        }
    }

    /// Stores a policy version from the server's configuration as a record of entity
    /// `policyVersion` (so it syncs like records), unless one with its id exists.
    ///
    /// - Returns: true when stored.
    /// - Throws: ``LedgerError`` `bad-parameter` when it cannot join the stored versions
    ///   (two versions on one day, two with one id).
    public func publish(_ version: PolicyVersion) async throws -> Bool {
        let now = clock(), actionID = makeID()
        return try await storage.transaction { tx in
            try await tx.lock([.policies, .record(.policyVersion, version.recordID)])
            var request = SnapshotRequest()
            request.records = [RecordKey(.policyVersion, version.recordID)]
            request.policyVersions = true
            let loaded = try await tx.load(request)
            if !loaded.records.isEmpty { return false }
            let stored = try loaded.policyVersions.filter { $0.entity == .policyVersion }.map { try RecordFields.record(PolicyVersion.self, from: $0.values) }
            do { _ = try PolicyBook(stored + [version]) } catch {
                throw LedgerError(.badParameter, "policy version \(version.id) cannot join the stored ones: \(error)")
            }
            let district = version.district
            let sequence = try await tx.takeSequences(1, district: district)
            let stamp = HLCStamp(wallMillis: now, counter: 0, node: "server")
            let fields = try RecordFields.fields(of: version).mapValues { FieldVersion(value: $0, stamp: stamp) }
            let record = RecordVersion(entity: .policyVersion, record: version.recordID, village: district, household: nil,
                                       fields: fields, serverSequence: sequence)
            let server = Actor(user: "server", role: .districtOfficer, org: district)
            var writes = LedgerWrites()
            writes.records = [StoredRecordRow(record)]
            writes.log = [LogRow(id: actionID, device: "server", sequence: nil, action: "policy.publish", author: server,
                                 district: district, serverSequence: sequence, bodyHash: "",
                                 acknowledgement: Acknowledgement(changeSet: actionID, status: .accepted, serverSequence: sequence),
                                 body: try RecordFields.canonicalJSON(["policy": version.id]))]
            try await tx.write(writes)
            return true
        }
    }

    // MARK: reading

    /// Every policy version stored (not voided), by effective date.
    public func policyVersions() async throws -> [PolicyVersion] {
        try await storage.transaction { tx in
            var request = SnapshotRequest()
            request.policyVersions = true
            return try await tx.load(request).policyVersions.filter { $0.entity == .policyVersion }
                .map { try RecordFields.record(PolicyVersion.self, from: $0.values) }
                .sorted { $0.effectiveFrom < $1.effectiveFrom }
        }
    }

    /// Conflicts in `scope`, oldest first; resolved ones too when asked.
    public func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord] {
        try await storage.conflicts(scope: scope, includeResolved: includeResolved, limit: limit).map { $0.visible(within: scope) }
    }

    /// One conflict, if it lies in `scope`.
    public func conflict(_ id: UUID, scope: OrgCode) async throws -> ConflictRecord? {
        try await storage.transaction { tx in
            var request = SnapshotRequest()
            request.conflicts = [id]
            return try await tx.load(request).conflicts.first { scope.contains($0.village) }?.visible(within: scope)
        }
    }
}

extension SyncLedger {
    /// The stored policy versions and their book: kept from an earlier push while the marker
    /// read in this transaction is unchanged, read again (in it) when it is not.
    func policies(_ marker: String?, _ tx: any LedgerTransaction) async throws -> (versions: [RecordVersion], book: PolicyBook) {
        if let cached = books.cached(marker: marker) { return cached }
        var request = SnapshotRequest()
        request.policyVersions = true
        let versions = try await tx.load(request).policyVersions
        return (versions, try books.keep(versions, marker: marker))
    }

    /// The org units changes may name, read from the store at most once a minute: they change
    /// only when a server process starts with a new bootstrap file.
    func knownOrgCodes(now: Int64) async throws -> Set<OrgCode> {
        if let codes = orgCodes.value(at: now) { return codes }
        let codes = try await storage.knownOrgCodes()
        orgCodes.keep(codes, at: now)
        return codes
    }
}

/// The org codes last read, and when.
final class OrgCodeCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (codes: Set<OrgCode>, at: Int64)?

    func value(at now: Int64) -> Set<OrgCode>? {
        lock.withLock { cached.flatMap { now - $0.at < 60_000 && now >= $0.at ? $0.codes : nil } }
    }

    func keep(_ codes: Set<OrgCode>, at now: Int64) { lock.withLock { cached = (codes, now) } }
}

/// Who pushes: the actor and device of the caller's token.
public struct LedgerCaller: Hashable, Sendable {
    public var actor: Actor
    /// The device the token is bound to; every change set pushed with it must come from it.
    public var device: String
    public init(actor: Actor, device: String) { self.actor = actor; self.device = device }
}

/// One change set of a push with its canonical JSON and that JSON's hash.
struct PushEntry: Sendable {
    var changeSet: ChangeSet
    var body: String
    var bodyHash: String

    init(_ changeSet: ChangeSet) {
        self.changeSet = changeSet
        body = changeSet.jsonValue.canonicalText
        bodyHash = LedgerDigest.hex(body)
    }
}

/// The stored policy versions and their book, kept while their marker stays the same
/// (``Snapshot/policyMarker``): a push reads the marker, not every version's JSON.
final class PolicyBookCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (marker: String, versions: [RecordVersion], book: PolicyBook)?

    /// The versions and book read under `marker`, if that is still the marker.
    func cached(marker: String?) -> (versions: [RecordVersion], book: PolicyBook)? {
        lock.withLock { cached.flatMap { $0.marker == marker ? ($0.versions, $0.book) : nil } }
    }

    /// Builds the book of `versions` and keeps both under `marker`.
    func keep(_ versions: [RecordVersion], marker: String?) throws -> PolicyBook {
        let book: PolicyBook
        do { book = try PolicyBook(records: versions) } catch {
            throw LedgerError(.storeDamaged, "the stored policy records (versions, special periods) cannot be read or do not form a book: \(error)")
        }
        if let marker { lock.withLock { cached = (marker, versions, book) } }
        return book
    }
}
