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
    ///
    /// The bearer token is not here: it lives outside the store (``LoginToken``,
    /// ``FieldStore/loginToken()``); the table's old `token` column stays empty.
    public var server: String
    /// The server sequence pulled up to (the pull cursor).
    public var cursor: Int64
    /// Milliseconds since 1970 of the last complete sync.
    public var lastSync: Int64?

    public init(server: String, cursor: Int64 = 0, lastSync: Int64? = nil) {
        self.server = server; self.cursor = cursor; self.lastSync = lastSync
    }
}

/// What the store did with one push's acknowledgements.
struct AcknowledgementOutcome: Sendable {
    /// Change sets set aside for good, with the code and message kept (as `code: message`).
    var setAside: [(id: UUID, code: String, message: String)] = []
    /// Change sets refused for a retryable reason, still pending.
    var retrying: [UUID] = []
    /// Change sets re-made after a `sequence` rejection: the old id and the new change set.
    var rebased: [(from: UUID, to: ChangeSet)] = []
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

    /// Saves the server after a login, and the token outside the store (``LoginToken``).
    public func saveLogin(server: String, token: String) throws {
        try database.writer.write { db in
            var state = try SyncState.fetchOne(db) ?? SyncState(server: server)
            if state.server != server { state.cursor = 0 }
            state.server = server
            try state.save(db)
        }
        try saveToken(token, server: server)
    }

    /// Conflicts pulled from the server, unresolved first.
    public func conflicts(includeResolved: Bool = false) throws -> [StoredConflict] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT body, serverSequence FROM conflict \(includeResolved ? "" : "WHERE NOT resolved") ORDER BY resolved, serverSequence")
                .map { row in
                    StoredConflict(conflict: try JSONDecoder().decode(ConflictRecord.self, from: Data(try openedBlob(row["body"], .conflictBody).utf8)),
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

    /// A set-aside change set as its plain columns hold it: readable while the store is locked
    /// (the body, sealed, is not opened).
    public struct SetAside: Hashable, Sendable {
        public var id: UUID
        public var sequence: Int64
        public var action: String
        public var stamp: HLCStamp
        public var reason: String?
    }

    /// The change sets set aside (rejected for good), oldest first, without opening their bodies.
    public func setAside() throws -> [SetAside] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, sequence, action, stamp, reason FROM changeSet WHERE state = 'rejected' ORDER BY sequence").map { row in
                SetAside(id: try StoredValue.uuid(row["id"], "change-set"), sequence: row["sequence"], action: row["action"],
                         stamp: try StoredValue.stamp(row["stamp"]), reason: row["reason"])
            }
        }
    }

    /// How many conflicts wait to be settled, without opening their sealed bodies.
    public func openConflictCount() throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict WHERE NOT resolved") ?? 0 }
    }

    /// Notes the time of a complete sync.
    func markSynced() throws {
        try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET lastSync = ?", arguments: [now()]) }
    }

    /// Pulls everything again from the start (the server was restored from a backup).
    func resetCursor() throws {
        try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET cursor = 0") }
    }

    /// Syncs in a row a change set may be refused for a retryable reason (`dependency`,
    /// `clock`) before it is set aside for the user to redo or drop.
    public static let retryLimit = 5

    /// Records what the server said of pushed change sets, in one transaction.
    ///
    /// - accepted: marked with its server sequence;
    /// - rejected `sequence` (another change set of this device has its number: the store was
    ///   restored from a copy): re-made at once as a new change set with the next number
    ///   (``rebase(_:reason:_:)``), nothing undone — the action is not lost;
    /// - rejected for a retryable reason (`dependency`, `clock`): stays pending with the reason,
    ///   for the next sync — unless it builds on a record created by a change set that is set
    ///   aside here (it can never pass as it is), or `countRetry` and it has now been refused
    ///   ``retryLimit`` syncs in a row: then it is set aside too;
    /// - rejected for good (any other code, or one not known): set aside (`rejected`), its
    ///   effects here undone (the server never had them), for the user to redo or drop.
    ///
    /// - Parameter countRetry: whether this push counts as a sync's attempt (the first push of a
    ///   change set in a sync does; pushing it again in the same sync does not).
    @discardableResult
    func record(_ acknowledgements: [Acknowledgement], countRetry: Bool = true) throws -> AcknowledgementOutcome {
        try database.writer.write { db in try record(acknowledgements, countRetry: countRetry, db) }
    }

    /// ``record(_:countRetry:)`` inside a transaction of the caller's.
    func record(_ acknowledgements: [Acknowledgement], countRetry: Bool, _ db: Database) throws -> AcknowledgementOutcome {
        do {
            var outcome = AcknowledgementOutcome()
            var setAsideRecords: [UUID: Int64]?
            let update = try db.cachedStatement(sql: "UPDATE changeSet SET state = ?, serverSequence = ?, reason = ?, retries = ? WHERE id = ?")
            func setAside(_ id: UUID, code: String, message: String) throws {
                let reason = "\(code): \(message)"
                try update.execute(arguments: ["rejected", nil, reason, 0, id.uuidString])
                try undo(id, reason: reason, db)
                outcome.setAside.append((id, code, message))
                if setAsideRecords != nil, let body = try String.fetchOne(db, sql: "SELECT body FROM changeSet WHERE id = ?", arguments: [id.uuidString]) {
                    let changeSet = try storedChangeSet(body: body)
                    for change in changeSet.changes where change.operation == .create { setAsideRecords?[change.record] = changeSet.sequence }
                }
            }
            for ack in acknowledgements {
                switch ack.status {
                case .accepted, .acceptedWithConflicts:
                    let note = ack.conflicts.isEmpty ? nil : "conflicts: " + ack.conflicts.map(\.uuidString).joined(separator: ", ")
                    try update.execute(arguments: ["accepted", ack.serverSequence, note, 0, ack.changeSet.uuidString])
                case .rejected:
                    let code = ack.code ?? "rejected", message = ack.message ?? ""
                    let reason = "\(code): \(message)"
                    if code == MergeRejection.Code.sequence.rawValue {
                        if let new = try rebase(ack.changeSet, reason: reason, db) { outcome.rebased.append((ack.changeSet, new)) }
                        continue
                    }
                    guard MergeRejection.Code(rawValue: code).isRetryable else {
                        try setAside(ack.changeSet, code: code, message: message)
                        continue
                    }
                    guard let row = try Row.fetchOne(db, sql: "SELECT body, retries FROM changeSet WHERE id = ?", arguments: [ack.changeSet.uuidString]) else { continue }
                    let changeSet = try storedChangeSet(body: row["body"])
                    if setAsideRecords == nil { setAsideRecords = try recordsOfSetAsideChangeSets(db) }
                    let prerequisite = changeSet.changes.lazy
                        .flatMap { [$0.record, $0.household].compactMap { $0 } }
                        .compactMap { setAsideRecords?[$0] }.first { $0 != changeSet.sequence }
                    let retries = (row["retries"] as Int) + (countRetry ? 1 : 0)
                    if let prerequisite {
                        try setAside(ack.changeSet, code: code,
                                     message: "\(message) — it builds on change set #\(prerequisite), which was set aside: redo #\(prerequisite) first, then this one")
                    } else if retries >= Self.retryLimit {
                        try setAside(ack.changeSet, code: code, message: "\(message) (refused \(retries) syncs in a row)")
                    } else {
                        try update.execute(arguments: ["pending", nil, reason, retries, ack.changeSet.uuidString])
                        outcome.retrying.append(ack.changeSet)
                    }
                }
            }
            return outcome
        }
    }

    /// The pending change sets, in order, inside a transaction of the caller's.
    func pendingChangeSets(_ db: Database) throws -> [ChangeSet] {
        try String.fetchAll(db, sql: "SELECT body FROM changeSet WHERE state = 'pending' ORDER BY sequence").map(storedChangeSet(body:))
    }

    /// Undoes a rejected change set here: records it created are voided with the reason,
    /// fields it changed go back to their previous values where nothing changed them since.
    private func undo(_ id: UUID, reason: String, _ db: Database) throws {
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM changeSet WHERE id = ?", arguments: [id.uuidString]) else { return }
        let changeSet = try storedChangeSet(body: body)
        for change in changeSet.changes.reversed() {
            let table = change.entity.rawValue
            let key = change.entity == .workflow ? "application" : "id"
            if change.operation == .create {
                try db.execute(sql: "UPDATE \"\(table)\" SET voidReason = ? WHERE \(key) = ? AND voidReason IS NULL",
                               arguments: ["\(serverRejectionMarker): \(reason)", change.record.uuidString])
                continue
            }
            for field in change.fields {
                let current = try String.fetchOne(db, sql: "SELECT stamp FROM fieldStamp WHERE entity = ? AND record = ? AND field IN (?, '*') ORDER BY field = '*' LIMIT 1",
                                                  arguments: [table, change.record.uuidString, field.name])
                guard current == field.stamp.text, let previous = field.previous else { continue }
                // a sensitive field goes back sealed (and a member's person index with its number)
                var column = previous.value.columnValue
                if SealedField.names(of: change.entity).contains(field.name) {
                    let keys = try requireKeys()
                    column = keys.seal(previous.value, field: SealedField(change.entity, field.name)).databaseValue
                    if change.entity == .member, field.name == "residentID", case .string(let number) = previous.value {
                        // and its search key by ID tail (FieldDatabase+Search)
                        try db.execute(sql: "UPDATE member SET \"\(PersonIndex.column)\" = ?, \"\(FieldDatabase.idTailColumn)\" = ? WHERE id = ?",
                                       arguments: [keys.personIndex(number), keys.searchTail(number), change.record.uuidString])
                    }
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
                .map(storedChangeSet(body:))
        }
    }
}
