import Foundation

/// Runs the built `doudi` executable as a real process, from the package root.
enum Doudi {
    /// What a run printed and how it ended.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root (this file is `Tests/DoudiCLITests/Doudi.swift`).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `doudi` executable: `$DOUDI_BIN`, else beside the test bundle in the build
    /// products directory (SwiftPM builds it: the test target depends on it), else
    /// `.build/debug/doudi`.
    static func executable() throws -> URL {
        var candidates: [URL] = []
        if let bin = ProcessInfo.processInfo.environment["DOUDI_BIN"], !bin.isEmpty {
            candidates.append(URL(fileURLWithPath: bin))
        }
        var products = Bundle.main.bundleURL
        if products.pathExtension == "xctest" { products.deleteLastPathComponent() }
        candidates.append(products.appendingPathComponent("doudi"))
        if let exe = Bundle.main.executableURL {
            var dir = exe.deletingLastPathComponent()
            while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
            candidates.append(dir.appendingPathComponent("doudi"))
        }
        candidates.append(root.appendingPathComponent(".build/debug/doudi"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw LookupError(message: "doudi executable not found; looked at \(candidates.map(\.path)); build it with `swift build` or set DOUDI_BIN")
        }
        return found
    }

    struct LookupError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    static func run(_ arguments: String...) throws -> Run { try run(arguments) }

    /// The store password the runs give in `DOUDI_PASSWORD` unless a test names its own (or
    /// removes it): `doudi init` protects a new store with it, and a store whose unlocked key
    /// has expired from the key cache unlocks with it (docs/LAPTOP-SECURITY.md).
    static let storePassword = "Doudi-test-store-1"

    /// Runs `doudi` with `arguments` in `directory`; `environment` entries set (or, when nil, remove) variables
    /// (`DOUDI_PASSWORD` is ``storePassword`` unless named there); `input`, when given, is the process's standard input.
    static func run(_ arguments: [String], in directory: URL = root, environment: [String: String?] = [:],
                    input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_PASSWORD"] = storePassword
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Files, not pipes: a large output cannot fill a pipe and stall the run.
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let input {
            let file = dir.appendingPathComponent("stdin")
            try Data(input.utf8).write(to: file)
            process.standardInput = try FileHandle(forReadingFrom: file)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try outHandle.close(); try errHandle.close()
        return Run(status: process.terminationStatus,
                   stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// A fresh empty directory.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The sample household documents, relative to the root, sorted.
    static func samples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Samples/households").path)
            .filter { $0.hasSuffix(".json") }.sorted().map { "Samples/households/\($0)" }
    }

    /// The text of a sample household document.
    static func sample(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Samples/households/\(name).json"), encoding: .utf8)
    }

    /// The text of the shipped policy file.
    static func shippedPolicy() throws -> String {
        try String(contentsOf: root.appendingPathComponent("ServerConfig/policy/dongxing-2020.json"), encoding: .utf8)
    }

    struct ReplaceError: Error, CustomStringConvertible { var description: String }

    /// `text` with each replacement made; fails if a target is not found, so that a
    /// changed sample cannot silently turn a test into a no-op.
    static func replacing(_ text: String, _ replacements: [(String, String)]) throws -> String {
        var s = text
        for (target, replacement) in replacements {
            guard s.contains(target) else { throw ReplaceError(description: "\(target) not found") }
            s = s.replacingOccurrences(of: target, with: replacement)
        }
        return s
    }
}
