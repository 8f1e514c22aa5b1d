import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A clock the test moves by hand; starts 2020-07-01T00:00:00Z.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var millis: Int64 = 1_593_561_600_000

    var now: Int64 { lock.lock(); defer { lock.unlock() }; return millis }
    func advance(seconds: Int64) { lock.lock(); millis += seconds * 1000; lock.unlock() }
    var serverClock: ServerClock { ServerClock { [self] in self.now } }
}


/// A fresh server per test: the shipped ServerConfig bootstrap files, a fresh in-memory
/// store, a hand-moved clock, cheap password hashing, and the router driven without sockets.
struct ServerFixture: Sendable {
    static let configDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ServerConfig").path

    let kind: StoreKind
    let store: any ServerStore
    /// The test's own PostgreSQL database, on `.postgres`.
    let postgres: PostgresTestDatabase?
    let clock: TestClock
    let client: any TestClientProtocol

    static func configuration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.baseDirectory = configDirectory
        configuration.database.path = ":memory:"
        configuration.http.port = 0
        configuration.auth.pbkdf2Rounds = 1000
        configuration.auth.tokenLifetimeSeconds = 3600
        return configuration
    }

    /// Runs `body` against a new server on every store this machine can run (SQLite always,
    /// PostgreSQL where `DOUDI_TEST_POSTGRES_URL` names a cluster, and always in CI): one
    /// conformance suite for both stores.
    static func run(_ setup: TestingSetup = .router, configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ body: @Sendable (ServerFixture) async throws -> Void) async throws {
        for kind in StoreKind.available {
            do {
                try await run(on: kind, setup, configure: configure, body)
            } catch {
                throw TestSupportFailure(description: "on the \(kind) store: \(error)")
            }
        }
    }

    /// Runs `body` against a new server on one store kind.
    static func run(on kind: StoreKind, _ setup: TestingSetup = .router, configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ body: @Sendable (ServerFixture) async throws -> Void) async throws {
        var configuration = Self.configuration()
        configure(&configuration)
        let clock = TestClock()
        let logger = Logger(label: "doudi-server-test") { _ in SwiftLogNoOpLogHandler() }
        let store: any ServerStore
        var database: PostgresTestDatabase?
        var pool: PostgresServerStore?
        switch kind {
        case .sqlite:
            store = SQLiteServerStore(database: try .inMemory())
        case .postgres:
            let db = try PostgresTestDatabase.create()
            database = db
            do {
                let connected = try await PostgresServerStore.connect(url: db.url, logger: logger, maximumConnections: 4)
                pool = connected
                store = connected
            } catch {
                db.drop()
                throw error
            }
        }
        let made = database
        defer { made?.drop() }
        do {
            let app = try await buildApplication(configuration: configuration, store: store, clock: clock.serverClock, logger: logger)
            try await app.test(setup) { client in
                try await body(ServerFixture(kind: kind, store: store, postgres: made, clock: clock, client: client))
            }
        } catch {
            await pool?.shutdown()
            throw error
        }
        await pool?.shutdown()
    }

    /// The first column of a query's rows as text: `sqlite` on the SQLite store, `postgres`
    /// on PostgreSQL (for the few tests that check what the store keeps, not what it answers).
    func column(sqlite: String, postgres: String) async throws -> [String] {
        if let store = store as? SQLiteServerStore {
            return try await store.database.writer.read { db in try String.fetchAll(db, sql: sqlite) }
        }
        guard let database = self.postgres else { throw TestSupportFailure(description: "no database to query") }
        let text = try database.query(postgres)
        return text.isEmpty ? [] : text.split(separator: "\n").map(String.init)
    }

    // MARK: HTTP

    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: Data? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        headers.append(contentsOf: extra)
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    func send<T: Encodable>(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: T) async throws -> TestResponse {
        try await send(method, uri, token: token, body: try Self.encoder.encode(json))
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView)) } catch {
            Issue.record("cannot decode \(T.self) from \(response.status): \(String(buffer: response.body))", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// Expects an ErrorBody with this status and code.
    @discardableResult
    func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ErrorBody {
        #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        let body = try Self.decode(ErrorBody.self, response, sourceLocation: sourceLocation)
        #expect(body.code == code, "\(body.message)", sourceLocation: sourceLocation)
        #expect(!body.message.isEmpty, sourceLocation: sourceLocation)
        return body
    }

    func login(_ user: (String, String), device: String) async throws -> String {
        let response = try await send(.post, "/v1/login", json: LoginRequest(user: user.0, password: user.1, device: device))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try Self.decode(LoginResponse.self, response).token
    }

    func push(_ changeSets: [ChangeSet], token: String) async throws -> [Acknowledgement] {
        let response = try await send(.post, "/v1/push", token: token, json: PushRequest(changeSets: changeSets))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        let acks = try Self.decode(PushResponse.self, response).acknowledgements
        #expect(acks.map(\.changeSet) == changeSets.map(\.id))
        return acks
    }

    func pull(after: Int64, limit: Int? = nil, token: String) async throws -> PullResponse {
        let response = try await send(.get, "/v1/pull?after=\(after)" + (limit.map { "&limit=\($0)" } ?? ""), token: token)
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try Self.decode(PullResponse.self, response)
    }

    // MARK: the store

    /// Everything a change set could write, to prove a refusal wrote nothing.
    struct Snapshot: Equatable {
        var serverSequence: Int64
        var records: [String]
        var conflicts: [String]
        var log: Int
    }

    /// Everything the store holds of the ledger, to show that a rejection changed nothing.
    func snapshot() async throws -> Snapshot {
        Snapshot(serverSequence: try await store.highestSequence(),
                 records: try await column(sqlite: "SELECT body FROM record ORDER BY entity, id",
                                           postgres: "SELECT body FROM record ORDER BY entity, id"),
                 conflicts: try await column(sqlite: "SELECT body FROM conflict ORDER BY id", postgres: "SELECT body FROM conflict ORDER BY id"),
                 log: Int(try await column(sqlite: "SELECT COUNT(*) FROM changeSetLog", postgres: "SELECT count(*) FROM change_set_log").first ?? "") ?? -1)
    }
}

/// Change sets as a field device would make them.
struct Device {
    let id: String
    let actor: Actor
    let clock: TestClock
    var sequence: Int64 = 0
    var counter: Int32 = 0

    init(_ id: String, _ user: (String, String), role: Role, org: OrgCode, clock: TestClock) {
        self.id = id; self.actor = Actor(user: user.0, role: role, org: org); self.clock = clock
    }

    mutating func stamp() -> HLCStamp {
        counter += 1
        return HLCStamp(wallMillis: clock.now - 60_000, counter: counter, node: id)
    }

    mutating func changeSet(_ action: String, _ changes: (HLCStamp) throws -> [Change], resolves: [UUID] = []) rethrows -> ChangeSet {
        sequence += 1
        let stamp = stamp()
        return ChangeSet(id: UUID(), device: id, sequence: sequence, author: actor, action: action, stamp: stamp,
                         changes: try changes(stamp), resolves: resolves)
    }

    static func household(_ id: UUID = UUID(), village: OrgCode, address: String = "3组12号") -> Household {
        Household(id: id, village: village, hukou: village, address: address, categories: [.registeredPoor])
    }

    /// `household.register`: every field of a new household.
    mutating func register(_ household: Household) throws -> ChangeSet {
        try changeSet("household.register") { stamp in
            let fields = try RecordFields.fields(of: household)
            return [Change(entity: .household, record: household.id, operation: .create, village: household.village, household: household.id,
                           fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })]
        }
    }

    /// `household.edit` of the address, from the version the device last saw.
    mutating func editAddress(_ household: Household, to address: String, from previous: FieldVersion) -> ChangeSet {
        changeSet("household.edit") { stamp in
            [Change(entity: .household, record: household.id, operation: .update, village: household.village, household: household.id,
                    fields: [FieldChange(name: "address", value: .string(address), stamp: stamp, previous: previous)], base: previous.stamp)]
        }
    }
}
