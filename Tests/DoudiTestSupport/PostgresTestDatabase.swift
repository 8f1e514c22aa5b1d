import Foundation

/// A failure of the test support itself (a tool missing, a database that cannot be made).
public struct TestSupportFailure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// A PostgreSQL database of its own for one test, on the cluster that
/// `$DOUDI_TEST_POSTGRES_URL` names (set by `scripts/with-postgres`).
public struct PostgresTestDatabase: Sendable {
    /// The database's URL.
    public let url: String
    public let name: String
    let admin: String

    /// The cluster's URL, or why the PostgreSQL tests cannot run here. In CI (`$CI` set) a
    /// missing cluster is a failure, not a skip.
    public static var adminURL: String? { ProcessInfo.processInfo.environment["DOUDI_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var mustRun: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }
    public static let skipReason = "PostgreSQL tests skipped: DOUDI_TEST_POSTGRES_URL is not set (run the tests through scripts/with-postgres)"

    /// Creates a fresh database.
    public static func create() throws -> PostgresTestDatabase {
        guard let admin = adminURL else { throw TestSupportFailure(description: skipReason) }
        let name = "doudi_p_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try psql(admin, "CREATE DATABASE \(name)")
        guard let slash = admin.lastIndex(of: "/") else { throw TestSupportFailure(description: "cannot read \(admin)") }
        return PostgresTestDatabase(url: String(admin[..<slash]) + "/" + name, name: name, admin: admin)
    }

    public func drop() { _ = try? Self.psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    /// Runs SQL with `psql` and returns its unaligned output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw TestSupportFailure(description: "psql failed (\(p.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func query(_ sql: String) throws -> String { try Self.psql(url, sql) }
}

/// Which server store a test runs on.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }

    /// The kinds this machine can run. PostgreSQL is left out (with the reason printed) only
    /// where `DOUDI_TEST_POSTGRES_URL` is unset and `CI` is not set; in CI it always runs.
    public static var available: [StoreKind] {
        if PostgresTestDatabase.adminURL != nil || PostgresTestDatabase.mustRun { return allCases }
        reportSkip()
        return [.sqlite]
    }

    private static let skipOnce: Void = { print(PostgresTestDatabase.skipReason) }()
    private static func reportSkip() { _ = skipOnce }
}
