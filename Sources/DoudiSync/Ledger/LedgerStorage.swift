import DoudiModel
import Foundation

/// What a store must provide for ``SyncLedger``, the server half of the protocol.
///
/// A store keeps rows and runs transactions; it decides nothing. Admission, idempotency,
/// the merge, conflicts, sequence numbers and paging are the ledger's. The embedded
/// SQLite store, the PostgreSQL store and ``InMemoryLedgerStorage`` implement it.
public protocol LedgerStorage: Sendable {
    /// Runs `body` as one transaction: what it reads through the ``LedgerTransaction`` is
    /// current for the keys it locked, and what it writes commits together or not at all.
    ///
    /// A store may run `body` again after a transient failure (a serialization failure or a
    /// deadlock on PostgreSQL), so `body` must have no effect outside the transaction.
    func transaction<T: Sendable>(_ body: @Sendable (any LedgerTransaction) async throws -> T) async throws -> T

    /// Feed rows (records and conflicts) of `scope` with a server sequence after `after`
    /// (and at most `through`, when given), oldest first, at most `limit` of them, and the
    /// scope's current sequence read in the same snapshot.
    ///
    /// A record is in the feed of `scope` when its village lies within the scope
    /// (``OrgCode/subtreeBounds``), or when it is a policy version of a unit in the scope's
    /// ``OrgCode/lineage``. A conflict is in it when its village lies within the scope. A
    /// departure is in it when the village it left lies within the scope and the one it went
    /// to does not. Rows of one sequence come in one order every time (records, conflicts,
    /// departures).
    func feed(scope: OrgCode, after: Int64, through: Int64?, limit: Int) async throws -> FeedBatch

    /// Conflicts whose village lies within `scope`, oldest first; resolved ones too when asked.
    func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord]

    /// The codes of every org unit the store knows (a change for another unit is refused).
    func knownOrgCodes() async throws -> Set<OrgCode>
}

/// The primitives of one ledger transaction.
public protocol LedgerTransaction: Sendable {
    /// Holds these keys until the transaction ends, so that two transactions that touch
    /// the same person, fund, household, record or device run one after the other. A store
    /// that runs one writing transaction at a time may do nothing.
    func lock(_ keys: [LedgerLock]) async throws

    /// Loads what a request names (see ``SnapshotRequest``).
    func load(_ request: SnapshotRequest) async throws -> Snapshot

    /// Takes `count` consecutive server sequences of `district`'s feed and returns the first.
    ///
    /// No transaction that takes a later sequence of the district may commit before this
    /// one commits or rolls back: a pull that sees sequence *n* has seen every row below *n*
    /// (the cursor rule in `Protocol/SPEC.md`).
    func takeSequences(_ count: Int, district: OrgCode) async throws -> Int64

    /// Writes rows: records and conflicts inserted or replaced by key, log and rejection
    /// rows inserted (a rejection already remembered is left as it is).
    func write(_ writes: LedgerWrites) async throws
}

/// A key a transaction holds while it reads and writes what the key guards.
public struct LedgerLock: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let key: String
    public init(_ key: String) { self.key = key }

    public static func device(_ id: String) -> LedgerLock { LedgerLock("device:\(id)") }
    public static func record(_ entity: EntityKind, _ id: UUID) -> LedgerLock { LedgerLock("record:\(entity.rawValue)/\(id.uuidString)") }
    public static func person(_ key: String) -> LedgerLock { LedgerLock("person:\(key)") }
    public static func household(_ id: UUID) -> LedgerLock { LedgerLock("household:\(id.uuidString)") }
    public static func fund(_ town: OrgCode) -> LedgerLock { LedgerLock("fund:\(town.value)") }
    public static func conflict(_ id: UUID) -> LedgerLock { LedgerLock("conflict:\(id.uuidString)") }
    public static let policies = LedgerLock("policies")

    /// A 64-bit number for the key (for PostgreSQL's advisory locks): the first eight
    /// bytes of its SHA-256. Two keys on one number only wait for each other.
    public var number: Int64 { LedgerDigest.int64(key) }

    public static func < (a: LedgerLock, b: LedgerLock) -> Bool { a.key < b.key }
    public var description: String { key }
}

/// A record's identity in the store.
public struct RecordKey: Hashable, Sendable {
    public var entity: EntityKind
    public var id: UUID
    public init(_ entity: EntityKind, _ id: UUID) { self.entity = entity; self.id = id }
}

/// What a push (or another ledger action) needs read before it merges.
public struct SnapshotRequest: Hashable, Sendable {
    /// Change-set ids whose earlier outcome (accepted or rejected) is wanted.
    public var changeSets: Set<UUID> = []
    /// Per-device sequence numbers whose use is wanted.
    public var deviceSequences: [String: Set<Int64>] = [:]
    /// Records by key.
    public var records: Set<RecordKey> = []
    /// Active (not voided) members whose ``StoredRecordRow/personKey`` is one of these.
    public var personKeys: Set<String> = []
    /// Every enrolment (not voided) of these households.
    public var enrolmentHouseholds: Set<UUID> = []
    /// Every reserve-fund entry (not voided) of these towns (``StoredRecordRow/fundTown``).
    public var fundTowns: Set<OrgCode> = []
    /// Conflicts by id.
    public var conflicts: Set<UUID> = []
    /// Every record (voided ones too) whose ``StoredRecordRow/household`` is one of these:
    /// what moves with a household (``MergeState/records(household:)``).
    public var householdRecords: Set<UUID> = []
    /// Whether every policy record (not voided) is wanted: the versions and the declared special
    /// periods (``EntityKind/isPolicyRecord``).
    public var policyVersions = false
    /// Whether the policy versions' marker is wanted (``Snapshot/policyMarker``): a cheap way
    /// to tell that the versions are still those read before.
    public var policyMarker = false

    public init() {}

    public var isEmpty: Bool { self == SnapshotRequest() }
}

/// What a store read for a ``SnapshotRequest``.
public struct Snapshot: Sendable {
    /// Earlier outcomes of the change sets asked about.
    public var outcomes: [UUID: StoredOutcome] = [:]
    /// For each device asked about: the change set that took each sequence number asked about.
    public var usedSequences: [String: [Int64: UUID]] = [:]
    /// The records found (by key, the persons' members, the households' enrolments, the towns' fund entries).
    public var records: [RecordVersion] = []
    public var conflicts: [ConflictRecord] = []
    /// The policy records (versions and special periods, not voided) when asked.
    public var policyVersions: [RecordVersion] = []
    /// When asked: `COUNT@SUM` of the policy records (voided ones too) and of their
    /// server sequences. A record written again takes a higher sequence, so any change to the
    /// versions changes the marker.
    public var policyMarker: String?

    public init(outcomes: [UUID: StoredOutcome] = [:], usedSequences: [String: [Int64: UUID]] = [:], records: [RecordVersion] = [],
                conflicts: [ConflictRecord] = [], policyVersions: [RecordVersion] = []) {
        self.outcomes = outcomes; self.usedSequences = usedSequences; self.records = records
        self.conflicts = conflicts; self.policyVersions = policyVersions
    }
}

/// How a change set was answered the first time it arrived.
public struct StoredOutcome: Hashable, Sendable {
    public var device: String
    /// SHA-256 of the change set's canonical JSON: a retry must be the same change set.
    public var bodyHash: String
    public var acknowledgement: Acknowledgement
    public init(device: String, bodyHash: String, acknowledgement: Acknowledgement) {
        self.device = device; self.bodyHash = bodyHash; self.acknowledgement = acknowledgement
    }
}

/// Everything a ledger transaction writes.
public struct LedgerWrites: Sendable {
    public var records: [StoredRecordRow] = []
    public var conflicts: [StoredConflictRow] = []
    /// One row per accepted change set (and per server action), by server sequence.
    public var log: [LogRow] = []
    /// Rejections to remember (retryable ones are not).
    public var rejections: [RejectionRow] = []
    /// Records that left a village with their household, inserted or replaced by
    /// (entity, id, from): the latest departure from each village is kept.
    public var departures: [DepartureRow] = []

    public init() {}
    public var isEmpty: Bool { records.isEmpty && conflicts.isEmpty && log.isEmpty && rejections.isEmpty && departures.isEmpty }
}

/// A record as a store keeps it: the columns it indexes and its wire JSON.
///
/// The ledger derives every column, so both stores index the same facts the same way.
public struct StoredRecordRow: Hashable, Sendable {
    public var entity: EntityKind
    public var id: UUID
    public var village: OrgCode
    public var household: UUID?
    /// For a member: SHA-256 of its resident ID number's ``ResidentID/personKey(_:)``
    /// (the duplicate-person check without the number in an index).
    public var personKey: String?
    /// For a reserve-fund entry: its town.
    public var fundTown: OrgCode?
    public var voided: Bool
    public var serverSequence: Int64
    /// The ``RecordVersion`` as canonical JSON in protocol 2's form (``RecordVersion/compactJSONValue``):
    /// what a version-2 pull sends as it is. Rows stored before version 2 hold version 1's form;
    /// ``StoredJSON/recordBody(_:forProtocol:)`` gives either form from either.
    public var body: String

    /// The row for a record version (its columns derived from its fields).
    public init(_ version: RecordVersion) {
        entity = version.entity; id = version.record; village = version.village; household = version.household
        voided = version.isVoided; serverSequence = version.serverSequence
        body = version.compactJSONValue.canonicalText
        personKey = Self.personKey(of: version)
        fundTown = Self.fundTown(of: version)
    }

    /// A member's index key: SHA-256 of its resident ID number's ``ResidentID/personKey(_:)``.
    public static func personKey(of version: RecordVersion) -> String? {
        guard version.entity == .member, case .string(let number) = version.fields["residentID"]?.value ?? .null else { return nil }
        return LedgerDigest.hex(ResidentID.personKey(number))
    }

    /// A reserve-fund entry's town.
    public static func fundTown(of version: RecordVersion) -> OrgCode? {
        guard version.entity == .reserveFundEntry, case .string(let town) = version.fields["town"]?.value ?? .null else { return nil }
        return try? OrgCode(town)
    }

    /// The district whose feed carries the record.
    public var district: OrgCode { village.district }
}

/// A conflict as a store keeps it.
public struct StoredConflictRow: Hashable, Sendable {
    public var id: UUID
    public var kind: ConflictRecord.Kind
    public var entity: EntityKind
    public var record: UUID
    public var village: OrgCode
    public var resolved: Bool
    public var serverSequence: Int64
    /// The ``ConflictRecord`` as canonical JSON.
    public var body: String

    public init(_ conflict: ConflictRecord, serverSequence: Int64) throws {
        id = conflict.id; kind = conflict.kind; entity = conflict.entity; record = conflict.record; village = conflict.village
        resolved = conflict.resolution != nil; self.serverSequence = serverSequence
        body = try RecordFields.canonicalJSON(conflict)
    }

    public var district: OrgCode { village.district }
}

/// An accepted change set (or a server action) with its answer.
public struct LogRow: Hashable, Sendable {
    public var id: UUID
    public var device: String
    /// The device's sequence number; `nil` for a server action.
    public var sequence: Int64?
    public var action: String
    /// The acting ``Actor`` as canonical JSON.
    public var author: String
    public var district: OrgCode
    public var serverSequence: Int64
    public var bodyHash: String
    public var acknowledgement: Acknowledgement
    /// The change set as canonical JSON.
    public var body: String

    public init(id: UUID, device: String, sequence: Int64?, action: String, author: Actor, district: OrgCode, serverSequence: Int64,
                bodyHash: String, acknowledgement: Acknowledgement, body: String) {
        self.id = id; self.device = device; self.sequence = sequence; self.action = action; self.author = author.jsonValue.canonicalText
        self.district = district; self.serverSequence = serverSequence; self.bodyHash = bodyHash
        self.acknowledgement = acknowledgement; self.body = body
    }
}

/// A record's departure from a village, as a store keeps it (§9.7).
public struct DepartureRow: Hashable, Sendable {
    public var entity: EntityKind
    public var id: UUID
    public var from: OrgCode
    public var to: OrgCode
    public var serverSequence: Int64

    public init(_ departure: Departure, serverSequence: Int64) {
        entity = departure.entity; id = departure.record; from = departure.from; to = departure.to
        self.serverSequence = serverSequence
    }

    /// What the feed carries (``DepartedRecord``) as canonical JSON.
    public var body: String { DepartedRecord(entity: entity, record: id).jsonValue.canonicalText }
    public var district: OrgCode { from.district }
}

/// A remembered rejection.
public struct RejectionRow: Hashable, Sendable {
    public var id: UUID
    public var device: String
    public var sequence: Int64
    public var bodyHash: String
    public var acknowledgement: Acknowledgement
    /// Seconds since 1970.
    public var rejectedAt: Int64
}

/// Rows of a scope's feed, and the scope's current sequence.
public struct FeedBatch: Sendable {
    public var rows: [FeedRow]
    /// The highest sequence of the scope's district when the rows were read.
    public var current: Int64
    public init(rows: [FeedRow], current: Int64) { self.rows = rows; self.current = current }
}

/// One row of the feed: a record's, a conflict's or a departure's stored JSON and the sequence that wrote it.
public struct FeedRow: Hashable, Sendable {
    public enum Kind: Sendable { case record, conflict, departure }
    public var kind: Kind
    public var sequence: Int64
    /// The stored JSON (``StoredRecordRow/body``, ``StoredConflictRow/body`` or ``DepartureRow/body``).
    public var body: String
    public init(kind: Kind, sequence: Int64, body: String) { self.kind = kind; self.sequence = sequence; self.body = body }
}
