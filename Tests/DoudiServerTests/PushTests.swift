import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Push: each change set applied atomically and acknowledged on its own")
struct PushTests {
    @Test("Accepted with a server sequence; the same change set again gets the identical answer and changes nothing")
    func idempotent() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let register = try device.register(Device.household(village: Org.wuxing))
            let first = try await f.push([register], token: token)
            #expect(first == [Acknowledgement(changeSet: register.id, status: .accepted, serverSequence: 2)])
            let before = try await f.snapshot()
            #expect(before.serverSequence == 2 && before.records.count == 2) // the policy version and the household

            let again = try await f.send(.post, "/v1/push", token: token, json: PushRequest(changeSets: [register]))
            let firstBytes = try ServerFixture.encoder.encode(PushResponse(acknowledgements: first))
            #expect(try ServerFixture.decode(PushResponse.self, again).acknowledgements == first)
            #expect(Data(again.body.readableBytesView) == firstBytes) // byte for byte (keys sorted)
            #expect(try await f.snapshot() == before)
        }
    }

    @Test("A village token pushing another village's household: rejected scope, store unchanged, same answer on retry")
    func otherVillage() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let before = try await f.snapshot()
            let foreign = try device.register(Device.household(village: Org.tuanjie))
            let acks = try await f.push([foreign], token: token)
            #expect(acks[0].status == .rejected && acks[0].code == "scope" && acks[0].serverSequence == nil)
            #expect(acks[0].message?.contains("511011101202") == true)
            #expect(try await f.snapshot() == before)
            #expect(try await f.push([foreign], token: token) == acks)
            #expect(try await f.snapshot() == before)
        }
    }

    @Test("A collector pushing a decision: rejected authority")
    func collectorDecision() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let decision = Decision(id: UUID(), application: UUID(), outcome: .approved, amount: Money(yuan: 360), reason: "符合条件",
                                    decidedBy: "wuxing.collector", role: .collector, org: Org.wuxing, date: try Day(iso: "2020-06-30"))
            let cs = try device.changeSet("application.decide") { stamp in
                let fields = try RecordFields.fields(of: decision)
                return [Change(entity: .decision, record: decision.id, operation: .create, village: Org.wuxing, household: nil,
                               fields: fields.map { FieldChange(name: $0.key, value: $0.value, stamp: stamp, previous: nil) })]
            }
            let before = try await f.snapshot()
            let acks = try await f.push([cs], token: token)
            #expect(acks[0].status == .rejected && acks[0].code == "authority")
            #expect(try await f.snapshot() == before)
        }
    }

    @Test("One batch, each answered on its own: accepted, rejected, accepted — never a blanket success")
    func mixedBatch() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let a = try device.register(Device.household(village: Org.wuxing))
            var bad = Device.household(village: Org.wuxing)
            bad.address = "  "
            let b = try device.register(bad)
            let c = try device.register(Device.household(village: Org.wuxing))
            let acks = try await f.push([a, b, c], token: token)
            #expect(acks.map(\.status) == [.accepted, .rejected, .accepted])
            #expect(acks[1].code == "validation" && acks[1].message?.contains("address") == true)
            #expect(acks[0].serverSequence == 2 && acks[2].serverSequence == 3)
        }
    }

    @Test("The token's device and user: another device's change set, another author, a reused sequence number")
    func deviceAndSequence() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var elsewhere = Device("dev-other", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            var impostor = Device("dev-wx", Users.tuanjie, role: .collector, org: Org.wuxing, clock: f.clock)
            impostor.sequence = 10
            let one = try device.register(Device.household(village: Org.wuxing))
            #expect(try await f.push([one], token: token)[0].status == .accepted)
            #expect(try await f.push([try elsewhere.register(Device.household(village: Org.wuxing))], token: token)[0].code == "scope")
            #expect(try await f.push([try impostor.register(Device.household(village: Org.wuxing))], token: token)[0].code == "scope")
            var reinstalled = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock) // numbers from 1 again
            let reused = try await f.push([try reinstalled.register(Device.household(village: Org.wuxing))], token: token)
            #expect(reused[0].status == .rejected && reused[0].code == "sequence")
        }
    }

    @Test("An auditor is read-only: its push is rejected authority")
    func auditorPush() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.auditor, device: "dev-sj")
            var device = Device("dev-sj", Users.auditor, role: .auditor, org: Org.district, clock: f.clock)
            let acks = try await f.push([try device.register(Device.household(village: Org.wuxing))], token: token)
            #expect(acks[0].status == .rejected && acks[0].code == "authority")
        }
    }

    @Test("Protocol versions: a push body of another version is a 400; one change set of another version is rejected on its own")
    func protocolVersion() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let good = try device.register(Device.household(village: Org.wuxing))
            let future = try device.register(Device.household(village: Org.wuxing))

            var whole = try JSONSerialization.jsonObject(with: ServerFixture.encoder.encode(PushRequest(changeSets: [good]))) as! [String: Any]
            whole["protocolVersion"] = 3
            let refused = try await f.send(.post, "/v1/push", token: token, body: try JSONSerialization.data(withJSONObject: whole))
            let error = try f.expectError(refused, .badRequest, "protocol-version")
            #expect(error.message.contains("newer"))
            #expect(try await f.snapshot().serverSequence == 1)

            var body = try JSONSerialization.jsonObject(with: ServerFixture.encoder.encode(PushRequest(changeSets: [good, future]))) as! [String: Any]
            var sets = body["changeSets"] as! [[String: Any]]
            sets[1]["protocolVersion"] = 3
            body["changeSets"] = sets
            let mixed = try await f.send(.post, "/v1/push", token: token, body: try JSONSerialization.data(withJSONObject: body))
            let acks = try ServerFixture.decode(PushResponse.self, mixed).acknowledgements
            #expect(acks.map(\.status) == [.accepted, .rejected])
            #expect(acks[1].changeSet == future.id && acks[1].code == "protocol-version" && acks[1].message?.contains("newer") == true)
        }
    }
}
