import DoudiModel
import DoudiSync
import DoudiTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The protocol over HTTP, as a laptop speaks it: login, push, pull.
struct WireClient: Sendable {
    let server: URL
    let token: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func send(_ url: URL, method: String, token: String?, body: Data?) async throws -> (Int, Data) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 120
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    static func login(_ server: URL, user: String, password: String, device: String) async throws -> WireClient {
        let body = try JSONEncoder().encode(LoginRequest(user: user, password: password, device: device))
        let (status, data) = try await send(server.appendingPathComponent("v1/login"), method: "POST", token: nil, body: body)
        guard status == 200 else { throw Failure(description: "login \(user): \(status) \(String(decoding: data, as: UTF8.self))") }
        return WireClient(server: server, token: try JSONDecoder().decode(LoginResponse.self, from: data).token)
    }

    func push(_ changeSets: [ChangeSet]) async throws -> [Acknowledgement] {
        let body = Data(PushRequest(changeSets: changeSets).canonicalText.utf8)
        let (status, data) = try await Self.send(server.appendingPathComponent("v1/push"), method: "POST", token: token, body: body)
        guard status == 200 else { throw Failure(description: "push: \(status) \(String(decoding: data, as: UTF8.self))") }
        return try JSONDecoder().decode(PushResponse.self, from: data).acknowledgements
    }

    func pull(after: Int64, limit: Int = 1000) async throws -> PullResponse {
        var components = URLComponents(url: server.appendingPathComponent("v1/pull"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "after", value: "\(after)"), URLQueryItem(name: "limit", value: "\(limit)")]
        let (status, data) = try await Self.send(components.url!, method: "GET", token: token, body: nil)
        guard status == 200 else { throw Failure(description: "pull: \(status) \(String(decoding: data, as: UTF8.self))") }
        return try PullResponse(wire: data)
    }
}

/// Builds change sets as a device does.
struct Device: Sendable {
    let id: String
    let actor: Actor
    var sequence: Int64 = 0
    var counter: Int32 = 0

    init(_ id: String, user: String, role: Role, org: OrgCode) {
        self.id = id; actor = Actor(user: user, role: role, org: org)
    }

    mutating func changeSet(_ action: String, _ changes: (HLCStamp) throws -> [Change]) rethrows -> ChangeSet {
        sequence += 1
        counter += 1
        let stamp = HLCStamp(wallMillis: Int64(Date().timeIntervalSince1970 * 1000) - 60_000, counter: counter, node: id)
        return ChangeSet(id: UUID(), device: id, sequence: sequence, author: actor, action: action, stamp: stamp, changes: try changes(stamp))
    }

    /// A change that creates `record` with every field.
    static func create<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode, household: UUID?, stamp: HLCStamp) throws -> Change {
        let fields = try RecordFields.fields(of: record)
        return Change(entity: entity, record: id, operation: .create, village: village, household: household,
                      fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0] ?? .null, stamp: stamp, previous: nil) })
    }

    mutating func register(_ household: Household) throws -> ChangeSet {
        try changeSet("household.register") { stamp in
            [try Self.create(.household, household.id, household, village: household.village, household: household.id, stamp: stamp)]
        }
    }

    static func household(village: OrgCode, _ n: Int) -> Household {
        Household(id: UUID(), village: village, hukou: village, address: "\(n % 9 + 1)组\(n)号", categories: [.registeredPoor])
    }
}

extension StoreKind {
    /// A fresh database for one test: its `--database` argument and how to remove it.
    func makeDatabase(in directory: URL) throws -> (argument: String, postgres: PostgresTestDatabase?) {
        switch self {
        case .sqlite: return (directory.appendingPathComponent("server.sqlite").path, nil)
        case .postgres:
            let db = try PostgresTestDatabase.create()
            return (db.url, db)
        }
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-process-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
