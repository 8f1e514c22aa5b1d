import DoudiModel
import DoudiSync
import Foundation
import Logging
import PostgresNIO

extension PostgresServerStore {
    /// Runs `body` in one READ COMMITTED transaction on one pooled connection.
    ///
    /// What `body` reads is current for the keys it locked (``LedgerTransaction/lock(_:)``
    /// takes transaction-scoped advisory locks, so another transaction over the same keys
    /// waits until this one ends). On a serialization failure (40001), a deadlock (40P01:
    /// two pushes locking overlapping keys in two steps) or a unique violation (23505: two
    /// processes accepting the same change set at once), the transaction is rolled back
    /// and the whole body runs again after a short random pause, up to 8 times in all.
    ///
    /// - Throws: what `body` throws (after a rollback); ``LedgerError`` `busy` when the
    ///   transient failures go on; ``ServerError`` `unavailable` when no connection can be
    ///   had, `internal` for another PostgreSQL error.
    public func transaction<T: Sendable>(_ body: @Sendable (any LedgerTransaction) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let outcome: Result<T, any Error>
            do {
                outcome = try await client.withConnection { connection in
                    await Self.attempt(body, on: connection, logger: logger)
                }
            } catch {
                throw Self.leaseFailure(error)
            }
            switch outcome {
            case .success(let value):
                return value
            case .failure(let failure as PostgresFailure) where failure.isTransient:
                guard attempt < maxAttempts else {
                    throw LedgerError(.busy, "the PostgreSQL store failed \(attempt) times in a row while \(failure.operation) (last: \(failure.summary)): too many requests contend for the same records; send the request again")
                }
                logger.debug("PostgreSQL ledger transaction runs again", metadata: [
                    "attempt": "\(attempt)", "sqlstate": "\(failure.sqlState ?? "")", "operation": "\(failure.operation)",
                ])
                try await Task.sleep(for: Self.backoff(after: attempt))
                attempt += 1
            case .failure(let error):
                throw PostgresFailure.forCaller(error, during: "running a ledger transaction")
            }
        }
    }

    /// One run of a transaction's body between BEGIN and COMMIT (ROLLBACK when it throws).
    static func attempt<T: Sendable>(_ body: @Sendable (any LedgerTransaction) async throws -> T, on connection: PostgresConnection,
                                     logger: Logger) async -> Result<T, any Error> {
        do {
            try await PostgresFailure.during("beginning a ledger transaction") {
                try await connection.query("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
                // a stuck transaction holding a key must not hold every push behind it for ever:
                // a lock not had within 10 s fails (55P03) and the transaction runs again
                try await connection.query("SET LOCAL lock_timeout = '10s'", logger: logger)
                try await connection.query("SET LOCAL statement_timeout = '60s'", logger: logger)
            }
        } catch {
            return .failure(error)
        }
        let transaction = PostgresLedgerTransaction(connection: connection, logger: logger)
        let value: T
        do {
            value = try await body(transaction)
            // a statement failed and the body went on: COMMIT would roll back without an error
            if let failure = transaction.state.failure { throw failure }
        } catch {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch {
                // a connection that cannot roll back must not serve another transaction
                try? await connection.close()
            }
            return .failure(error)
        }
        do {
            // a COMMIT that fails ends the transaction too (rolled back)
            try await PostgresFailure.during("committing a ledger transaction") {
                try await connection.query("COMMIT", logger: logger)
            }
        } catch {
            return .failure(error)
        }
        return .success(value)
    }

    /// The pause before running a transaction again: growing from about 5 ms to 200 ms,
    /// random within the upper half so that two racing processes part.
    static func backoff(after attempt: Int) -> Duration {
        let ceiling = min(200, 5 << min(attempt - 1, 6))
        return .milliseconds(Int.random(in: (ceiling / 2)...ceiling))
    }

    /// The error for a connection the pool could not give.
    static func leaseFailure(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        let converted = PostgresFailure.forCaller(error, during: "leasing a connection for a ledger transaction")
        if converted is ServerError { return converted }
        return ServerError(.unavailable, "no PostgreSQL connection could be had for a ledger transaction (\(error)): check that the database server runs and accepts connections")
    }
}

/// A ledger transaction on one PostgreSQL connection inside BEGIN … COMMIT.
///
/// Every read is one statement with array parameters, never one statement per key.
struct PostgresLedgerTransaction: LedgerTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// The first statement that failed (after which PostgreSQL refuses every statement until ROLLBACK).
    let state = State()

    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var first: PostgresFailure?
        var failure: PostgresFailure? { lock.withLock { first } }
        func record(_ failure: PostgresFailure) { lock.withLock { if first == nil { first = failure } } }
    }

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection; self.logger = logger
    }

    /// Runs one statement and hands over its rows, naming `operation` if it fails.
    func rows(_ query: PostgresQuery, _ operation: String) async throws -> [PostgresRow] {
        do {
            return try await PostgresFailure.during(operation) {
                try await connection.query(query, logger: logger).collect()
            }
        } catch let failure as PostgresFailure {
            state.record(failure)
            throw failure
        }
    }

    /// Takes a transaction-scoped advisory lock on each key's number, in ascending order
    /// (so that two transactions taking overlapping sets in one call cannot deadlock).
    func lock(_ keys: [LedgerLock]) async throws {
        let numbers = Array(Set(keys.map(\.number))).sorted()
        guard !numbers.isEmpty else { return }
        _ = try await rows("""
            SELECT pg_advisory_xact_lock(u.k) FROM unnest(\(numbers)::bigint[]) WITH ORDINALITY AS u(k, i) ORDER BY u.i
            """, "locking \(numbers.count) keys")
    }

    func load(_ request: SnapshotRequest) async throws -> Snapshot {
        var snapshot = Snapshot()
        if !request.changeSets.isEmpty {
            let ids = Array(request.changeSets)
            var rejected: [UUID: StoredOutcome] = [:]
            for row in try await rows("""
                SELECT 0, id, device, body_hash, acknowledgement FROM change_set_log WHERE id = ANY(\(ids)::uuid[])
                UNION ALL
                SELECT 1, id, device, body_hash, acknowledgement FROM rejection WHERE id = ANY(\(ids)::uuid[])
                """, "loading the outcomes of \(ids.count) change sets") {
                let (source, id, device, bodyHash, acknowledgement) =
                    try PostgresServerStore.decode(row, (Int32, UUID, String, String, String).self, "a change set's outcome")
                let outcome = StoredOutcome(device: device, bodyHash: bodyHash, acknowledgement: try StoredJSON.acknowledgement(acknowledgement))
                if source == 0 { snapshot.outcomes[id] = outcome } else { rejected[id] = outcome }
            }
            // an accepted change set's answer stands over a remembered rejection
            snapshot.outcomes.merge(rejected) { accepted, _ in accepted }
        }
        let pairs = request.deviceSequences.flatMap { device, sequences in sequences.map { (device, $0) } }
        if !pairs.isEmpty {
            for row in try await rows("""
                SELECT l.device, l.sequence, l.id
                FROM unnest(\(pairs.map(\.0))::text[], \(pairs.map(\.1))::bigint[]) AS k(device, sequence)
                JOIN change_set_log AS l ON l.device = k.device AND l.sequence = k.sequence
                """, "loading \(pairs.count) device sequences") {
                let (device, sequence, id) = try PostgresServerStore.decode(row, (String, Int64, UUID).self, "a used device sequence")
                snapshot.usedSequences[device, default: [:]][sequence] = id
            }
        }
        snapshot.records = try await records(request)
        if !request.conflicts.isEmpty {
            snapshot.conflicts = try await rows("""
                SELECT body FROM conflict WHERE id = ANY(\(Array(request.conflicts))::uuid[]) ORDER BY id
                """, "loading \(request.conflicts.count) conflicts").map { row in
                try StoredJSON.conflict(try PostgresServerStore.decode(row, String.self, "a conflict"))
            }
        }
        if request.policyMarker, let row = try await rows("""
            SELECT count(*)::bigint, COALESCE(sum(server_sequence), 0)::bigint FROM record WHERE entity = ANY(\(EntityKind.policyKinds.map(\.rawValue))::text[])
            """, "reading the policy records' marker").first {
            let (count, sum) = try PostgresServerStore.decode(row, (Int64, Int64).self, "the policy versions' marker")
            snapshot.policyMarker = "\(count)@\(sum)"
        }
        if request.policyVersions {
            snapshot.policyVersions = try await rows("""
                SELECT body FROM record WHERE entity = ANY(\(EntityKind.policyKinds.map(\.rawValue))::text[]) AND NOT voided ORDER BY id
                """, "loading the policy versions").map { row in
                try StoredJSON.record(try PostgresServerStore.decode(row, String.self, "a policy version"))
            }
        }
        return snapshot
    }

    /// The records a request names by key, and those its persons, households and towns reach
    /// (not voided; a moving household's, voided too), each once: one statement, one part per route.
    func records(_ request: SnapshotRequest) async throws -> [RecordVersion] {
        var parts: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresNonThrowingEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if !request.records.isEmpty {
            let keys = Array(request.records)
            parts.append("""
                SELECT r.entity, r.id, r.body FROM unnest(\(bind(keys.map(\.entity.rawValue)))::text[], \(bind(keys.map(\.id)))::uuid[]) AS k(entity, id)
                JOIN record AS r ON r.entity = k.entity AND r.id = k.id
                """)
        }
        if !request.personKeys.isEmpty {
            parts.append("SELECT entity, id, body FROM record WHERE person_key = ANY(\(bind(Array(request.personKeys)))::text[]) AND NOT voided")
        }
        if !request.enrolmentHouseholds.isEmpty {
            parts.append("""
                SELECT entity, id, body FROM record
                WHERE entity = \(bind(EntityKind.enrolment.rawValue)) AND household = ANY(\(bind(Array(request.enrolmentHouseholds)))::uuid[]) AND NOT voided
                """)
        }
        if !request.fundTowns.isEmpty {
            parts.append("SELECT entity, id, body FROM record WHERE fund_town = ANY(\(bind(request.fundTowns.map(\.value)))::text[]) AND NOT voided")
        }
        if !request.householdRecords.isEmpty {
            // through record_household (entity, household): every kind but the household itself
            let kinds = EntityKind.allCases.filter { $0 != .household }.map(\.rawValue)
            parts.append("""
                SELECT entity, id, body FROM record
                WHERE entity = ANY(\(bind(kinds))::text[]) AND household = ANY(\(bind(Array(request.householdRecords)))::uuid[])
                """)
        }
        guard !parts.isEmpty else { return [] }
        var seen: Set<String> = []
        var versions: [RecordVersion] = []
        for row in try await rows(PostgresQuery(unsafeSQL: parts.joined(separator: "\nUNION ALL\n"), binds: binds), "loading the records a push touches") {
            let (entity, id, body) = try PostgresServerStore.decode(row, (String, UUID, String).self, "a record")
            guard seen.insert("\(entity)/\(id.uuidString)").inserted else { continue }
            versions.append(try StoredJSON.record(body))
        }
        return versions
    }

    /// Takes `count` sequences of the district's feed with one upsert of its row.
    ///
    /// The upsert locks the district's row in `district_sequence` until this transaction
    /// commits or rolls back, so a second transaction taking sequences of the same district
    /// waits here (and then reads the value the first committed): within a district,
    /// sequence order is commit order. That is what makes a pull cursor sound: a reader
    /// whose snapshot shows the district at *n* sees every row up to *n* committed, and no
    /// row below *n* can commit later. (Transactions of different districts do not wait
    /// for each other: their feeds are separate.)
    func takeSequences(_ count: Int, district: OrgCode) async throws -> Int64 {
        guard count >= 1 else {
            throw ServerError(.internal, "the ledger asked for \(count) sequences of district \(district); it takes at least one")
        }
        guard let row = try await rows("""
            INSERT INTO district_sequence(district, value) VALUES (\(district.value), \(Int64(count)))
            ON CONFLICT (district) DO UPDATE SET value = district_sequence.value + excluded.value
            RETURNING value
            """, "taking \(count) sequences of district \(district)").first else {
            throw ServerError(.internal, "PostgreSQL returned no value when taking sequences of district \(district)")
        }
        let last = try PostgresServerStore.decode(row, Int64.self, "a district's sequence")
        return last - Int64(count) + 1
    }

    /// Writes each kind of row with one statement over arrays (`unnest`).
    func write(_ writes: LedgerWrites) async throws {
        let records = Self.lastByKey(writes.records) { RecordKey($0.entity, $0.id) }
        if !records.isEmpty {
            _ = try await rows("""
                INSERT INTO record(entity, id, village, district, household, person_key, fund_town, voided, server_sequence, body)
                SELECT * FROM unnest(\(records.map(\.entity.rawValue))::text[], \(records.map(\.id))::uuid[],
                                     \(records.map(\.village.value))::text[], \(records.map(\.district.value))::text[],
                                     \(PostgresNullableArray(records.map(\.household)))::uuid[],
                                     \(PostgresNullableArray(records.map(\.personKey)))::text[],
                                     \(PostgresNullableArray(records.map { $0.fundTown?.value }))::text[],
                                     \(records.map(\.voided))::boolean[], \(records.map(\.serverSequence))::bigint[],
                                     \(records.map(\.body))::text[])
                ON CONFLICT (entity, id) DO UPDATE SET village = excluded.village, district = excluded.district,
                    household = excluded.household, person_key = excluded.person_key, fund_town = excluded.fund_town,
                    voided = excluded.voided, server_sequence = excluded.server_sequence, body = excluded.body
                """, "writing \(records.count) records")
        }
        let conflicts = Self.lastByKey(writes.conflicts, key: \.id)
        if !conflicts.isEmpty {
            _ = try await rows("""
                INSERT INTO conflict(id, kind, entity, record, village, district, resolved, server_sequence, body)
                SELECT * FROM unnest(\(conflicts.map(\.id))::uuid[], \(conflicts.map(\.kind.rawValue))::text[],
                                     \(conflicts.map(\.entity.rawValue))::text[], \(conflicts.map(\.record))::uuid[],
                                     \(conflicts.map(\.village.value))::text[], \(conflicts.map(\.district.value))::text[],
                                     \(conflicts.map(\.resolved))::boolean[], \(conflicts.map(\.serverSequence))::bigint[],
                                     \(conflicts.map(\.body))::text[])
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, entity = excluded.entity, record = excluded.record,
                    village = excluded.village, district = excluded.district, resolved = excluded.resolved,
                    server_sequence = excluded.server_sequence, body = excluded.body
                """, "writing \(conflicts.count) conflicts")
        }
        let log = writes.log
        if !log.isEmpty {
            _ = try await rows("""
                INSERT INTO change_set_log(id, device, sequence, action, author, district, server_sequence, body_hash, acknowledgement, body)
                SELECT * FROM unnest(\(log.map(\.id))::uuid[], \(log.map(\.device))::text[],
                                     \(PostgresNullableArray(log.map(\.sequence)))::bigint[], \(log.map(\.action))::text[],
                                     \(log.map(\.author))::text[], \(log.map(\.district.value))::text[],
                                     \(log.map(\.serverSequence))::bigint[], \(log.map(\.bodyHash))::text[],
                                     \(log.map(\.acknowledgement.jsonValue.canonicalText))::text[], \(log.map(\.body))::text[])
                """, "logging \(log.count) change sets")
        }
        // a rejection remembered already is left as it is: the first one of a batch stands too
        var seen: Set<UUID> = []
        let rejections = writes.rejections.filter { seen.insert($0.id).inserted }
        if !rejections.isEmpty {
            _ = try await rows("""
                INSERT INTO rejection(id, device, sequence, body_hash, code, acknowledgement, rejected_at)
                SELECT * FROM unnest(\(rejections.map(\.id))::uuid[], \(rejections.map(\.device))::text[],
                                     \(rejections.map(\.sequence))::bigint[], \(rejections.map(\.bodyHash))::text[],
                                     \(rejections.map { $0.acknowledgement.code ?? "" })::text[],
                                     \(rejections.map(\.acknowledgement.jsonValue.canonicalText))::text[],
                                     \(rejections.map(\.rejectedAt))::bigint[])
                ON CONFLICT (id) DO NOTHING
                """, "remembering \(rejections.count) rejections")
        }
        try await writeDepartures(writes.departures)
    }

    /// Writes departures, the latest from each village standing (done apart: they are rare).
    func writeDepartures(_ rows: [DepartureRow]) async throws {
        let departures = Self.lastByKey(rows) { "\($0.entity.rawValue)/\($0.id.uuidString)/\($0.from.value)" }
        guard !departures.isEmpty else { return }
        _ = try await self.rows("""
            INSERT INTO departure(entity, id, from_village, to_village, district, server_sequence)
            SELECT * FROM unnest(\(departures.map(\.entity.rawValue))::text[], \(departures.map(\.id))::uuid[],
                                 \(departures.map(\.from.value))::text[], \(departures.map(\.to.value))::text[],
                                 \(departures.map(\.district.value))::text[], \(departures.map(\.serverSequence))::bigint[])
            ON CONFLICT (entity, id, from_village) DO UPDATE SET to_village = excluded.to_village, district = excluded.district,
                server_sequence = excluded.server_sequence
            """, "writing \(departures.count) departures")
    }

    /// The rows with each key once, the last of each standing, in the order of their last
    /// appearance (`ON CONFLICT DO UPDATE` may not touch one row twice in one statement).
    static func lastByKey<Row, Key: Hashable>(_ rows: [Row], key: (Row) -> Key) -> [Row] {
        var last: [Key: Int] = [:]
        for (index, row) in rows.enumerated() { last[key(row)] = index }
        guard last.count < rows.count else { return rows }
        return rows.enumerated().filter { last[key($0.element)] == $0.offset }.map(\.element)
    }
}
