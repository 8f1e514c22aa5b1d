import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

/// Issue 12: a push is judged change set by change set; limits on stamps, sizes and text;
/// conflicts show only what the reader may see; long pushes commit in slices.
@Suite("Ledger hardening")
struct LedgerHardeningTests {
    typealias F = MergeFixtures

    // MARK: reading a change set

    /// A wire change set with its stamp's members replaced.
    static func wire(stamp: [String: JSONValue]) throws -> JSONValue {
        var a = Author(F.collector, device: "dev-a")
        let h = UUID()
        let cs = a.changeSet("household.register") { s in [Author.create(.household, h, F.household(h), village: F.village, household: h, stamp: s)] }
        guard case .object(var o) = cs.jsonValue, case .object(var s) = o["stamp"] ?? .null else { throw WireError("no stamp") }
        for (k, v) in stamp { s[k] = v }
        o["stamp"] = .object(s)
        return .object(o)
    }

    @Test("A stamp outside its ranges is named with its member", arguments: [
        (["counter": JSONValue.int(1 << 31)], "stamp.counter"),
        (["counter": .int(-1)], "stamp.counter"),
        (["wallMillis": .int(-5)], "stamp.wallMillis"),
        (["wallMillis": .int(Int64.max)], "stamp.wallMillis"),
        (["node": .string("dev a")], "stamp.node"),
        (["node": .string("")], "stamp.node"),
        (["node": .int(3)], "stamp.node"),
    ])
    func stampRanges(_ members: [String: JSONValue], _ path: String) throws {
        let value = try Self.wire(stamp: members)
        #expect(ChangeSet(wire: value) == nil)
        #expect(throws: WireError.self) { try ChangeSet(reading: value) }
        do { _ = try ChangeSet(reading: value) } catch { #expect(error.message.hasPrefix(path), "\(error.message)") }
    }

    @Test("A well-formed change set reads the same either way")
    func readsBack() throws {
        let value = try Self.wire(stamp: [:])
        #expect(try ChangeSet(reading: value) == ChangeSet(wire: value))
        guard case .object(var o) = value else { return }
        o["extra"] = .int(1)
        do { _ = try ChangeSet(reading: .object(o)); Issue.record("an unknown member is refused") } catch {
            #expect(error.message.contains("extra"))
        }
    }

    @Test("A clock at the end of its counter moves to the next millisecond instead of overflowing")
    func counterNeverOverflows() throws {
        var clock = HybridLogicalClock(last: HLCStamp(wallMillis: 1_000, counter: WireLimits.maxCounter, node: "dev-a"))
        let next = clock.tick(now: 500)
        #expect(next == HLCStamp(wallMillis: 1_001, counter: 0, node: "dev-a"))
        var other = HybridLogicalClock(node: "dev-b")
        try other.receive(HLCStamp(wallMillis: 2_000, counter: WireLimits.maxCounter, node: "dev-c"), now: 2_000)
        #expect(other.last > HLCStamp(wallMillis: 2_000, counter: WireLimits.maxCounter, node: "dev-c"))
    }

    // MARK: one bad change set, not the whole push

    @Test("A change set beyond a limit is rejected on its own; those around it are accepted", arguments: [
        "a control character", "a 6,000-character address", "a stamp of another node", "a field name with a space",
    ])
    func oneBadChangeSet(_ fault: String) async throws {
        let server = try await TestServer.started()
        var a = Author(F.collector, device: "dev-a")
        func household(_ address: String) -> ChangeSet {
            let h = UUID()
            var household = F.household(h)
            household.address = address
            return a.changeSet("household.register") { s in [Author.create(.household, h, household, village: F.village, household: h, stamp: s)] }
        }
        let first = household("五星村1组1号")
        var bad: ChangeSet
        switch fault {
        case "a control character": bad = household("五星村\u{0}1组")
        case "a 6,000-character address": bad = household(String(repeating: "村", count: 6_000))
        case "a stamp of another node":
            bad = household("五星村2组")
            bad.changes[0].fields[0].stamp.node = "dev-owner"
        default:
            bad = household("五星村2组")
            bad.changes[0].fields[0].name = "add ress"
        }
        let last = household("五星村3组")
        let acks = try await server.push([first, bad, last], by: F.collector)
        #expect(acks.map(\.status) == [.accepted, .rejected, .accepted])
        #expect(acks[1].code == "validation")
        #expect(server.acceptedCount == 2)
        // final: a retry is answered the same and changes nothing
        #expect(try await server.push(bad, by: F.collector).code == "validation")
        #expect(server.acceptedCount == 2)
    }

    @Test("Text rules: paragraphs keep line breaks, one-line fields do not")
    func textRules() throws {
        try TextRules.check("第一行\n第二行\t完", field: "observations")
        #expect(throws: ModelError.self) { try TextRules.check("一\n二", field: "address") }
        #expect(throws: ModelError.self) { try TextRules.check("a\u{7F}", field: "name") }
        #expect(throws: ModelError.self) { try TextRules.check(String(repeating: "字", count: TextRules.maxLineCharacters + 1), field: "name") }
        try TextRules.check(String(repeating: "字", count: TextRules.maxLineCharacters), field: "name")
        #expect(throws: ModelError.self) { try RecordFields.checkText(.object(["cause": .string("x\u{1B}[31m")]), field: "disability") }
    }

    // MARK: what a reader may see of a conflict

    /// Village 2 registers the ID number village 1 holds.
    static func duplicate() async throws -> (TestServer, UUID, UUID, ChangeSet) {
        let (server, _, h1, _, _) = try await MergeEngineTests.seeded()
        var b = Author(F.collector2, device: "dev-b")
        let h2 = UUID(), m2 = UUID()
        let cs = b.changeSet("household.register") { s in
            [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s),
             Author.create(.member, m2, F.member(m2, household: h2, seq: 11, name: "张大三"), village: F.village2, household: h2, stamp: s)]
        }
        #expect(try await server.push(cs, by: F.collector2).status == .acceptedWithConflicts)
        return (server, h1, m2, cs)
    }

    @Test("A duplicate-person conflict tells the second village there is a duplicate, not where")
    func duplicateRedacted() async throws {
        let (server, h1, m2, _) = try await Self.duplicate()
        let seenByVillage = try #require(try await server.ledger.conflicts(scope: F.village2, includeResolved: false, limit: 10).first)
        #expect(seenByVillage.kind == .duplicatePerson)
        #expect(seenByVillage.kept == .object(["registered": .string("elsewhere")]))
        #expect(!seenByVillage.message.contains(h1.uuidString) && !seenByVillage.message.contains(F.village.value))
        let one = try #require(try await server.ledger.conflict(seenByVillage.id, scope: F.village2))
        #expect(one == seenByVillage)
        // the pull, spliced from the stored body, says no more
        let page = try await server.ledger.pull(scope: F.village2, after: 0, limit: 1000, maxBytes: 4 << 20)
        let text = String(decoding: page.json, as: UTF8.self)
        #expect(!text.contains(h1.uuidString) && !text.contains(F.village.value))
        #expect(try await server.pull(scope: F.village2, after: 0).conflicts == [seenByVillage])
        // the parked registration's reason does not name the other record either
        guard case .string(let reason) = try server.record(.member, m2)?.fields["voidReason"]?.value ?? .null else { Issue.record("parked"); return }
        #expect(!reason.contains("-"), "\(reason)")
        // the town sees it whole
        let seenByTown = try #require(try await server.ledger.conflicts(scope: F.town, includeResolved: false, limit: 10).first)
        guard case .object(let kept) = seenByTown.kept else { Issue.record("the town sees where"); return }
        #expect(kept["village"] == .string(F.village.value) && kept["household"] == .string(h1.uuidString))
    }

    @Test("The village cannot settle a duplicate it cannot see; the town can")
    func duplicateSettledByTown() async throws {
        let (server, _, _, _) = try await Self.duplicate()
        let conflict = try #require(try await server.conflicts().first)
        await #expect(throws: LedgerError.self) {
            try await server.ledger.resolve(conflict.id, by: LedgerCaller(actor: F.collector2, device: "dev-b"), note: "我村的")
        }
        var b = Author(F.collector2, device: "dev-b")
        b.now += 10_000
        b.sequence = 1   // dev-b registered the duplicate as its number 1
        var resolving = b.changeSet("conflict.resolve") { s in [] }
        resolving.resolves = [conflict.id]
        let refused = try await server.push(resolving, by: F.collector2)
        #expect(refused.code == "authority", "\(refused)")
        let settled = try await server.ledger.resolve(conflict.id, by: LedgerCaller(actor: F.approver, device: "dev-t"), note: "核实为同一人")
        #expect(settled.resolution?.by == F.approver)
    }

    // MARK: slices

    @Test("A long push commits in slices, and another device's push runs between them")
    func slices() async throws {
        let inner = try await TestServer.started()
        let storage = SlowStorage(inner.storage)
        var configuration = SyncLedger.Configuration()
        configuration.maxChangeSetsPerSlice = 10
        let clock = inner.clock
        let ledger = SyncLedger(storage: storage, configuration: configuration, clock: { clock.now })
        var a = Author(F.collector, device: "dev-a"), b = Author(F.collector2, device: "dev-b")
        let long = (0..<50).map { _ in
            let h = UUID()
            return a.changeSet("household.register") { s in [Author.create(.household, h, F.household(h), village: F.village, household: h, stamp: s)] }
        }
        let h2 = UUID()
        let short = b.changeSet("household.register") { s in
            [Author.create(.household, h2, F.household(h2, village: F.village2), village: F.village2, household: h2, stamp: s)]
        }
        async let longAcks = ledger.push(long, by: LedgerCaller(actor: F.collector, device: "dev-a"))
        await storage.waitForTransactions(2)
        let shortAck = try await ledger.push([short], by: LedgerCaller(actor: F.collector2, device: "dev-b"))
        let acks = try await longAcks
        #expect(acks.count == 50 && acks.allSatisfy { $0.status == .accepted })
        #expect(shortAck.first?.status == .accepted)
        #expect(storage.transactions == 6)
        // the short push was not held until the end of the long one
        let shortSequence = try #require(shortAck.first?.serverSequence)
        #expect(shortSequence < (acks.last?.serverSequence ?? 0))
    }
}

/// A store that counts transactions and yields inside each, so that other pushes can queue.
final class SlowStorage: LedgerStorage, @unchecked Sendable {
    let inner: InMemoryLedgerStorage
    private let lock = NSLock()
    private var count = 0

    init(_ inner: InMemoryLedgerStorage) { self.inner = inner }

    var transactions: Int { lock.withLock { count } }

    func waitForTransactions(_ n: Int) async {
        while transactions < n { await Task.yield(); try? await Task.sleep(nanoseconds: 1_000_000) }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any LedgerTransaction) async throws -> T) async throws -> T {
        try await inner.transaction { tx in
            lock.withLock { count += 1 }
            try await Task.sleep(nanoseconds: 5_000_000)
            return try await body(tx)
        }
    }

    func feed(scope: OrgCode, after: Int64, through: Int64?, limit: Int) async throws -> FeedBatch {
        try await inner.feed(scope: scope, after: after, through: through, limit: limit)
    }

    func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord] {
        try await inner.conflicts(scope: scope, includeResolved: includeResolved, limit: limit)
    }

    func knownOrgCodes() async throws -> Set<OrgCode> { try await inner.knownOrgCodes() }
}
