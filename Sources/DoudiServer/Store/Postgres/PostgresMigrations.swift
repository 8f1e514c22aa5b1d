import DoudiSync
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL store's schema as named migrations, applied in order at start.
///
/// Every migration not yet listed in `doudi_migration` runs, all in one transaction that
/// first takes an advisory lock, so two server processes starting together apply each
/// migration once (the second waits, then finds them applied). Never edit a shipped
/// migration: add one.
///
/// Org codes are `text COLLATE "C"`: scope filters are ranges (`village >= '511011' AND
/// village < '511011:'`, see ``OrgCode/subtreeBounds``), which hold only in byte order;
/// a database created with a natural-language collation would sort `:` elsewhere.
enum PostgresMigrations {
    struct Migration: Sendable {
        var name: String
        /// One statement each (the extended protocol runs one statement per query).
        var statements: [String]
    }

    /// The advisory lock key that serialises migrations across processes.
    static let lockKey = LedgerDigest.int64("doudi:postgres-migrations")

    static let all: [Migration] = [
        Migration(name: "v1-server", statements: [
            """
            CREATE TABLE org_unit (
                code text COLLATE "C" PRIMARY KEY,
                name text NOT NULL,
                kind text,
                population bigint)
            """,
            """
            CREATE TABLE app_user (
                name text PRIMARY KEY,
                role text NOT NULL,
                org text COLLATE "C" NOT NULL REFERENCES org_unit(code),
                algorithm text NOT NULL,
                salt bytea NOT NULL,
                hash bytea NOT NULL,
                rounds integer NOT NULL)
            """,
            """
            CREATE TABLE token (
                hash text PRIMARY KEY,
                user_name text NOT NULL REFERENCES app_user(name),
                device text NOT NULL,
                role text NOT NULL,
                org text COLLATE "C" NOT NULL,
                issued_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                revoked boolean NOT NULL DEFAULT false)
            """,
            "CREATE INDEX token_user ON token(user_name)",
            "CREATE INDEX token_device ON token(device)",
            // every record as the server holds it now (merged); `body` is the RecordVersion JSON
            """
            CREATE TABLE record (
                entity text NOT NULL,
                id uuid NOT NULL,
                village text COLLATE "C" NOT NULL,
                district text COLLATE "C" NOT NULL,
                household uuid,
                person_key text,
                fund_town text COLLATE "C",
                voided boolean NOT NULL,
                server_sequence bigint NOT NULL,
                body text NOT NULL,
                PRIMARY KEY (entity, id))
            """,
            // the feed: a district's by sequence; a village's or town's by village range, then sequence
            "CREATE INDEX record_feed ON record(district, server_sequence)",
            "CREATE INDEX record_village ON record(village, server_sequence)",
            "CREATE INDEX record_person ON record(person_key) WHERE person_key IS NOT NULL AND NOT voided",
            "CREATE INDEX record_household ON record(entity, household)",
            "CREATE INDEX record_fund ON record(fund_town) WHERE fund_town IS NOT NULL AND NOT voided",
            """
            CREATE TABLE conflict (
                id uuid PRIMARY KEY,
                kind text NOT NULL,
                entity text NOT NULL,
                record uuid NOT NULL,
                village text COLLATE "C" NOT NULL,
                district text COLLATE "C" NOT NULL,
                resolved boolean NOT NULL,
                server_sequence bigint NOT NULL,
                body text NOT NULL)
            """,
            "CREATE INDEX conflict_feed ON conflict(district, server_sequence)",
            "CREATE INDEX conflict_village ON conflict(village, resolved, server_sequence)",
            // every accepted change set (and server action), with its answer
            """
            CREATE TABLE change_set_log (
                id uuid PRIMARY KEY,
                device text NOT NULL,
                sequence bigint,
                action text NOT NULL,
                author text NOT NULL,
                district text COLLATE "C" NOT NULL,
                server_sequence bigint NOT NULL,
                body_hash text NOT NULL,
                acknowledgement text NOT NULL,
                body text NOT NULL,
                UNIQUE (device, sequence))
            """,
            // rejected change sets: only their answer, so that a retry gets the same one
            """
            CREATE TABLE rejection (
                id uuid PRIMARY KEY,
                device text NOT NULL,
                sequence bigint NOT NULL,
                body_hash text NOT NULL,
                code text NOT NULL,
                acknowledgement text NOT NULL,
                rejected_at bigint NOT NULL)
            """,
            // the last server sequence taken in each district's feed
            """
            CREATE TABLE district_sequence (
                district text COLLATE "C" PRIMARY KEY,
                value bigint NOT NULL)
            """,
        ]),
        accounts,
        // SPEC §15.2: each device's bundle keys (public), the server's own pair (secret)
        Migration(name: "v3-bundles", statements: [
            "ALTER TABLE device ADD COLUMN bundle_signing_key text",
            "ALTER TABLE device ADD COLUMN bundle_agreement_key text",
            // the newest request bundle admitted: an older one is not applied (§15.6)
            "ALTER TABLE device ADD COLUMN last_bundle_id text",
            "ALTER TABLE device ADD COLUMN last_bundle_at bigint",
            "CREATE TABLE server_key (name text PRIMARY KEY, secret text NOT NULL, created_at bigint NOT NULL)",
        ]),
        // SPEC §9.7: records that left a village with their household, the latest departure from each village
        Migration(name: "v4-departures", statements: [
            """
            CREATE TABLE departure (
                entity text NOT NULL,
                id uuid NOT NULL,
                from_village text COLLATE "C" NOT NULL,
                to_village text COLLATE "C" NOT NULL,
                district text COLLATE "C" NOT NULL,
                server_sequence bigint NOT NULL,
                PRIMARY KEY (entity, id, from_village))
            """,
            "CREATE INDEX departure_feed ON departure(district, server_sequence)",
        ]),
    ]

    /// Applies the migrations `connection`'s database lacks.
    ///
    /// - Returns: the names of the migrations applied now.
    /// - Throws: ``ServerError`` naming the migration that failed (nothing of it is kept).
    @discardableResult
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var operation = "starting the migrations"
        do {
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                operation = "creating the table doudi_migration"
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS doudi_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                operation = "reading the applied migrations"
                var applied: Set<String> = []
                for try await name in try await connection.query("SELECT name FROM doudi_migration", logger: logger).decode(String.self) {
                    applied.insert(name)
                }
                var done: [String] = []
                for migration in all where !applied.contains(migration.name) {
                    operation = "applying the migration \(migration.name)"
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO doudi_migration(name) VALUES (\(migration.name))", logger: logger)
                    done.append(migration.name)
                }
                operation = "committing the migrations"
                try await connection.query("COMMIT", logger: logger)
                if !done.isEmpty { logger.info("PostgreSQL store migrated", metadata: ["migrations": "\(done.joined(separator: ", "))"]) }
                return done
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        } catch let error as PSQLError {
            throw PostgresFailure(operation: operation, error: error).serverError
        }
    }
}
