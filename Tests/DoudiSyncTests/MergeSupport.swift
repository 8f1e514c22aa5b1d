import DoudiModel
import Foundation
@testable import DoudiSync

/// Deterministic ids: the `n`-th call gives `format` filled with `n` (a lock-protected
/// counter, so that it can be the ledger's `@Sendable` id maker).
final class IDCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private let format: String

    /// - Parameter format: a UUID with one integer placeholder, e.g. `"00000000-0000-4000-9000-%012d"`.
    init(format: String) { self.format = format }

    func next() -> UUID {
        let n = lock.withLock { count += 1; return count }
        return UUID(uuidString: String(format: format, n))!
    }
}

/// A server clock the test sets by hand (milliseconds since 1970).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var millis: Int64
    init(_ millis: Int64) { self.millis = millis }
    var now: Int64 {
        get { lock.withLock { millis } }
        set { lock.withLock { millis = newValue } }
    }
}

/// "The server" in these tests: the real ``SyncLedger`` over ``InMemoryLedgerStorage``,
/// with a hand-set clock and deterministic conflict ids, and a few readers for assertions.
///
/// Nothing here decides anything: pushes, pulls and conflicts are the ledger's.
struct TestServer: Sendable {
    static let district = MergeFixtures.district
    /// One day after ``Author``'s starting time: the server clock unless a push says otherwise.
    static let defaultNow: Int64 = 1_593_561_600_000 + 86_400_000

    let storage: InMemoryLedgerStorage
    let ledger: SyncLedger
    let clock: ManualClock
    /// Conflict ids (the ledger's `makeID` for pushes).
    let conflictIDs: IDCounter
    /// Ids of server actions (publishing the policy): apart from the conflict ids, so that
    /// the first conflict is number 1 whatever the server did before.
    let actionIDs = IDCounter(format: "00000000-0000-4000-8000-%012d")

    init(orgCodes: Set<OrgCode> = MergeFixtures.orgCodes, now: Int64 = defaultNow,
         conflictIDs format: String = "00000000-0000-4000-9000-%012d") {
        storage = InMemoryLedgerStorage(orgCodes: orgCodes)
        clock = ManualClock(now)
        conflictIDs = IDCounter(format: format)
        let clock = clock, ids = conflictIDs
        ledger = SyncLedger(storage: storage, clock: { clock.now }, makeID: { ids.next() })
    }

    /// A server whose sequence 1 is `policy`, published at `publishedAt` (default: `now`).
    static func started(policy: PolicyVersion = MergeFixtures.policy, orgCodes: Set<OrgCode> = MergeFixtures.orgCodes,
                        now: Int64 = defaultNow, publishedAt: Int64? = nil,
                        conflictIDs format: String = "00000000-0000-4000-9000-%012d") async throws -> TestServer {
        let server = TestServer(orgCodes: orgCodes, now: publishedAt ?? now, conflictIDs: format)
        let actions = server.actionIDs, clock = server.clock
        let publisher = SyncLedger(storage: server.storage, clock: { clock.now }, makeID: { actions.next() })
        _ = try await publisher.publish(policy)
        server.clock.now = now
        return server
    }

    // MARK: pushing

    /// Pushes change sets as one request of `actor`'s token bound to `device` (default: the
    /// first change set's device). With `now`, the server clock is set to it first (and stays).
    @discardableResult
    func push(_ changeSets: [ChangeSet], by actor: Actor, device: String? = nil, now: Int64? = nil) async throws -> [Acknowledgement] {
        if let now { clock.now = now }
        return try await ledger.push(changeSets, by: LedgerCaller(actor: actor, device: device ?? changeSets.first?.device ?? "none"))
    }

    /// Pushes one change set and returns its answer.
    @discardableResult
    func push(_ changeSet: ChangeSet, by actor: Actor, device: String? = nil, now: Int64? = nil) async throws -> Acknowledgement {
        let acks = try await push([changeSet], by: actor, device: device, now: now)
        return acks.first ?? Acknowledgement(changeSet: changeSet.id, status: .rejected, code: "test", message: "no answer")
    }

    // MARK: reading the store

    /// A record as stored now.
    func record(_ entity: EntityKind, _ id: UUID) throws -> RecordVersion? {
        try storage.records().first { $0.entity == entity && $0.record == id }
    }

    /// Every record as stored now, by key.
    func records() throws -> [RecordKey: RecordVersion] {
        Dictionary(uniqueKeysWithValues: try storage.records().map { (RecordKey($0.entity, $0.record), $0) })
    }

    /// Every conflict, oldest first (by the sequence that recorded or last resolved it).
    func conflicts() async throws -> [ConflictRecord] {
        try await storage.conflicts(scope: Self.district, includeResolved: true, limit: Int.max)
    }

    /// The district's current server sequence.
    func sequence() async throws -> Int64 {
        try await storage.feed(scope: Self.district, after: 0, through: nil, limit: 0).current
    }

    /// How many change sets the ledger accepted (each once).
    var acceptedCount: Int { storage.acceptedCount }

    /// A town's reserve-fund balance as DoudiModel derives it from the stored entries.
    func reserveFundBalance(town: OrgCode) throws -> Money {
        let entries = try storage.records().filter { $0.entity == .reserveFundEntry && !$0.isVoided }
            .map { try RecordFields.record(ReserveFundEntry.self, from: $0.values) }.filter { $0.town == town }
        return ReserveFundLedger(town: town, entries: entries).balance
    }

    // MARK: pulling

    /// One page of `scope`'s feed.
    func pull(scope: OrgCode, after: Int64, limit: Int = 1000, maxBytes: Int = 4 << 20) async throws -> PullResponse {
        try await ledger.pullResponse(scope: scope, after: after, limit: limit, maxBytes: maxBytes)
    }

    /// Every page from `after` until nothing more is waiting.
    func pullAll(scope: OrgCode, after: Int64, limit: Int = 1000, maxBytes: Int = 4 << 20) async throws -> [PullResponse] {
        var pages: [PullResponse] = []
        var cursor = after
        repeat {
            let page = try await pull(scope: scope, after: cursor, limit: limit, maxBytes: maxBytes)
            pages.append(page)
            cursor = page.cursor
        } while pages.last?.hasMore == true && pages.count < 10_000
        return pages
    }
}

/// Builds change sets the way the field store does.
struct Author {
    var actor: Actor
    var device: String
    var clock: HybridLogicalClock
    var sequence: Int64 = 0
    var now: Int64 = 1_593_561_600_000

    init(_ actor: Actor, device: String) {
        self.actor = actor; self.device = device; clock = HybridLogicalClock(node: device)
    }

    mutating func changeSet(_ action: String, _ build: (HLCStamp) throws -> [Change]) rethrows -> ChangeSet {
        now += 1000
        let stamp = clock.tick(now: now)
        sequence += 1
        return ChangeSet(id: UUID(), device: device, sequence: sequence, author: actor, action: action, stamp: stamp, changes: try build(stamp))
    }

    static func create<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode, household: UUID?, stamp: HLCStamp) -> Change {
        let fields = try! RecordFields.fields(of: record)
        return Change(entity: entity, record: id, operation: .create, village: village, household: household,
                      fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })
    }
}

enum MergeFixtures {
    static let village = try! OrgCode("511011101201")
    static let village2 = try! OrgCode("511011101202")
    static let town = try! OrgCode("511011101")
    static let district = try! OrgCode("511011")
    /// The org units the test server knows.
    static let orgCodes: Set<OrgCode> = [district, town, village, village2]
    static let policy: PolicyVersion = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        return try! PolicyVersion.load(json: Data(contentsOf: url), document: "dongxing-2020.json")
    }()
    static let collector = Actor(user: "李会计", role: .collector, org: village)
    static let collector2 = Actor(user: "王会计", role: .collector, org: village2)
    static let approver = Actor(user: "周镇长", role: .townApprover, org: town)
    static let approver2 = Actor(user: "吴干事", role: .townApprover, org: town)
    static let officer = Actor(user: "区民政局", role: .districtOfficer, org: district)

    static func household(_ id: UUID, village: OrgCode = village) -> Household {
        Household(id: id, village: village, hukou: village, address: "五星村1组1号")
    }
    static func member(_ id: UUID, household: UUID, seq: Int, name: String = "张大山") -> Member {
        Member(id: id, household: household, name: name,
               residentID: try! ResidentID.make(area: "511011", birth: Day(iso: "1970-01-01"), sequence: seq), relation: .head)
    }
    static func month(_ text: String) throws -> YearMonth { try YearMonth(iso: text) }
}
