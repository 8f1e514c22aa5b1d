import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Where this store syncs to and how far it got.
public struct SyncState: Hashable, Sendable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "syncState"
    /// Always 1: one row.
    public var id: Int = 1
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    public var server: String
    /// The bearer token from `doudi login` (kept only in this store file).
    public var token: String?
    /// The server sequence pulled up to (the pull cursor).
    public var cursor: Int64
    /// Milliseconds since 1970 of the last complete sync.
    public var lastSync: Int64?

    public init(server: String, token: String? = nil, cursor: Int64 = 0, lastSync: Int64? = nil) {
        self.server = server; self.token = token; self.cursor = cursor; self.lastSync = lastSync
    }
}

/// A conflict the server recorded in this store's scope, as pulled.
public struct StoredConflict: Hashable, Sendable, Codable {
    public var conflict: ConflictRecord
    /// The server sequence it was last written with.
    public var serverSequence: Int64
}

extension FieldDatabase {
    /// Tables the sync client needs (migration `v2-sync`).
    static func registerSyncMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-sync") { db in
            try db.create(table: "syncState") { t in
                t.primaryKey("id", .integer)
                t.column("server", .text).notNull()
                t.column("token", .text)
                t.column("cursor", .integer).notNull()
                t.column("lastSync", .integer)
            }
            try db.create(table: "conflict") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("record", .text).notNull().indexed()
                t.column("resolved", .boolean).notNull()
                t.column("serverSequence", .integer).notNull()
                t.column("body", .text).notNull()
            }
        }
    }
}

extension FieldStore {
    /// The sync settings, if `doudi login` was run.
    public func syncState() throws -> SyncState? {
        try database.writer.read { db in try SyncState.fetchOne(db) }
    }

    /// Saves the server and token after a login.
    public func saveLogin(server: String, token: String) throws {
        try database.writer.write { db in
            var state = try SyncState.fetchOne(db) ?? SyncState(server: server)
            if state.server != server { state.cursor = 0 }
            state.server = server
            state.token = token
            try state.save(db)
        }
    }

    /// Conflicts pulled from the server, unresolved first.
    public func conflicts(includeResolved: Bool = false) throws -> [StoredConflict] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT body, serverSequence FROM conflict \(includeResolved ? "" : "WHERE NOT resolved") ORDER BY resolved, serverSequence")
                .map { row in
                    StoredConflict(conflict: try JSONDecoder().decode(ConflictRecord.self, from: Data((row["body"] as String).utf8)),
                                   serverSequence: row["serverSequence"])
                }
        }
    }

    /// Counts for `doudi status`.
    public func outboxCounts() throws -> (pending: Int, rejected: Int, accepted: Int) {
        try database.writer.read { db in
            func count(_ state: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changeSet WHERE state = ?", arguments: [state]) ?? 0 }
            return (try count("pending"), try count("rejected"), try count("accepted"))
        }
    }

    /// Notes the time of a complete sync.
    func markSynced() throws {
        try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET lastSync = ?", arguments: [now()]) }
    }

    /// Pulls everything again from the start (the server was restored from a backup).
    func resetCursor() throws {
        try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET cursor = 0") }
    }

    /// Records what the server said of pushed change sets. A rejection for good is set
    /// aside and its local effects undone (the server never had them); a retryable one
    /// (`dependency`, `clock`) stays pending with the reason noted, for the next sync.
    func record(_ acknowledgements: [Acknowledgement]) throws {
        try database.writer.write { db in
            let update = try db.cachedStatement(sql: "UPDATE changeSet SET state = ?, serverSequence = ?, reason = ? WHERE id = ?")
            for ack in acknowledgements {
                switch ack.status {
                case .accepted, .acceptedWithConflicts:
                    let note = ack.conflicts.isEmpty ? nil : "conflicts: " + ack.conflicts.map(\.uuidString).joined(separator: ", ")
                    try update.execute(arguments: ["accepted", ack.serverSequence, note, ack.changeSet.uuidString])
                case .rejected:
                    let reason = "\(ack.code ?? "rejected"): \(ack.message ?? "")"
                    if MergeRejection.Code(rawValue: ack.code ?? "").isRetryable {
                        try update.execute(arguments: ["pending", nil, reason, ack.changeSet.uuidString])
                    } else {
                        try update.execute(arguments: ["rejected", nil, reason, ack.changeSet.uuidString])
                        try undo(ack.changeSet, reason: reason, db)
                    }
                }
            }
        }
    }

    /// Undoes a rejected change set here: records it created are voided with the reason,
    /// fields it changed go back to their previous values where nothing changed them since.
    private func undo(_ id: UUID, reason: String, _ db: Database) throws {
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM changeSet WHERE id = ?", arguments: [id.uuidString]) else { return }
        let changeSet = try JSONDecoder().decode(ChangeSet.self, from: Data(body.utf8))
        for change in changeSet.changes.reversed() {
            let table = change.entity.rawValue
            let key = change.entity == .workflow ? "application" : "id"
            if change.operation == .create {
                try db.execute(sql: "UPDATE \"\(table)\" SET voidReason = ? WHERE \(key) = ? AND voidReason IS NULL",
                               arguments: ["服务器拒绝 rejected by the server: \(reason)", change.record.uuidString])
                continue
            }
            for field in change.fields {
                let current = try String.fetchOne(db, sql: "SELECT stamp FROM fieldStamp WHERE entity = ? AND record = ? AND field IN (?, '*') ORDER BY field = '*' LIMIT 1",
                                                  arguments: [table, change.record.uuidString, field.name])
                guard current == field.stamp.text, let previous = field.previous else { continue }
                let column: DatabaseValue
                switch previous.value {
                case .null: column = .null
                case .bool(let b): column = b.databaseValue
                case .int(let i): column = i.databaseValue
                case .string(let s): column = s.databaseValue
                case .array, .object: column = previous.value.canonicalText.databaseValue
                }
                try db.execute(sql: "UPDATE \"\(table)\" SET \"\(field.name)\" = ? WHERE \(key) = ?", arguments: [column, change.record.uuidString])
                try db.execute(sql: """
                    INSERT INTO fieldStamp(entity, record, field, stamp) VALUES (?, ?, ?, ?)
                    ON CONFLICT(entity, record, field) DO UPDATE SET stamp = excluded.stamp
                    """, arguments: [table, change.record.uuidString, field.name, previous.stamp.text])
            }
        }
    }

    /// Change sets waiting to be pushed, in order, at most `limit`.
    func pendingChangeSets(limit: Int) throws -> [ChangeSet] {
        try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM changeSet WHERE state = 'pending' ORDER BY sequence LIMIT ?", arguments: [limit])
                .map { body in
                    let data = Data(body.utf8)
                    if let value = try? JSONValue.parse(data), let changeSet = ChangeSet(wire: value) { return changeSet }
                    return try JSONDecoder().decode(ChangeSet.self, from: data)
                }
        }
    }
}
