import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The embedded store: one SQLite file (GRDB), the default for a district.
///
/// It keeps rows for ``SyncLedger`` (``LedgerStorage``): one writing transaction at a
/// time, so one global server sequence orders every district's feed.
///
/// ```swift
/// let store = SQLiteServerStore(database: try .open(path: "doudi-server.sqlite"))
/// let ledger = SyncLedger(storage: store, clock: { ServerClock.system.nowMillis() })
/// ```
public struct SQLiteServerStore: ServerStore {
    public let database: ServerDatabase
    /// Held for a whole ledger transaction: its reads and its one write see no other writer.
    let writeLock = AsyncMutex()

    public init(database: ServerDatabase) {
        self.database = database
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
    }

    public func orgUnits() async throws -> [OrgUnit] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, kind, population FROM orgUnit ORDER BY code").map { row in
                OrgUnit(code: try OrgCode(row["code"]), name: row["name"], kind: row["kind"], population: row["population"])
            }
        }
    }


    public func user(named name: String) async throws -> UserAccount? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE name = ?", arguments: [name]).map(Self.userAccount)
        }
    }

    static func userAccount(_ row: Row) throws -> UserAccount {
        UserAccount(name: row["name"], role: try role(row["role"]), org: try OrgCode(row["org"]),
                    password: PasswordHash(algorithm: row["algorithm"], salt: row["salt"], hash: row["hash"], rounds: row["rounds"]),
                    disabled: row["disabled"], mustChangePassword: row["mustChangePassword"])
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
            try db.execute(sql: "UPDATE user SET algorithm = ?, salt = ?, hash = ?, rounds = ?, mustChangePassword = 0 WHERE name = ?",
                           arguments: [password.algorithm, password.salt, password.hash, password.rounds, name])
            try db.execute(sql: "UPDATE token SET passwordChangeOnly = 0 WHERE user = ? AND passwordChangeOnly", arguments: [name])
        }
    }

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else { throw ServerError(.internal, "unknown role \(text) in the store") }
        return role
    }

    // MARK: tokens

    public func insertToken(_ token: TokenRecord) async throws {
        try await database.writer.write { db in try Self.insertToken(db, token) }
    }

    static func insertToken(_ db: Database, _ token: TokenRecord) throws {
        try db.execute(sql: """
            INSERT INTO token(hash, user, device, role, org, issuedAt, expiresAt, revoked, passwordChangeOnly) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [token.hash, token.user, token.device, token.role.rawValue, token.org.value, token.issuedAt,
                             token.expiresAt, token.revoked, token.passwordChangeOnly])
    }

    public func token(hash: String) async throws -> TokenRecord? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM token WHERE hash = ?", arguments: [hash]).map { row in
                TokenRecord(hash: row["hash"], user: row["user"], device: row["device"], role: try Self.role(row["role"]),
                            org: try OrgCode(row["org"]), issuedAt: row["issuedAt"], expiresAt: row["expiresAt"], revoked: row["revoked"],
                            passwordChangeOnly: row["passwordChangeOnly"])
            }
        }
    }

    public func revokeTokens(_ selection: TokenSelection) async throws -> Int {
        var conditions = ["revoked = 0"]
        var arguments: StatementArguments = []
        if let hash = selection.hash { conditions.append("hash = ?"); arguments += [hash] }
        if let user = selection.user { conditions.append("user = ?"); arguments += [user] }
        if let device = selection.device { conditions.append("device = ?"); arguments += [device] }
        if let within = selection.within { conditions.append(SQLiteLedger.within("org")); arguments += SQLiteLedger.withinArguments(within) }
        if let except = selection.except { conditions.append("hash != ?"); arguments += [except] }
        guard conditions.count > 1 else { return 0 }
        let sql = "UPDATE token SET revoked = 1 WHERE " + conditions.joined(separator: " AND ")
        let selected = arguments
        return try await database.writer.write { db in
            try db.execute(sql: sql, arguments: selected)
            return db.changesCount
        }
    }

    /// Revokes every live token of `user`, or on `device` (but not those of `keepUser`).
    static func revokeTokens(_ db: Database, user: String? = nil, device: String? = nil, keepUser: String? = nil) throws -> Int {
        var conditions = ["revoked = 0"]
        var arguments: StatementArguments = []
        if let user { conditions.append("user = ?"); arguments += [user] }
        if let device { conditions.append("device = ?"); arguments += [device] }
        if let keepUser { conditions.append("user != ?"); arguments += [keepUser] }
        guard conditions.count > 1 else { return 0 }
        try db.execute(sql: "UPDATE token SET revoked = 1 WHERE " + conditions.joined(separator: " AND "), arguments: arguments)
        return db.changesCount
    }

    public func highestSequence() async throws -> Int64 {
        try await database.writer.read { db in try SQLiteLedger.serverSequence(db) }
    }
}
