import DoudiModel
import DoudiSynthetic
import Foundation
import Testing
@testable import DoudiSync

/// A replica for the convergence property: holds records as pulled plus its own
/// unsynced edits, makes change sets like the field store, pushes and pulls.
struct Replica {
    var author: Author
    var records: [RecordKey: RecordVersion] = [:]
    var outbox: [ChangeSet] = []
    var cursor: Int64 = 0

    init(_ author: Author) { self.author = author }

    var scope: OrgCode { author.actor.org }

    mutating func create<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode, household: UUID) {
        let cs = author.changeSet("\(entity.rawValue).create") { s in [Author.create(entity, id, record, village: village, household: household, stamp: s)] }
        for c in cs.changes { records[RecordKey(c.entity, c.record)] = RecordVersion(entity: c.entity, record: c.record, village: c.village, household: c.household,
            fields: Dictionary(uniqueKeysWithValues: c.fields.map { ($0.name, FieldVersion(value: $0.value, stamp: $0.stamp)) }), serverSequence: 0) }
        outbox.append(cs)
    }

    /// Edits one field, based on the version this replica holds.
    mutating func edit(_ key: RecordKey, field: String, value: JSONValue) -> ChangeSet? {
        guard var r = records[key], !r.isVoided else { return nil }
        let previous = r.fields[field]
        let cs = author.changeSet("\(r.entity.rawValue).edit") { s in
            [Change(entity: r.entity, record: r.record, operation: .update, village: r.village, household: r.household,
                    fields: [FieldChange(name: field, value: value, stamp: s, previous: previous)], base: r.fields.values.map(\.stamp).max())]
        }
        r.fields[field] = FieldVersion(value: value, stamp: cs.stamp)
        records[key] = r
        outbox.append(cs)
        return cs
    }

    /// Pushes the outbox in requests of one to three change sets (when `lossy`, a request's
    /// response may be lost: its change sets stay in the outbox and are sent again), then
    /// pulls every page after the cursor, a few rows a page.
    mutating func sync(_ server: TestServer, rng: inout SplitMix, lossy: Bool, answers: inout Answers) async throws {
        var kept: [ChangeSet] = []
        var rest = outbox[...]
        while !rest.isEmpty {
            let batch = Array(rest.prefix(1 + Int(rng.next() % 3)))
            rest = rest.dropFirst(batch.count)
            let acks = try await server.push(batch, by: author.actor, device: author.device, now: author.now + 60_000)
            answers.record(acks, device: author.device)
            if lossy, rng.next() % 4 == 0 { kept += batch; continue }
            for ack in acks { #expect(ack.status != .rejected, "\(author.device): \(ack.code ?? "") \(ack.message ?? "")") }
        }
        outbox = kept
        // pull everything in scope after the cursor; local unsynced edits are re-applied over it
        let limit = 1 + Int(rng.next() % 8)
        for page in try await server.pullAll(scope: scope, after: cursor, limit: limit) {
            for r in page.records {
                records[RecordKey(r.entity, r.record)] = r
                if let newest = r.fields.values.map(\.stamp).max() { try? author.clock.receive(newest, now: author.now) }
            }
            cursor = page.cursor
        }
        for cs in outbox {
            for c in cs.changes {
                let key = RecordKey(c.entity, c.record)
                var r = records[key] ?? RecordVersion(entity: c.entity, record: c.record, village: c.village, household: c.household, fields: [:], serverSequence: 0)
                for f in c.fields where (r.fields[f.name]?.stamp).map({ f.stamp > $0 }) ?? true { r.fields[f.name] = FieldVersion(value: f.value, stamp: f.stamp) }
                records[key] = r
            }
        }
    }
}

/// Every answer the server gave, lost or not: the first answer to each change set, and
/// a check that every later answer to it (a retry) is the same.
struct Answers {
    var first: [UUID: Acknowledgement] = [:]
    var retries = 0

    mutating func record(_ acks: [Acknowledgement], device: String) {
        for ack in acks {
            if let earlier = first[ack.changeSet], earlier.status != .rejected {
                retries += 1
                #expect(ack == earlier, "\(device): change set \(ack.changeSet) was answered differently when sent again")
            } else {
                first[ack.changeSet] = ack
            }
        }
    }

    /// The distinct change sets the server accepted.
    var accepted: Int { first.values.filter { $0.status != .rejected }.count }
}

@Suite("Convergence")
struct ConvergenceTests {
    typealias F = MergeFixtures

    @Test("Random edits on several replicas, random sync order and lost responses → all replicas converge; no edit lost; nothing applied twice",
          arguments: Array(1...60))
    func converge(seed: Int) async throws {
        let stats = try await Self.scenario(seed: seed)
        #expect(stats.applied > 0)
    }

    @Test("The scenarios are not vacuous: they produce concurrent-edit conflicts, lost responses and retries")
    func scenariosExerciseConflicts() async throws {
        var all: [(conflicts: Int, applied: Int, retries: Int)] = []
        for seed in 1...60 { all.append(try await Self.scenario(seed: seed)) }
        #expect(all.map(\.conflicts).reduce(0, +) >= 20)
        #expect(all.map(\.applied).reduce(0, +) >= 300)
        #expect(all.map(\.retries).reduce(0, +) >= 30)
    }

    /// Runs one random scenario, checking the properties; returns what happened.
    static func scenario(seed: Int) async throws -> (conflicts: Int, applied: Int, retries: Int) {
        var rng = SplitMix(seed: UInt64(seed))
        let server = try await TestServer.started(publishedAt: 1_593_561_600_000)
        var answers = Answers()
        var replicas = [
            Replica(Author(F.collector, device: "dev-a")),
            Replica(Author(F.collector, device: "dev-b")),
            Replica(Author(F.collector2, device: "dev-c")),
            Replica(Author(F.approver, device: "dev-t")),
        ]
        if seed % 2 == 0 { replicas.append(Replica(Author(F.collector, device: "dev-e"))) }
        for i in replicas.indices { replicas[i].author.now += Int64(rng.next() % 1000) }
        var edits: [(key: RecordKey, field: String, value: JSONValue, stamp: HLCStamp, device: String)] = []
        var nextSeq = 100
        let fieldsToEdit: [(EntityKind, String, [JSONValue])] = [
            (.household, "address", [.string("一组1号"), .string("二组2号"), .string("三组3号")]),
            (.household, "phone", [.string("13800000001"), .string("13800000002")]),
            (.household, "housing", [.string("rented"), .string("dilapidated")]),
            (.member, "employment", [.string("farming"), .string("unemployed"), .string("employed")]),
            (.member, "labourCapacity", [.string("full"), .string("partial"), .string("none")]),
        ]
        for _ in 0..<40 {
            let r = Int(rng.next() % UInt64(replicas.count))
            switch rng.next() % 10 {
            case 0...1 where replicas[r].author.actor.role == .collector:
                let village = replicas[r].author.actor.org
                let h = rng.uuid(), m = rng.uuid()
                nextSeq += 1
                replicas[r].create(.household, h, F.household(h, village: village), village: village, household: h)
                replicas[r].create(.member, m, F.member(m, household: h, seq: nextSeq, name: "成员\(nextSeq)"), village: village, household: h)
            case 2...6:
                let (entity, field, values) = fieldsToEdit[Int(rng.next() % UInt64(fieldsToEdit.count))]
                let keys = replicas[r].records.keys.filter { $0.entity == entity }.sorted { $0.id.uuidString < $1.id.uuidString }
                guard !keys.isEmpty else { continue }
                let key = keys[Int(rng.next() % UInt64(keys.count))]
                let value = values[Int(rng.next() % UInt64(values.count))]
                if let cs = replicas[r].edit(key, field: field, value: value) {
                    edits.append((key, field, value, cs.stamp, cs.device))
                }
            default:
                replicas[r].author.now += 1000
                try await replicas[r].sync(server, rng: &rng, lossy: true, answers: &answers)
            }
        }
        // everyone syncs until quiet, in a random order, no more losses
        for _ in 0..<3 {
            for i in replicas.indices.shuffled(using: &rng) { try await replicas[i].sync(server, rng: &rng, lossy: false, answers: &answers) }
        }
        let stored = try server.records()
        let conflicts = try server.storage.storedConflicts()
        // 1. converged: each replica holds exactly the server's records in its scope (the
        //    district's policy version included: it reaches every unit below the district)
        for replica in replicas {
            let lineage = Set(replica.scope.lineage)
            let expected = stored.filter { replica.scope.contains($0.value.village) || ($0.key.entity == .policyVersion && lineage.contains($0.value.village)) }
            #expect(replica.records == expected, "replica \(replica.author.device) differs from the server")
            #expect(replica.outbox.isEmpty)
        }
        // 2. nothing applied twice: the ledger logged each accepted change set once, each
        //    took one server sequence (after the policy's), and retries got the first answer
        //    (checked in `Answers.record`)
        #expect(server.acceptedCount == answers.accepted)
        #expect(try await server.sequence() == Int64(answers.accepted) + 1)
        // 3. every edit is in the state, in a conflict, or was overwritten by a later edit made on top of it
        for e in edits {
            let field = stored[e.key]?.fields[e.field]
            let inState = field.map { $0.value == e.value } ?? false
            let inConflict = conflicts.contains { $0.record == e.key.id && $0.field == e.field && ($0.other == e.value || $0.kept == e.value) }
            let superseded = field.map { $0.stamp > e.stamp } ?? false
            #expect(inState || inConflict || superseded, "edit of \(e.field) to \(e.value) by \(e.device) was lost")
        }
        return (conflicts.count, server.acceptedCount, answers.retries)
    }
}
