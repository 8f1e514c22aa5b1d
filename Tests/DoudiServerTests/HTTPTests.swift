import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP edges: health, errors as JSON bodies, body limits, configuration")
struct HTTPTests {
    @Test("Health needs no token and tells the protocol version and the server sequence")
    func health() async throws {
        try await ServerFixture.run { f in
            let response = try await f.send(.get, "/v1/health")
            #expect(response.status == .ok)
            #expect(try ServerFixture.decode(HealthResponse.self, response)
                    == HealthResponse(status: "ok", protocolVersion: 2, oldestProtocolVersion: 1, serverSequence: 1))
            #expect(String(buffer: response.body) == #"{"oldestProtocolVersion":1,"protocolVersion":2,"serverSequence":1,"status":"ok"}"#)
        }
    }

    @Test("Health, login and an oversized body over a real socket (port 0)")
    func live() async throws {
        try await ServerFixture.run(.live, configure: { $0.http.maxBodyBytes = 64 * 1024 }) { f in
            #expect(try await f.send(.get, "/v1/health").status == .ok)
            let token = try await f.login(Users.officer, device: "dev-qu")
            let tooBig = Data(repeating: UInt8(ascii: " "), count: 64 * 1024 + 1)
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: tooBig), .contentTooLarge, "body-too-large")
        }
    }

    @Test("A malformed body is a 400 ErrorBody, never a bare error")
    func malformed() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: Data("{\"protocolVersion\": 1, \"changeSets\": [".utf8)),
                              .badRequest, "malformed-request")
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: Data("[1, 2]".utf8)), .badRequest, "malformed-request")
            let noChangeSets = try f.expectError(try await f.send(.post, "/v1/push", token: token, body: Data(#"{"protocolVersion": 1}"#.utf8)),
                                                 .badRequest, "malformed-request")
            #expect(noChangeSets.message.contains("changeSets"))
            // a change set without a readable id cannot be acknowledged: the whole push is refused
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: Data(#"{"protocolVersion": 1, "changeSets": [{"id": 7}]}"#.utf8)),
                              .badRequest, "malformed-request")
            try f.expectError(try await f.send(.get, "/v1/nowhere", token: token), .notFound, "not-found")
            try f.expectError(try await f.send(.get, "/v1/conflicts/not-a-uuid", token: token), .notFound, "not-found")
            #expect(try await f.snapshot().serverSequence == 1)
        }
    }

    @Test("A body over http.maxBodyBytes is a 413 ErrorBody; the limit is the configured one, not Hummingbird's 2 MiB")
    func oversized() async throws {
        try await ServerFixture.run(configure: { $0.http.maxBodyBytes = 3 * 1024 * 1024 }) { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            // about 2.5 MiB: more than Hummingbird's default, within the configured limit
            var households: [ChangeSet] = []
            var big = Data()
            while big.count < 2_500_000 {
                for _ in 0..<50 {
                    households.append(try device.register(Device.household(village: Org.wuxing, address: String(repeating: "村", count: TextRules.maxLineCharacters))))
                }
                big = try ServerFixture.encoder.encode(PushRequest(changeSets: households))
            }
            #expect(big.count > 2 * 1024 * 1024 && big.count < 3 * 1024 * 1024)
            let accepted = try await f.send(.post, "/v1/push", token: token, body: big)
            #expect(accepted.status == .ok)
            #expect(try ServerFixture.decode(PushResponse.self, accepted).acknowledgements.allSatisfy { $0.status == .accepted })

            let before = try await f.snapshot()
            let tooBig = Data(repeating: UInt8(ascii: " "), count: 3 * 1024 * 1024 + 1)
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: tooBig), .contentTooLarge, "body-too-large")
            #expect(try await f.snapshot() == before)
        }
    }

    @Test("The shipped configuration loads; a misspelt field is refused with its name")
    func configuration() throws {
        let path = ServerFixture.configDirectory + "/server.json"
        let configuration = try ServerConfiguration.load(path: path)
        #expect(configuration.http.host == "127.0.0.1" && configuration.http.port == 8080)
        #expect(configuration.http.maxBodyBytes == 32 * 1024 * 1024)
        #expect(configuration.resolve(configuration.database.path) == ServerFixture.configDirectory + "/doudi-server.sqlite")
        let seed = try ServerSeed.load(configuration)
        #expect(seed.users.count == 5 && seed.policies.map(\.id) == ["dongxing-2020"])
        #expect(seed.orgUnits.contains { $0.code == Org.wuxing && $0.name == "五星村" })

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let partial = directory.appendingPathComponent("partial.json")
        try Data(#"{"http": {"port": 0}}"#.utf8).write(to: partial)
        let loaded = try ServerConfiguration.load(path: partial.path)
        #expect(loaded.http.port == 0 && loaded.http.host == "127.0.0.1" && loaded.auth.pbkdf2Rounds == 600_000)
        let misspelt = directory.appendingPathComponent("misspelt.json")
        try Data(#"{"http": {"prot": 0}}"#.utf8).write(to: misspelt)
        #expect(throws: DocumentError.self) { try ServerConfiguration.load(path: misspelt.path) }
        do { _ = try ServerConfiguration.load(path: misspelt.path) } catch { #expect(error.field == "http.prot") }
    }

    @Test("Passwords are stored as salted PBKDF2 hashes, never in clear")
    func passwordsHashed() async throws {
        try await ServerFixture.run { f in
            let rows = try await f.column(
                sqlite: "SELECT algorithm || ' ' || rounds || ' ' || length(salt) || ' ' || length(hash) || ' ' || hex(salt) FROM user ORDER BY name",
                postgres: "SELECT algorithm || ' ' || rounds || ' ' || octet_length(salt) || ' ' || octet_length(hash) || ' ' || upper(encode(salt, 'hex')) FROM app_user ORDER BY name")
            #expect(rows.count == 5)
            var salts = Set<String>()
            for row in rows {
                let parts = row.split(separator: " ").map(String.init)
                #expect(parts.count == 5 && parts[0] == "pbkdf2-sha256" && parts[1] == "1000", "\(row)")
                #expect(parts.count == 5 && parts[2] == "16" && parts[3] == "32", "\(row)")
                salts.insert(parts.last ?? "")
            }
            #expect(salts.count == 5)
            let dump = try await f.column(sqlite: "SELECT hex(salt) || hex(hash) || name FROM user",
                                          postgres: "SELECT upper(encode(salt, 'hex')) || upper(encode(hash, 'hex')) || name FROM app_user").joined()
            #expect(!dump.contains("change-me"))
        }
    }
}
