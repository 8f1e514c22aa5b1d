import Foundation

/// A running `doudi-server` process on 127.0.0.1 (a free port), on the shipped bootstrap
/// files and a database given by path (SQLite) or URL (PostgreSQL): for the end-to-end tests
/// of the CLI and of the server processes.
public final class ServerProcess: @unchecked Sendable {
    public let directory: URL
    public let database: String
    public private(set) var process: Process?
    public private(set) var port = 0
    private var ownsDirectory = false

    /// `http://127.0.0.1:PORT`
    public var url: String { "http://127.0.0.1:\(port)" }
    public var baseURL: URL { URL(string: url)! }

    typealias Failure = TestSupportFailure

    /// The repository's root folder.
    public static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// The executable: `$DOUDI_SERVER_BIN`, else `doudi-server` in the build products beside the test bundle.
    public static func executable() throws -> URL {
        if let bin = ProcessInfo.processInfo.environment["DOUDI_SERVER_BIN"], !bin.isEmpty { return URL(fileURLWithPath: bin) }
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("doudi-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        for configuration in ["debug", "release"] {
            let candidate = root.appendingPathComponent(".build/\(configuration)/doudi-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestSupportFailure(description: "doudi-server not found: build it with `swift build --product doudi-server` or set DOUDI_SERVER_BIN")
    }

    /// Writes a test configuration in a new temporary folder (removed when the server is
    /// released) and starts the server on a free port, on a SQLite database there.
    public convenience init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-server-\(UUID().uuidString)")
        try self.init(directory: directory)
        ownsDirectory = true
    }

    /// Writes a test configuration in `directory` and starts the server on a free port.
    ///
    /// - Parameter database: a SQLite file, or a PostgreSQL URL; by default `server.sqlite` in `directory`.
    public init(directory: URL, database: String? = nil) throws {
        let database = database ?? directory.appendingPathComponent("server.sqlite").path
        self.directory = directory
        self.database = database
        let config: [String: Any] = [
            "http": ["host": "127.0.0.1", "port": 0, "maxBodyBytes": 64 * 1024 * 1024],
            "database": ["path": database],
            "auth": ["pbkdf2Rounds": 1_000],
            "sync": ["maxChangeSetsPerPush": 5000],
            "bootstrap": [
                "orgUnits": Self.root.appendingPathComponent("ServerConfig/org-units.json").path,
                "users": Self.root.appendingPathComponent("ServerConfig/users.json").path,
                "policies": Self.root.appendingPathComponent("ServerConfig/policy").path,
            ],
            "console": ["banks": Self.root.appendingPathComponent("ServerConfig/banks").path],
            "logLevel": "warning",
        ]
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("server.json"))
        try start(port: 0)
    }

    /// Starts the server and waits for `doudi-server listening on 127.0.0.1:PORT`.
    public func start(port: Int) throws {
        let out = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        if !FileManager.default.fileExists(atPath: err.path) { _ = FileManager.default.createFile(atPath: err.path, contents: nil) }
        let p = Process()
        p.executableURL = try Self.executable()
        p.arguments = ["--config", directory.appendingPathComponent("server.json").path, "--port", "\(port)", "--database", database]
        p.currentDirectoryURL = directory
        p.standardOutput = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        errHandle.seekToEndOfFile()
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, text.contains("\n") {
                guard let found = Int(line.split(separator: ":").last ?? "") else {
                    kill()
                    throw TestSupportFailure(description: "doudi-server's first line is not `doudi-server listening on HOST:PORT`: \(line)")
                }
                self.port = found
                return
            }
            if !p.isRunning {
                process = nil
                let log = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                throw TestSupportFailure(description: "doudi-server exited with status \(p.terminationStatus) before listening: \(log.suffix(2_000))")
            }
            usleep(20_000)
        }
        kill()
        throw TestSupportFailure(description: "doudi-server did not say it was listening within 60 s")
    }

    /// The last `count` characters the server wrote to standard error (its log), for diagnoses.
    public func logTail(_ count: Int) -> String {
        String(((try? String(contentsOf: directory.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? "").suffix(count))
    }

    /// SIGKILL: the process dies at once, mid-transaction if it was in one.
    public func kill() {
        guard let p = process else { return }
        process = nil
        if p.isRunning { Foundation.kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// SIGTERM (graceful), SIGKILL after 10 s.
    public func stop() {
        guard let p = process else { return }
        process = nil
        if p.isRunning {
            p.terminate()
            let deadline = Date().addingTimeInterval(10)
            while p.isRunning, Date() < deadline { usleep(20_000) }
            if p.isRunning { Foundation.kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
    }

    /// Stops and starts again on the same port and database (a server restart).
    public func restart() throws {
        let same = port
        stop()
        try start(port: same)
    }

    deinit {
        stop()
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }
}

