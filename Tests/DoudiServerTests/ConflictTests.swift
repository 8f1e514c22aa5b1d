import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Conflicts: recorded at merge, listed and resolved within scope")
struct ConflictTests {
    /// A household registered in 五星村, then its address edited on two devices from the same base.
    static func concurrentEdit(_ f: ServerFixture) async throws -> (household: Household, ack: Acknowledgement, tokens: (wx: String, bm: String)) {
        let wx = try await f.login(Users.wuxing, device: "dev-wx")
        let bm = try await f.login(Users.approver, device: "dev-bm")
        var village = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
        var town = Device("dev-bm", Users.approver, role: .townApprover, org: Org.beimu, clock: f.clock)
        let household = Device.household(village: Org.wuxing, address: "3组12号")
        let register = try village.register(household)
        #expect(try await f.push([register], token: wx)[0].status == .accepted)
        let base = FieldVersion(value: .string("3组12号"), stamp: register.stamp)
        f.clock.advance(seconds: 10)
        let first = village.editAddress(household, to: "4组1号", from: base)
        f.clock.advance(seconds: 10)
        let second = town.editAddress(household, to: "3组21号", from: base)
        #expect(try await f.push([first], token: wx)[0].status == .accepted)
        let ack = try await f.push([second], token: bm)[0]
        return (household, ack, (wx, bm))
    }

    @Test("The same field edited from the same base: the second is acceptedWithConflicts, listed, resolved, and the resolution syncs")
    func concurrentEditResolved() async throws {
        try await ServerFixture.run { f in
            let (household, ack, tokens) = try await Self.concurrentEdit(f)
            #expect(ack.status == .acceptedWithConflicts && ack.conflicts.count == 1 && ack.serverSequence == 4)
            let id = ack.conflicts[0]

            for token in [tokens.wx, tokens.bm] {
                let list = try ServerFixture.decode(ConflictList.self, try await f.send(.get, "/v1/conflicts", token: token))
                #expect(list.conflicts.map(\.id) == [id])
                let conflict = list.conflicts[0]
                #expect(conflict.kind == .concurrentEdit && conflict.record == household.id && conflict.field == "address")
                #expect(conflict.kept == .string("3组21号") && conflict.other == .string("4组1号") && conflict.resolution == nil)
            }
            // outside the scope it does not exist
            let tj = try await f.login(Users.tuanjie, device: "dev-tj")
            #expect(try ServerFixture.decode(ConflictList.self, try await f.send(.get, "/v1/conflicts", token: tj)).conflicts.isEmpty)
            try f.expectError(try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: tj, json: ResolveRequest(note: "mine")), .notFound, "not-found")
            // an auditor reads but does not resolve
            let sj = try await f.login(Users.auditor, device: "dev-sj")
            try f.expectError(try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: sj, json: ResolveRequest(note: "ok")), .forbidden, "authority")

            let resolved = try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: tokens.wx,
                                            json: ResolveRequest(note: "入户核实：现住3组21号"))
            #expect(resolved.status == .ok, "\(String(buffer: resolved.body))")
            let answer = try ServerFixture.decode(ResolveResponse.self, resolved)
            #expect(answer.conflict.resolution?.note == "入户核实：现住3组21号")
            #expect(answer.conflict.resolution?.by == Actor(user: Users.wuxing.0, role: .collector, org: Org.wuxing))
            #expect(answer.acknowledgement == nil)

            #expect(try ServerFixture.decode(ConflictList.self, try await f.send(.get, "/v1/conflicts", token: tokens.bm)).conflicts.isEmpty)
            let all = try ServerFixture.decode(ConflictList.self, try await f.send(.get, "/v1/conflicts?includeResolved=true", token: tokens.bm))
            #expect(all.conflicts.map(\.id) == [id] && all.conflicts[0].resolution == answer.conflict.resolution)
            let one = try ServerFixture.decode(ConflictRecord.self, try await f.send(.get, "/v1/conflicts/\(id)", token: tokens.bm))
            #expect(one == answer.conflict)
            // the resolution has its own server sequence: a device that pulled the conflict gets the resolution
            let pulled = try await f.pull(after: 4, token: tokens.bm)
            #expect(pulled.conflicts.map(\.id) == [id] && pulled.conflicts[0].resolution != nil && pulled.cursor == 5)
            try f.expectError(try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: tokens.bm, json: ResolveRequest(note: "again")),
                              .conflict, "already-resolved")
        }
    }

    @Test("A conflict resolved by a change set: the edit and the resolution in one, acknowledged")
    func resolvedByChangeSet() async throws {
        try await ServerFixture.run { f in
            let (household, ack, tokens) = try await Self.concurrentEdit(f)
            let id = ack.conflicts[0]
            let current = try await f.pull(after: 0, token: tokens.wx).records.first { $0.record == household.id }!
            var village = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            village.sequence = 2
            f.clock.advance(seconds: 10)
            let fix = village.changeSet("conflict.resolve", { stamp in
                [Change(entity: .household, record: household.id, operation: .update, village: Org.wuxing, household: household.id,
                        fields: [FieldChange(name: "address", value: .string("4组1号"), stamp: stamp, previous: current.fields["address"])],
                        base: current.fields["address"]!.stamp)]
            }, resolves: [id])
            let response = try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: tokens.wx, json: ResolveRequest(note: "以户籍地址为准", changeSet: fix))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let answer = try ServerFixture.decode(ResolveResponse.self, response)
            #expect(answer.acknowledgement?.status == .accepted && answer.acknowledgement?.serverSequence == 5)
            #expect(answer.conflict.resolution == .init(changeSet: fix.id, by: Actor(user: Users.wuxing.0, role: .collector, org: Org.wuxing),
                                                        note: "以户籍地址为准"))
            let record = try await f.pull(after: 4, token: tokens.wx).records.first { $0.record == household.id }!
            #expect(record.fields["address"]?.value == .string("4组1号"))
        }
    }

    @Test("A resolution whose change set is rejected `dependency` (it updates a record not here) is answered 422 with that code, not 500, and resolves nothing")
    func resolutionRejectedDependency() async throws {
        try await ServerFixture.run { f in
            let (_, ack, tokens) = try await Self.concurrentEdit(f)
            let id = ack.conflicts[0]
            var village = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            village.sequence = 2
            f.clock.advance(seconds: 10)
            let missing = UUID()
            let fix = village.changeSet("conflict.resolve", { stamp in
                [Change(entity: .household, record: missing, operation: .update, village: Org.wuxing, household: missing,
                        fields: [FieldChange(name: "address", value: .string("4组1号"), stamp: stamp, previous: nil)], base: stamp)]
            }, resolves: [id])
            _ = try f.expectError(try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: tokens.wx, json: ResolveRequest(note: "以户籍地址为准", changeSet: fix)),
                                  .unprocessableContent, "dependency")
            // the conflict stays open: a resolution that failed resolves nothing
            let again = try await f.send(.post, "/v1/conflicts/\(id)/resolve", token: tokens.wx, json: ResolveRequest(note: "经核实"))
            #expect(again.status == .ok, "\(String(buffer: again.body))")
        }
    }
}
