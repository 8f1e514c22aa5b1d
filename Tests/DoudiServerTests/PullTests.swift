import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Pull: by cursor, paged, resumable, within scope")
struct PullTests {
    @Test("limit 2 over 5 records: hasMore and a cursor, resumed exactly, nothing twice, nothing lost")
    func paging() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var pushed: [UUID] = []
            for _ in 0..<5 {
                let household = Device.household(village: Org.wuxing)
                pushed.append(household.id)
                #expect(try await f.push([try device.register(household)], token: token)[0].status == .accepted)
            }
            // sequence 1 is the policy version published at start
            var pages: [PullResponse] = []
            var cursor: Int64 = 1
            repeat {
                let page = try await f.pull(after: cursor, limit: 2, token: token)
                pages.append(page)
                cursor = page.cursor
            } while pages.last!.hasMore && pages.count < 10
            #expect(pages.map(\.records.count) == [2, 2, 1])
            #expect(pages.map(\.hasMore) == [true, true, false])
            #expect(pages.map(\.cursor) == [3, 5, 6])
            #expect(pages.flatMap(\.records).map(\.record) == pushed)
            #expect(pages.flatMap(\.records).map(\.serverSequence) == [2, 3, 4, 5, 6])
            // an interrupted pull resumes from the last cursor it kept
            let resumed = try await f.pull(after: pages[0].cursor, limit: 2, token: token)
            #expect(resumed == pages[1])
            // up to date: nothing more, the cursor stays
            let done = try await f.pull(after: 6, token: token)
            #expect(done.records.isEmpty && !done.hasMore && done.cursor == 6)
            // a cursor from the future (a restored server) is refused, not silently served
            try f.expectError(try await f.send(.get, "/v1/pull?after=99", token: token), .badRequest, "bad-parameter")
            try f.expectError(try await f.send(.get, "/v1/pull?limit=zero", token: token), .badRequest, "bad-parameter")
        }
    }

    @Test("A page ends on a whole server sequence, and the first is taken whole however big")
    func wholeSequences() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let first = Device.household(village: Org.wuxing), second = Device.household(village: Org.wuxing)
            let h1 = try device.register(first), h2 = try device.register(second)
            // one change set writing three records: one household and two members
            let members = [Member(id: UUID(), household: second.id, name: "张大山",
                                  residentID: try ResidentID.make(area: "511011", birth: try Day(iso: "1975-03-04"), sequence: 11), relation: .head),
                           Member(id: UUID(), household: second.id, name: "李秀英",
                                  residentID: try ResidentID.make(area: "511011", birth: try Day(iso: "1978-05-06"), sequence: 22), relation: .spouse)]
            let family = try device.changeSet("member.add") { stamp in
                try members.map { m in
                    let fields = try RecordFields.fields(of: m)
                    return Change(entity: .member, record: m.id, operation: .create, village: Org.wuxing, household: second.id,
                                  fields: fields.map { FieldChange(name: $0.key, value: $0.value, stamp: stamp, previous: nil) })
                }
            }
            #expect(try await f.push([h1, h2, family], token: token).map(\.status) == [.accepted, .accepted, .accepted])
            let page = try await f.pull(after: 2, limit: 2, token: token)
            #expect(page.records.map(\.record) == [second.id] && page.hasMore && page.cursor == 3)
            let next = try await f.pull(after: 3, limit: 1, token: token)
            #expect(Set(next.records.map(\.record)) == Set(members.map(\.id)) && !next.hasMore && next.cursor == 4)
        }
    }

    @Test("Scope: a village sees its village, a town its villages, the district everything; policy versions everyone")
    func scope() async throws {
        try await ServerFixture.run { f in
            let wx = try await f.login(Users.wuxing, device: "dev-wx")
            let tj = try await f.login(Users.tuanjie, device: "dev-tj")
            let bm = try await f.login(Users.approver, device: "dev-bm")
            let qu = try await f.login(Users.officer, device: "dev-qu")
            let sj = try await f.login(Users.auditor, device: "dev-sj")
            var wxDevice = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var tjDevice = Device("dev-tj", Users.tuanjie, role: .collector, org: Org.tuanjie, clock: f.clock)
            var quDevice = Device("dev-qu", Users.officer, role: .districtOfficer, org: Org.district, clock: f.clock)
            let wx1 = Device.household(village: Org.wuxing), wx2 = Device.household(village: Org.wuxing)
            let tj1 = Device.household(village: Org.tuanjie), xm1 = Device.household(village: Org.xinmin)
            _ = try await f.push([try wxDevice.register(wx1), try wxDevice.register(wx2)], token: wx)
            _ = try await f.push([try tjDevice.register(tj1)], token: tj)
            #expect(try await f.push([try quDevice.register(xm1)], token: qu)[0].status == .accepted)

            func seen(_ token: String) async throws -> Set<UUID> {
                Set(try await f.pull(after: 0, token: token).records.filter { $0.entity == .household }.map(\.record))
            }
            func policies(_ token: String) async throws -> [String] {
                try await f.pull(after: 0, token: token).records.filter { $0.entity == .policyVersion }
                    .map { try RecordFields.record(PolicyVersion.self, from: $0.values).id }
            }
            #expect(try await seen(wx) == [wx1.id, wx2.id])
            #expect(try await seen(tj) == [tj1.id])
            #expect(try await seen(bm) == [wx1.id, wx2.id, tj1.id])
            #expect(try await seen(qu) == [wx1.id, wx2.id, tj1.id, xm1.id])
            #expect(try await seen(sj) == [wx1.id, wx2.id, tj1.id, xm1.id])
            for token in [wx, tj, bm, qu, sj] { #expect(try await policies(token) == ["dongxing-2020"]) }
            // the policy record's id is derived from the policy id
            let policy = try await f.pull(after: 0, token: wx).records.first { $0.entity == .policyVersion }!
            #expect(policy.record == PolicyVersion.recordID(for: "dongxing-2020") && policy.village == Org.district)
            // everyone's cursor reaches the current sequence, whatever they could see
            #expect(try await f.pull(after: 0, token: tj).cursor == 5)
        }
    }
}
