import Foundation

/// A running `doudi-server` process on 127.0.0.1, on the shipped bootstrap files and a
/// database given by path (SQLite) or URL (PostgreSQL).
final class ServerProcess: @unchecked Sendable {
    let directory: URL
    let database: String
    private(set) var process: Process?
    private(set) var port = 0

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// The executable: `$DOUDI_SERVER_BIN`, else `doudi-server` in the build products beside the test bundle.
    static func executable() throws -> URL {
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
        throw Failure(description: "doudi-server not found: build it with `swift build --product doudi-server` or set DOUDI_SERVER_BIN")
    }

    /// Writes a test configuration in `directory` and starts the server on a free port.
    init(directory: URL, database: String) throws {
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
            "logLevel": "warning",
        ]
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("server.json"))
        try start(port: 0)
    }

    /// Starts the server and waits for `doudi-server listening on 127.0.0.1:PORT`.
    func start(port: Int) throws {
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
                    throw Failure(description: "doudi-server's first line is not `doudi-server listening on HOST:PORT`: \(line)")
                }
                self.port = found
                return
            }
            if !p.isRunning {
                process = nil
                let log = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                throw Failure(description: "doudi-server exited with status \(p.terminationStatus) before listening: \(log.suffix(2_000))")
            }
            usleep(20_000)
        }
        kill()
        throw Failure(description: "doudi-server did not say it was listening within 60 s")
    }

    /// SIGKILL: the process dies at once, mid-transaction if it was in one.
    func kill() {
        guard let p = process else { return }
        process = nil
        if p.isRunning { Foundation.kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// SIGTERM (graceful), SIGKILL after 10 s.
    func stop() {
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

    deinit { stop() }
}

