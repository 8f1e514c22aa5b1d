import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The SQLite rows of the ledger: helpers that compose in one transaction take `_ db: Database` first.
enum SQLiteLedger {
    /// SQL matching a column that holds an org code within a scope: DoudiModel's
    /// ``OrgCode/subtreeBounds`` as a range, so the index on the column serves it.
    static func within(_ column: String) -> String { "(\(column) >= ? AND \(column) < ?)" }
    static func withinArguments(_ scope: OrgCode) -> StatementArguments {
        let bounds = scope.subtreeBounds
        return [bounds.lower, bounds.upper]
    }

    /// The current server sequence (one for every district: SQLite has one writer).
    static func serverSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serverSequence'") ?? 0
    }

    /// Runs `sql` (ending in `IN `) once per chunk of `values`, so that no statement binds too many.
    static func fetchIn<T>(_ db: Database, _ sql: String, prefix: StatementArguments = [], _ values: [any DatabaseValueConvertible],
                           _ row: (Row) throws -> T) throws -> [T] {
        var out: [T] = []
        var start = 0
        while start < values.count {
            let chunk = values[start..<min(start + 500, values.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            var arguments = prefix
            arguments += StatementArguments(Array(chunk))
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql + "(\(marks))"), arguments: arguments)
            while let r = try rows.next() { out.append(try row(r)) }
            start += chunk.count
        }
        return out
    }

    static func load(_ db: Database, _ request: SnapshotRequest) throws -> Snapshot {
        var snapshot = Snapshot()
        let ids = request.changeSets.map(\.uuidString)
        for table in ["changeSetLog", "rejection"] {
            // an accepted change set's answer (changeSetLog, read first) stands over a rejection
            for (id, outcome) in try fetchIn(db, "SELECT id, device, bodyHash, acknowledgement FROM \(table) WHERE id IN ", ids, { row in
                (UUID(uuidString: row["id"]), StoredOutcome(device: row["device"], bodyHash: row["bodyHash"], acknowledgement: try StoredJSON.acknowledgement(row["acknowledgement"])))
            }) {
                if let id, snapshot.outcomes[id] == nil { snapshot.outcomes[id] = outcome }
            }
        }
        for (device, sequences) in request.deviceSequences {
            for (sequence, id) in try fetchIn(db, "SELECT sequence, id FROM changeSetLog WHERE device = ? AND sequence IN ", prefix: [device],
                                              Array(sequences), { row in (row["sequence"] as Int64, row["id"] as String) }) {
                snapshot.usedSequences[device, default: [:]][sequence] = UUID(uuidString: id)
            }
        }
        var bodies: [String: String] = [:] // by entity/id: a record found by two routes is read once
        func collect(_ rows: [(String, String)]) { for (key, body) in rows { bodies[key] = body } }
        let keyed = { (row: Row) in ("\(row["entity"] as String)/\(row["id"] as String)", row["body"] as String) }
        for (entity, keys) in Dictionary(grouping: request.records, by: \.entity) {
            collect(try fetchIn(db, "SELECT entity, id, body FROM record WHERE entity = ? AND id IN ", prefix: [entity.rawValue],
                                keys.map(\.id.uuidString), keyed))
        }
        collect(try fetchIn(db, "SELECT entity, id, body FROM record WHERE entity = 'member' AND voided = 0 AND personKey IN ",
                            Array(request.personKeys), keyed))
        collect(try fetchIn(db, "SELECT entity, id, body FROM record WHERE entity = 'enrolment' AND voided = 0 AND household IN ",
                            request.enrolmentHouseholds.map(\.uuidString), keyed))
        collect(try fetchIn(db, "SELECT entity, id, body FROM record WHERE entity = 'reserveFundEntry' AND voided = 0 AND fundTown IN ",
                            request.fundTowns.map(\.value), keyed))
        if !request.householdRecords.isEmpty {
            // through record_household (entity, household): one range per kind
            for entity in EntityKind.allCases where entity != .household {
                collect(try fetchIn(db, "SELECT entity, id, body FROM record WHERE entity = ? AND household IN ", prefix: [entity.rawValue],
                                    request.householdRecords.map(\.uuidString), keyed))
            }
        }
        snapshot.records = try bodies.values.map(StoredJSON.record)
        snapshot.conflicts = try fetchIn(db, "SELECT body FROM conflict WHERE id IN ", request.conflicts.map(\.uuidString)) {
            try StoredJSON.conflict($0["body"])
        }
        if request.policyMarker {
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*), COALESCE(SUM(serverSequence), 0) FROM record WHERE entity IN ('policyVersion', 'specialPeriod')
                """))
            snapshot.policyMarker = "\(row?[0] as Int64? ?? 0)@\(row?[1] as Int64? ?? 0)"
        }
        if request.policyVersions {
            snapshot.policyVersions = try String.fetchAll(db.cachedStatement(sql: "SELECT body FROM record WHERE entity IN ('policyVersion', 'specialPeriod') AND voided = 0"))
                .map(StoredJSON.record)
        }
        return snapshot
    }

    /// Writes a transaction's rows and the new server sequence.
    static func write(_ db: Database, _ writes: LedgerWrites, sequence: Int64?) throws {
        for row in writes.records {
            try db.cachedStatement(sql: """
                INSERT INTO record(entity, id, village, household, personKey, fundTown, voided, serverSequence, size, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(entity, id) DO UPDATE SET village = excluded.village, household = excluded.household,
                  personKey = excluded.personKey, fundTown = excluded.fundTown, voided = excluded.voided,
                  serverSequence = excluded.serverSequence, size = excluded.size, body = excluded.body
                """).execute(arguments: [row.entity.rawValue, row.id.uuidString, row.village.value, row.household?.uuidString, row.personKey,
                                         row.fundTown?.value, row.voided, row.serverSequence, row.body.utf8.count, row.body])
        }
        for row in writes.conflicts {
            try db.cachedStatement(sql: """
                INSERT INTO conflict(id, kind, entity, record, village, resolved, serverSequence, size, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved, serverSequence = excluded.serverSequence,
                  size = excluded.size, body = excluded.body
                """).execute(arguments: [row.id.uuidString, row.kind.rawValue, row.entity.rawValue, row.record.uuidString,
                                         row.village.value, row.resolved, row.serverSequence, row.body.utf8.count, row.body])
        }
        for row in writes.log {
            try db.cachedStatement(sql: """
                INSERT INTO changeSetLog(id, device, sequence, action, author, serverSequence, bodyHash, acknowledgement, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [row.id.uuidString, row.device, row.sequence, row.action, row.author, row.serverSequence,
                                         row.bodyHash, row.acknowledgement.jsonValue.canonicalText, row.body])
        }
        for row in writes.rejections {
            try db.cachedStatement(sql: """
                INSERT INTO rejection(id, device, sequence, bodyHash, code, acknowledgement, rejectedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """).execute(arguments: [row.id.uuidString, row.device, row.sequence, row.bodyHash, row.acknowledgement.code ?? "",
                                         row.acknowledgement.jsonValue.canonicalText, row.rejectedAt])
        }
        for row in writes.departures {
            try db.cachedStatement(sql: """
                INSERT INTO departure(entity, id, fromVillage, toVillage, serverSequence) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(entity, id, fromVillage) DO UPDATE SET toVillage = excluded.toVillage, serverSequence = excluded.serverSequence
                """).execute(arguments: [row.entity.rawValue, row.id.uuidString, row.from.value, row.to.value, row.serverSequence])
        }
        if let sequence {
            try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE key = 'serverSequence'").execute(arguments: [sequence])
        }
    }

    /// Feed rows of a scope after a cursor: the scope's records, the policy versions of its
    /// lineage and its conflicts, each read in sequence order through an index, then merged
    /// (records first within a sequence).
    ///
    /// A village's records come through `record_village` (village, serverSequence), so a
    /// laptop's pull reads its own rows only, however busy the district; a town's or the
    /// district's through the sequence index, filtered by the village range.
    static func feed(_ db: Database, scope: OrgCode, after: Int64, through: Int64?, limit: Int) throws -> FeedBatch {
        let current = try serverSequence(db)
        let upper = through ?? Int64.max
        let count = min(limit, Int(Int32.max))
        func rows(_ kind: FeedRow.Kind, _ sql: String, _ arguments: StatementArguments) throws -> [FeedRow] {
            var all: StatementArguments = [after, upper]
            all += arguments
            all += [count]
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: all).map { FeedRow(kind: kind, sequence: $0[0], body: $0[1]) }
        }
        let records: [FeedRow]
        if scope.level == .village {
            records = try rows(.record, """
                SELECT serverSequence, body FROM record INDEXED BY record_village
                WHERE serverSequence > ? AND serverSequence <= ? AND village = ? ORDER BY serverSequence LIMIT ?
                """, [scope.value])
        } else {
            records = try rows(.record, """
                SELECT serverSequence, body FROM record
                WHERE serverSequence > ? AND serverSequence <= ? AND \(within("village")) ORDER BY serverSequence LIMIT ?
                """, withinArguments(scope))
        }
        let lineage = scope.lineage.filter { $0.level != .village }.map(\.value)
        let policies = lineage.isEmpty ? [] : try rows(.record, """
            SELECT serverSequence, body FROM record
            WHERE serverSequence > ? AND serverSequence <= ? AND entity IN (\(EntityKind.districtKinds.map { "'\($0.rawValue)'" }.joined(separator: ", "))) AND village IN (\(Array(repeating: "?", count: lineage.count).joined(separator: ",")))
              AND NOT \(within("village"))
            ORDER BY serverSequence LIMIT ?
            """, StatementArguments(lineage) + withinArguments(scope))
        let conflicts = try rows(.conflict, """
            SELECT serverSequence, body FROM conflict
            WHERE serverSequence > ? AND serverSequence <= ? AND \(within("village")) ORDER BY serverSequence LIMIT ?
            """, withinArguments(scope))
        // what left the scope: rare rows, read by sequence
        var departures: [FeedRow] = []
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT serverSequence, entity, id, toVillage FROM departure
            WHERE serverSequence > ? AND serverSequence <= ? AND \(within("fromVillage")) AND NOT \(within("toVillage"))
            ORDER BY serverSequence, id, entity LIMIT ?
            """), arguments: [after, upper] + withinArguments(scope) + withinArguments(scope) + [count]) {
            guard let entity = EntityKind(rawValue: row[1]), let id = UUID(uuidString: row[2]) else { continue }
            departures.append(FeedRow(kind: .departure, sequence: row[0], body: DepartedRecord(entity: entity, record: id).jsonValue.canonicalText))
        }
        return FeedBatch(rows: merge([records, policies, conflicts, departures], limit: count), current: current)
    }

    /// Merges lists sorted by sequence into one, the earlier list first within a sequence, cut at `limit`.
    static func merge(_ lists: [[FeedRow]], limit: Int) -> [FeedRow] {
        var index = Array(repeating: 0, count: lists.count)
        var out: [FeedRow] = []
        out.reserveCapacity(min(limit, lists.reduce(0) { $0 + $1.count }))
        while out.count < limit {
            var best: Int?
            for (i, list) in lists.enumerated() where index[i] < list.count {
                if best.map({ list[index[i]].sequence < lists[$0][index[$0]].sequence }) ?? true { best = i }
            }
            guard let i = best else { break }
            out.append(lists[i][index[i]])
            index[i] += 1
        }
        return out
    }
}

extension SQLiteServerStore {
    public func transaction<T: Sendable>(_ body: @Sendable (any LedgerTransaction) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let tx = SQLiteLedgerTransaction(database: database)
            let result = try await body(tx)
            try await tx.commit()
            return result
        }
    }

    public func feed(scope: OrgCode, after: Int64, through: Int64?, limit: Int) async throws -> FeedBatch {
        try await database.writer.read { db in try SQLiteLedger.feed(db, scope: scope, after: after, through: through, limit: limit) }
    }

    public func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord] {
        try await database.writer.read { db in
            let sql = "SELECT body FROM conflict WHERE \(SQLiteLedger.within("village"))"
                + (includeResolved ? "" : " AND resolved = 0") + " ORDER BY serverSequence, id LIMIT ?"
            return try String.fetchAll(db, sql: sql, arguments: SQLiteLedger.withinArguments(scope) + [limit]).map(StoredJSON.conflict)
        }
    }
}

/// One ledger transaction on SQLite: its reads see the last commit (no other writer runs
/// while the store's write lock is held), and its writes commit in one SQLite transaction.
final class SQLiteLedgerTransaction: LedgerTransaction, @unchecked Sendable {
    let database: ServerDatabase
    private let lock = NSLock()
    private var writes: [LedgerWrites] = []
    private var sequence: Int64?

    init(database: ServerDatabase) { self.database = database }

    func lock(_ keys: [LedgerLock]) async throws {} // one writer at a time already

    func load(_ request: SnapshotRequest) async throws -> Snapshot {
        try await database.writer.read { db in try SQLiteLedger.load(db, request) }
    }

    func takeSequences(_ count: Int, district: OrgCode) async throws -> Int64 {
        let taken = lock.withLock { sequence }
        let current: Int64
        if let taken { current = taken } else { current = try await database.writer.read { db in try SQLiteLedger.serverSequence(db) } }
        lock.withLock { sequence = current + Int64(count) }
        return current + 1
    }

    func write(_ writes: LedgerWrites) async throws { lock.withLock { self.writes.append(writes) } }

    /// Writes everything in one SQLite transaction (one fsync).
    func commit() async throws {
        let (all, last) = lock.withLock { (writes, sequence) }
        guard !all.isEmpty || last != nil else { return }
        try await database.writer.write { db in
            for w in all { try SQLiteLedger.write(db, w, sequence: nil) }
            if let last { try SQLiteLedger.write(db, LedgerWrites(), sequence: last) }
        }
    }
}
