import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 11, SPEC §9.7: a household moved to another village takes its records with it (new
/// server sequences under the new village), and the old village's pull names them as departures.
@Suite("A household moved to another village: its records follow, the old village is told")
struct HouseholdMoveTests {
    /// A pull of protocol 2 (departures are version 2's): the page and its raw JSON.
    static func pull(_ f: ServerFixture, after: Int64, token: String, version: Int = 2) async throws -> (page: PullResponse, json: String) {
        let response = try await f.send(.get, "/v1/pull?after=\(after)&protocolVersion=\(version)", token: token)
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        let data = Data(response.body.readableBytesView)
        return (try PullResponse(wire: data), String(decoding: data, as: UTF8.self))
    }

    static func member(_ household: UUID, _ name: String, _ sequence: Int) throws -> Member {
        Member(id: UUID(), household: household, name: name,
               residentID: try ResidentID.make(area: "511011", birth: try Day(iso: "1975-03-04"), sequence: sequence), relation: sequence == 11 ? .head : .spouse)
    }

    static func create<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode, household: UUID, _ stamp: HLCStamp) throws -> Change {
        let fields = try RecordFields.fields(of: record)
        return Change(entity: entity, record: id, operation: .create, village: village, household: household,
                      fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })
    }

    static func move(_ device: inout Device, _ household: UUID, to village: OrgCode, from old: OrgCode, base: HLCStamp?) -> ChangeSet {
        device.changeSet("household.edit") { stamp in
            [Change(entity: .household, record: household, operation: .update, village: village, household: household,
                    fields: [FieldChange(name: "village", value: .string(village.value), stamp: stamp,
                                         previous: base.map { FieldVersion(value: .string(old.value), stamp: $0) })], base: base)]
        }
    }

    @Test("moved by the town: its members follow under a new sequence; 五星村 is told they left, 团结村 and the town receive them")
    func moveBetweenVillages() async throws {
        try await ServerFixture.run { f in
            let wuxing = try await f.login(Users.wuxing, device: "dev-wx")
            let tuanjie = try await f.login(Users.tuanjie, device: "dev-tj")
            let town = try await f.login(Users.approver, device: "dev-town")
            var collector = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var other = Device("dev-tj", Users.tuanjie, role: .collector, org: Org.tuanjie, clock: f.clock)
            var approver = Device("dev-town", Users.approver, role: .townApprover, org: Org.beimu, clock: f.clock)

            let household = Device.household(village: Org.wuxing)
            let members = [try Self.member(household.id, "张大山", 11), try Self.member(household.id, "李秀英", 22)]
            let registered = try collector.changeSet("household.register") { stamp in
                [try Self.create(.household, household.id, household, village: Org.wuxing, household: household.id, stamp)]
                    + (try members.map { try Self.create(.member, $0.id, $0, village: Org.wuxing, household: household.id, stamp) })
            }
            #expect(try await f.push([registered], token: wuxing)[0].status == .accepted)
            let seen = try await Self.pull(f, after: 0, token: wuxing).page
            #expect(seen.records.count == 4)  // the policy and the three records
            let townSeen = try await Self.pull(f, after: 0, token: town).page
            #expect(try await Self.pull(f, after: 0, token: tuanjie).page.records.allSatisfy { $0.entity == .policyVersion })

            // the town moves the household to 团结村
            let move = Self.move(&approver, household.id, to: Org.tuanjie, from: Org.wuxing, base: registered.stamp)
            let moved = try await f.push([move], token: town)[0]
            #expect(moved.status == .accepted, "\(moved.message ?? "")")

            // 五星村: three departures, no record; version 1 hears nothing of them
            let left = try await Self.pull(f, after: seen.cursor, token: wuxing)
            #expect(left.page.records.isEmpty)
            #expect(Set(left.page.departures) == Set([DepartedRecord(entity: .household, record: household.id)]
                                                       + members.map { DepartedRecord(entity: .member, record: $0.id) }))
            #expect(left.json.contains(#""departures":[{"entity":"#) && left.page.cursor == moved.serverSequence)
            let old = try await Self.pull(f, after: seen.cursor, token: wuxing, version: 1)
            #expect(old.page.departures.isEmpty && !old.json.contains("departures"))

            // 团结村: the household and its members, under 团结村, at the move's sequence
            let arrived = try await Self.pull(f, after: 0, token: tuanjie).page.records.filter { $0.entity != .policyVersion }
            #expect(Set(arrived.map(\.record)) == Set([household.id] + members.map(\.id)))
            #expect(arrived.allSatisfy { $0.village == Org.tuanjie && $0.serverSequence == moved.serverSequence })
            #expect(arrived.first { $0.entity == .household }?.fields["village"]?.value == .string(Org.tuanjie.value))

            // the town holds both villages: the records again, no departure
            let townPage = try await Self.pull(f, after: townSeen.cursor, token: town).page
            #expect(townPage.departures.isEmpty && Set(townPage.records.map(\.record)) == Set([household.id] + members.map(\.id)))

            // 团结村 may now edit a member; 五星村 may not (its laptop learns why)
            let head = members[0]
            let edit = other.changeSet("member.edit") { stamp in
                [Change(entity: .member, record: head.id, operation: .update, village: Org.tuanjie, household: household.id,
                        fields: [FieldChange(name: "name", value: .string("张大三"), stamp: stamp,
                                             previous: FieldVersion(value: .string(head.name), stamp: registered.stamp))], base: registered.stamp)]
            }
            let edited = try await f.push([edit], token: tuanjie)[0]
            #expect(edited.status == .accepted, "\(edited)")
            let stale = collector.changeSet("member.edit") { stamp in
                [Change(entity: .member, record: head.id, operation: .update, village: Org.wuxing, household: household.id,
                        fields: [FieldChange(name: "name", value: .string("张大四"), stamp: stamp,
                                             previous: FieldVersion(value: .string(head.name), stamp: registered.stamp))], base: registered.stamp)]
            }
            let refused = try await f.push([stale], token: wuxing)[0]
            #expect(refused.status == .rejected && refused.code == "scope")

            // moved back: 五星村 receives the records again, 团结村 is told they left
            let tuanjieCursor = try await Self.pull(f, after: 0, token: tuanjie).page.cursor
            let stamped = try #require(arrived.first { $0.entity == .household }?.fields["village"]?.stamp)
            let back = Self.move(&approver, household.id, to: Org.wuxing, from: Org.tuanjie, base: stamped)
            let returned = try await f.push([back], token: town)[0]
            let open = try await f.store.conflicts(scope: Org.beimu, includeResolved: false, limit: 9)
            #expect(returned.status == .accepted, "\(returned) \(open)")
            let again = try await Self.pull(f, after: left.page.cursor, token: wuxing).page
            #expect(Set(again.records.map(\.record)) == Set([household.id] + members.map(\.id)) && again.departures.isEmpty)
            // the member edited under 团结村 moved back with its edit
            #expect(again.records.first { $0.record == head.id }?.fields["name"]?.value == .string("张大三"))
            #expect(try await Self.pull(f, after: tuanjieCursor, token: tuanjie).page.departures.count == 3)
            // from 0, 五星村 gets the records (and its old departures, which a laptop applies before a page's records)
            let fresh = try await Self.pull(f, after: 0, token: wuxing).page
            #expect(Set(fresh.records.filter { $0.entity != .policyVersion }.map(\.record)) == Set([household.id] + members.map(\.id)))
        }
    }

    @Test("a decision on an application (which names no household of its own) moves with the household and leaves 五星村")
    func decisionMoves() async throws {
        try await ServerFixture.run { f in
            let wuxing = try await f.login(Users.wuxing, device: "dev-wx")
            let town = try await f.login(Users.approver, device: "dev-town")
            var collector = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var approver = Device("dev-town", Users.approver, role: .townApprover, org: Org.beimu, clock: f.clock)
            let household = Device.household(village: Org.wuxing)
            let head = try Self.member(household.id, "张大山", 11)
            let application = Application(id: UUID(), household: household.id, programme: .dibao, summary: "因病致贫", date: try Day(iso: "2020-06-20"))
            let registered = try collector.changeSet("household.register") { stamp in
                [try Self.create(.household, household.id, household, village: Org.wuxing, household: household.id, stamp),
                 try Self.create(.member, head.id, head, village: Org.wuxing, household: household.id, stamp),
                 try Self.create(.application, application.id, application, village: Org.wuxing, household: household.id, stamp)]
            }
            #expect(try await f.push([registered], token: wuxing)[0].status == .accepted)
            let decision = Decision(id: UUID(), application: application.id, outcome: .rejected, reason: "收入超过标准", decidedBy: "周镇长",
                                    role: .townApprover, org: Org.beimu, date: try Day(iso: "2020-06-25"))
            let decided = try approver.changeSet("application.decide") { stamp in
                let fields = try RecordFields.fields(of: decision)
                return [Change(entity: .decision, record: decision.id, operation: .create, village: Org.wuxing, household: nil,
                               fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })]
            }
            let answer = try await f.push([decided], token: town)[0]
            #expect(answer.status == .accepted, "\(answer)")
            let seen = try await Self.pull(f, after: 0, token: wuxing).page
            #expect(seen.records.contains { $0.record == decision.id && $0.household == household.id })

            let move = Self.move(&approver, household.id, to: Org.tuanjie, from: Org.wuxing, base: registered.stamp)
            #expect(try await f.push([move], token: town)[0].status == .accepted)
            let left = try await Self.pull(f, after: seen.cursor, token: wuxing).page
            #expect(Set(left.departures) == Set([DepartedRecord(entity: .household, record: household.id), DepartedRecord(entity: .member, record: head.id),
                                                 DepartedRecord(entity: .application, record: application.id), DepartedRecord(entity: .decision, record: decision.id)]))
            let tuanjie = try await f.login(Users.tuanjie, device: "dev-tj")
            let arrived = try await Self.pull(f, after: 0, token: tuanjie).page.records
            #expect(arrived.first { $0.record == decision.id }?.village == Org.tuanjie)
        }
    }

    @Test("a collector cannot move a household out of its village: refused `scope`, nothing written")
    func refusals() async throws {
        try await ServerFixture.run { f in
            let wuxing = try await f.login(Users.wuxing, device: "dev-wx")
            var collector = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let household = Device.household(village: Org.wuxing)
            let registered = try collector.register(household)
            #expect(try await f.push([registered], token: wuxing)[0].status == .accepted)
            let before = try await f.snapshot()
            let move = Self.move(&collector, household.id, to: Org.tuanjie, from: Org.wuxing, base: registered.stamp)
            let refused = try await f.push([move], token: wuxing)[0]
            #expect(refused.status == .rejected && refused.code == "scope")
            #expect(try await f.snapshot().records == before.records)
        }
    }
}
