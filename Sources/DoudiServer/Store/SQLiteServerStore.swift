import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The embedded store: one SQLite file (GRDB), the default for a district.
///
/// ```swift
/// let store = try SQLiteServerStore(database: .open(path: "doudi-server.sqlite"), clock: .system)
/// let ack = try await store.apply(changeSet, by: identity, note: nil)
/// ```
public struct SQLiteServerStore: ServerStore {
    public let database: ServerDatabase
    let clock: ServerClock
    /// Stamps further ahead of the server clock than this are rejected (`clock`).
    let maxDriftMillis: Int64
    let policyCache = Cache<(marker: Int64, book: PolicyBook)>()
    let orgCache = Cache<Set<OrgCode>>()

    public init(database: ServerDatabase, clock: ServerClock = .system, maxDriftMillis: Int64 = 5 * 60 * 1000) {
        self.database = database; self.clock = clock; self.maxDriftMillis = maxDriftMillis
    }

    // MARK: org units and users

    public func saveOrgUnits(_ units: [OrgUnit]) async throws {
        try await database.writer.write { db in
            for unit in units {
                try db.execute(sql: """
                    INSERT INTO orgUnit(code, name, kind, population) VALUES (?, ?, ?, ?)
                    ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind, population = excluded.population
                    """, arguments: [unit.code.value, unit.name, unit.kind, unit.population])
            }
        }
        orgCache.clear()
    }

    public func orgUnits() async throws -> [OrgUnit] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, kind, population FROM orgUnit ORDER BY code").map { row in
                OrgUnit(code: try OrgCode(row["code"]), name: row["name"], kind: row["kind"], population: row["population"])
            }
        }
    }

    /// The codes of every org unit, cached (org units change only at start).
    func knownOrgCodes() async throws -> Set<OrgCode> {
        if let codes = orgCache.value { return codes }
        let codes = Set(try await orgUnits().map(\.code))
        orgCache.value = codes
        return codes
    }

    public func user(named name: String) async throws -> UserAccount? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE name = ?", arguments: [name]).map { row in
                UserAccount(name: row["name"], role: try Self.role(row["role"]), org: try OrgCode(row["org"]),
                            password: PasswordHash(algorithm: row["algorithm"], salt: row["salt"], hash: row["hash"], rounds: row["rounds"]))
            }
        }
    }

    public func insertUserIfMissing(_ user: UserAccount) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO user(name, role, org, algorithm, salt, hash, rounds) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO NOTHING
                """, arguments: [user.name, user.role.rawValue, user.org.value, user.password.algorithm, user.password.salt,
                                 user.password.hash, user.password.rounds])
            return db.changesCount > 0
        }
    }

    public func setPassword(of name: String, to password: PasswordHash) async throws {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE user SET algorithm = ?, salt = ?, hash = ?, rounds = ? WHERE name = ?",
                           arguments: [password.algorithm, password.salt, password.hash, password.rounds, name])
        }
    }

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else { throw ServerError(.internal, "unknown role \(text) in the store") }
        return role
    }

    // MARK: tokens

    public func insertToken(_ token: TokenRecord) async throws {
        try await database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO token(hash, user, device, role, org, issuedAt, expiresAt, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [token.hash, token.user, token.device, token.role.rawValue, token.org.value, token.issuedAt,
                                 token.expiresAt, token.revoked])
        }
    }

    public func token(hash: String) async throws -> TokenRecord? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM token WHERE hash = ?", arguments: [hash]).map { row in
                TokenRecord(hash: row["hash"], user: row["user"], device: row["device"], role: try Self.role(row["role"]),
                            org: try OrgCode(row["org"]), issuedAt: row["issuedAt"], expiresAt: row["expiresAt"], revoked: row["revoked"])
            }
        }
    }

    public func revokeTokens(_ selection: TokenSelection) async throws -> Int {
        var conditions = ["revoked = 0"]
        var arguments: StatementArguments = []
        if let hash = selection.hash { conditions.append("hash = ?"); arguments += [hash] }
        if let user = selection.user { conditions.append("user = ?"); arguments += [user] }
        if let device = selection.device { conditions.append("device = ?"); arguments += [device] }
        if let within = selection.within { conditions.append(StoredRecords.within("org")); arguments += StoredRecords.withinArguments(within) }
        if let except = selection.except { conditions.append("hash != ?"); arguments += [except] }
        guard conditions.count > 1 else { return 0 }
        let sql = "UPDATE token SET revoked = 1 WHERE " + conditions.joined(separator: " AND ")
        let selected = arguments
        return try await database.writer.write { db in
            try db.execute(sql: sql, arguments: selected)
            return db.changesCount
        }
    }

    // MARK: policy versions

    public func policyVersions() async throws -> [PolicyVersion] {
        try await database.writer.read { db in try Self.policyVersions(db) }
    }

    static func policyVersions(_ db: Database) throws -> [PolicyVersion] {
        try String.fetchAll(db, sql: "SELECT body FROM record WHERE entity = 'policyVersion' AND voided = 0")
            .map { try RecordFields.record(PolicyVersion.self, from: StoredRecords.decodeRecord($0).values) }
            .sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The policy book the merge engine replays workflows against: every stored version,
    /// cached until a policy version is written.
    func policyBook(_ db: Database) throws -> PolicyBook {
        let marker = try Int64.fetchOne(db, sql: "SELECT MAX(serverSequence) FROM record WHERE entity = 'policyVersion'") ?? 0
        if let cached = policyCache.value, cached.marker == marker { return cached.book }
        let versions = try Self.policyVersions(db)
        let book: PolicyBook
        do { book = try PolicyBook(versions) } catch {
            throw ServerError(.internal, "the stored policy versions do not form a book: \(error.message)")
        }
        policyCache.value = (marker, book)
        return book
    }

    public func publishPolicyVersion(_ version: PolicyVersion) async throws -> Bool {
        let now = clock.nowMillis()
        return try await database.writer.write { db in
            if try StoredRecords.fetch(db, .policyVersion, version.recordID) != nil { return false }
            let versions = try Self.policyVersions(db) + [version]
            do { _ = try PolicyBook(versions) } catch {
                throw ServerError(.badParameter, "policy version \(version.id) cannot join the stored ones: \(error)")
            }
            let stamp = HLCStamp(wallMillis: now, counter: 0, node: "server")
            let sequence = try StoredRecords.nextServerSequence(db)
            let fields = try RecordFields.fields(of: version).mapValues { FieldVersion(value: $0, stamp: stamp) }
            try StoredRecords.save(db, RecordVersion(entity: .policyVersion, record: version.recordID, village: version.district,
                                                     household: nil, fields: fields, serverSequence: sequence))
            let id = UUID()
            let ack = Acknowledgement(changeSet: id, status: .accepted, serverSequence: sequence)
            try Self.log(db, id: id, device: "server", sequence: nil, action: "policy.publish",
                         author: Actor(user: "server", role: .districtOfficer, org: version.district),
                         serverSequence: sequence, bodyHash: "", acknowledgement: ack, body: RecordFields.canonicalJSON(["policy": version.id]))
            return true
        }
    }

    // MARK: sync

    public func serverSequence() async throws -> Int64 {
        try await database.writer.read { db in try StoredRecords.serverSequence(db) }
    }

    public func apply(_ changeSet: ChangeSet, by identity: Identity, note: String?) async throws -> Acknowledgement {
        let body = changeSet.jsonValue.canonicalText
        let admission = Admission(changeSet: changeSet, identity: identity, note: note, body: body,
                                  bodyHash: BearerToken.hash(body), now: clock.nowMillis(), knownOrgCodes: try await knownOrgCodes())
        return try await database.writer.write { db in try self.apply(db, admission) }
    }

    /// A push in one transaction, each change set in its own savepoint: one durable commit
    /// (one fsync) per push instead of one per change set, every change set still atomic,
    /// and the answers sent only after the commit.
    public func applyAll(_ changeSets: [ChangeSet], by identity: Identity) async throws -> [Acknowledgement] {
        let codes = try await knownOrgCodes()
        let now = clock.nowMillis()
        let admissions = changeSets.map { changeSet in
            let body = changeSet.jsonValue.canonicalText
            return Admission(changeSet: changeSet, identity: identity, note: nil, body: body, bodyHash: BearerToken.hash(body),
                             now: now, knownOrgCodes: codes)
        }
        return try await database.writer.write { db in
            var acknowledgements: [Acknowledgement] = []
            for admission in admissions {
                var ack: Acknowledgement?
                try db.inSavepoint {
                    ack = try self.apply(db, admission)
                    return .commit
                }
                acknowledgements.append(ack!)
            }
            return acknowledgements
        }
    }

    public func pull(scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) async throws -> PullResponse {
        try await database.writer.read { db in try Self.pull(db, scope: scope, after: after, limit: limit, maxBytes: maxBytes) }
    }

    public func pullJSON(scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) async throws -> PullPageJSON {
        try await database.writer.read { db in try Self.pullJSON(db, scope: scope, after: after, limit: limit, maxBytes: maxBytes) }
    }

    // MARK: conflicts

    public func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord] {
        try await database.writer.read { db in
            let sql = "SELECT body FROM conflict WHERE \(StoredRecords.within("village"))"
                + (includeResolved ? "" : " AND resolved = 0") + " ORDER BY serverSequence, id LIMIT ?"
            return try String.fetchAll(db, sql: sql, arguments: StoredRecords.withinArguments(scope) + [limit])
                .map(StoredRecords.decodeConflict)
        }
    }

    public func conflict(_ id: UUID, scope: OrgCode) async throws -> ConflictRecord? {
        try await database.writer.read { db in
            try StoredRecords.fetchConflict(db, id).flatMap { scope.contains($0.village) ? $0 : nil }
        }
    }

    public func resolve(_ id: UUID, by identity: Identity, note: String) async throws -> ConflictRecord {
        try await database.writer.write { db in
            guard var conflict = try StoredRecords.fetchConflict(db, id), identity.actor.hasJurisdiction(over: conflict.village) else {
                throw ServerError(.notFound, "no conflict \(id) within \(identity.actor.org)")
            }
            guard conflict.entity.writers.contains(identity.actor.role) else {
                throw ServerError(.authority, "a \(identity.actor.role.rawValue) may not resolve a conflict over \(conflict.entity.rawValue) records")
            }
            if let resolution = conflict.resolution {
                throw ServerError(.alreadyResolved, "conflict \(id) was resolved already by change set \(resolution.changeSet)")
            }
            let sequence = try StoredRecords.nextServerSequence(db)
            let changeSet = UUID()
            conflict.resolution = .init(changeSet: changeSet, by: identity.actor, note: note)
            try StoredRecords.save(db, conflict, serverSequence: sequence)
            let ack = Acknowledgement(changeSet: changeSet, status: .accepted, serverSequence: sequence)
            try Self.log(db, id: changeSet, device: identity.device, sequence: nil, action: "conflict.resolve", author: identity.actor,
                         serverSequence: sequence, bodyHash: "", acknowledgement: ack,
                         body: RecordFields.canonicalJSON(["conflict": id.uuidString, "note": note]))
            return conflict
        }
    }

    /// Writes a change-set log row: every server sequence has one.
    static func log(_ db: Database, id: UUID, device: String, sequence: Int64?, action: String, author: Actor, serverSequence: Int64,
                    bodyHash: String, acknowledgement: Acknowledgement, body: String) throws {
        try db.execute(sql: """
            INSERT INTO changeSetLog(id, device, sequence, action, author, serverSequence, bodyHash, acknowledgement, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id.uuidString, device, sequence, action, author.jsonValue.canonicalText, serverSequence, bodyHash,
                             acknowledgement.jsonValue.canonicalText, body])
    }
}

/// A value shared by the copies of a store (caches), behind a lock.
final class Cache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    var value: Value? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }

    func clear() { value = nil }
}
