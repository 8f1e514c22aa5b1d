import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// SPEC §4 and §9: protocol 2 pulls compact pages; a server answers version 1 until
/// `sync.oldestProtocolVersion` says otherwise, and then an old laptop is told to update doudi
/// before anything is applied or sent.
@Suite("Protocol versions 1 and 2 on the server")
struct ProtocolVersionTests {
    static func body(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test("A version-2 pull gets the compact page, a pull without protocolVersion version 1's: the same records")
    func bothForms() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let household = Device.household(village: Org.wuxing)
            _ = try await f.push([try device.register(household)], token: token)
            let one = try await f.send(.get, "/v1/pull?after=0", token: token)
            let two = try await f.send(.get, "/v1/pull?after=0&protocolVersion=2", token: token)
            #expect(one.status == .ok && two.status == .ok)
            let oneText = String(buffer: one.body), twoText = String(buffer: two.body)
            #expect(oneText.contains(#""fields":{"#) && !oneText.contains(#""protocolVersion""#))
            #expect(twoText.contains(#""values":{"#) && twoText.contains(#""protocolVersion":2"#) && !twoText.contains(#""fields":{"#))
            let first = try PullResponse(wire: Data(oneText.utf8)), second = try PullResponse(wire: Data(twoText.utf8))
            #expect(first == second && first.records.contains { $0.record == household.id })
            #expect(twoText.utf8.count < oneText.utf8.count)
            // a version this server does not speak yet
            let newer = try f.expectError(try await f.send(.get, "/v1/pull?after=0&protocolVersion=3", token: token), .badRequest, "protocol-version")
            #expect(newer.message.contains("newer"))
        }
    }

    @Test("With sync.oldestProtocolVersion 2, a version-1 laptop's login, push and pull are refused: update doudi; nothing applied")
    func oldClientRefused() async throws {
        try await ServerFixture.run(configure: { $0.sync.oldestProtocolVersion = 2 }) { f in
            let health = try ServerFixture.decode(HealthResponse.self, try await f.send(.get, "/v1/health"))
            #expect(health.protocolVersion == 2 && health.oldestProtocolVersion == 2)
            let oldLogin: [String: Any] = ["protocolVersion": 1, "user": Users.wuxing.0, "password": Users.wuxing.1, "device": "dev-wx"]
            let refused = try f.expectError(try await f.send(.post, "/v1/login", body: try Self.body(oldLogin)), .badRequest, "protocol-version")
            #expect(refused.message.contains("update doudi"))

            // a laptop updated since: its login is of version 2
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let set = try device.register(Device.household(village: Org.wuxing))
            let before = try await f.snapshot()
            var push = try JSONSerialization.jsonObject(with: ServerFixture.encoder.encode(PushRequest(changeSets: [set]))) as! [String: Any]
            push["protocolVersion"] = 1
            let oldPush = try f.expectError(try await f.send(.post, "/v1/push", token: token, body: try Self.body(push)), .badRequest, "protocol-version")
            #expect(oldPush.message.contains("update doudi"))
            #expect(try await f.snapshot() == before)
            // the pull of a version-1 client names no version: refused whole, no page
            let oldPull = try f.expectError(try await f.send(.get, "/v1/pull?after=0", token: token), .badRequest, "protocol-version")
            #expect(oldPull.message.contains("update doudi"))

            // a change set made under version 1 (in the outbox before the update) still goes, in a version-2 push
            var sets = push["changeSets"] as! [[String: Any]]
            sets[0]["protocolVersion"] = 1
            push["changeSets"] = sets
            push["protocolVersion"] = 2
            let acks = try ServerFixture.decode(PushResponse.self, try await f.send(.post, "/v1/push", token: token, body: try Self.body(push))).acknowledgements
            #expect(acks.map(\.status) == [.accepted])
            let page = try await f.send(.get, "/v1/pull?after=0&protocolVersion=2", token: token)
            #expect(try PullResponse(wire: Data(String(buffer: page.body).utf8)).records.contains { $0.changeSet == set.id })
        }
    }

    @Test("sync.oldestProtocolVersion must be a version this server speaks")
    func configuration() {
        var configuration = ServerConfiguration()
        for bad in [0, 3] {
            configuration.sync.oldestProtocolVersion = bad
            #expect { try configuration.validate() } throws: { "\($0)".contains("oldestProtocolVersion") }
        }
        configuration.sync.oldestProtocolVersion = 2
        #expect(throws: Never.self) { try configuration.validate() }
    }
}
