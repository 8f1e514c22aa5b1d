import DoudiModel
import Foundation
@testable import DoudiSync

/// An in-memory store for the merge engine: what a server would hold.
final class MemoryState: MergeState {
    var records: [String: RecordVersion] = [:]
    var conflicts: [ConflictRecord] = []
    var applied: [UUID: Acknowledgement] = [:]
    var applications: [UUID: Int] = [:]
    var sequence: Int64 = 0
    let engine: MergeEngine
    var ids = 0

    init(policy: PolicyVersion) { engine = MergeEngine(policies: try! PolicyBook([policy])) }

    static func key(_ e: EntityKind, _ id: UUID) -> String { "\(e.rawValue)/\(id.uuidString)" }

    func current(_ entity: EntityKind, _ id: UUID) throws -> RecordVersion? { records[Self.key(entity, id)] }
    func activeMember(residentID: String, excluding: UUID) throws -> RecordVersion? {
        records.values.first { $0.entity == .member && $0.record != excluding && !$0.isVoided && $0.fields["residentID"]?.value == .string(residentID) }
    }
    func activeDibaoEnrolments(household: UUID, member: UUID?, excluding: UUID) throws -> [RecordVersion] {
        records.values.filter {
            $0.entity == .enrolment && $0.record != excluding && !$0.isVoided && $0.household == household
                && $0.fields["programme"]?.value == .string("dibao") && ($0.fields["end"]?.value ?? .null) == .null
                && ($0.fields["member"]?.value ?? .null) == (member.map { .string($0.uuidString) } ?? .null)
        }
    }
    func reserveFundEntries(town: OrgCode) throws -> [ReserveFundEntry] {
        records.values.filter { $0.entity == .reserveFundEntry && !$0.isVoided }
            .compactMap { try? RecordFields.record(ReserveFundEntry.self, from: $0.values) }.filter { $0.town == town }
    }
    /// The balance as DoudiModel derives it, for assertions.
    func reserveFundBalance(town: OrgCode) throws -> Money { ReserveFundLedger(town: town, entries: try reserveFundEntries(town: town)).balance }

    /// Push one change set: idempotent by id, atomic.
    func push(_ cs: ChangeSet, by actor: Actor, now: Int64 = 1_593_561_600_000 + 86_400_000) -> Acknowledgement {
        if let ack = applied[cs.id] { return ack }
        do {
            let outcome = try engine.merge(cs, by: actor, state: self, now: now, makeID: { [self] in
                ids += 1
                return UUID(uuidString: String(format: "00000000-0000-4000-9000-%012d", ids))!
            })
            sequence += 1
            for var w in outcome.writes { w.serverSequence = sequence; records[Self.key(w.entity, w.record)] = w }
            conflicts += outcome.conflicts
            applications[cs.id, default: 0] += 1
            let ack = Acknowledgement(changeSet: cs.id, status: outcome.conflicts.isEmpty ? .accepted : .acceptedWithConflicts,
                                      serverSequence: sequence, conflicts: outcome.conflicts.map(\.id))
            applied[cs.id] = ack
            return ack
        } catch {
            return Acknowledgement(changeSet: cs.id, status: .rejected, code: error.code.rawValue, message: error.message)
        }
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
    static let policy: PolicyVersion = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        return try! PolicyVersion.load(json: Data(contentsOf: url), document: "dongxing-2020.json")
    }()
    static let collector = Actor(user: "李会计", role: .collector, org: village)
    static let collector2 = Actor(user: "王会计", role: .collector, org: village2)
    static let approver = Actor(user: "周镇长", role: .townApprover, org: town)

    static func household(_ id: UUID, village: OrgCode = village) -> Household {
        Household(id: id, village: village, hukou: village, address: "五星村1组1号")
    }
    static func member(_ id: UUID, household: UUID, seq: Int, name: String = "张大山") -> Member {
        Member(id: id, household: household, name: name,
               residentID: try! ResidentID.make(area: "511011", birth: Day(iso: "1970-01-01"), sequence: seq), relation: .head)
    }
}
