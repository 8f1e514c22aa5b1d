import Foundation

/// The second implementations the protocol tests run (Protocol/check-vectors.py,
/// Protocol/check-bundle-vectors.py) are Python scripts.
enum PythonTool {
    /// In CI (`CI=true`) the Python side must run: a missing python3 or package fails the tests
    /// that need it instead of skipping them (scripts/install-deps installs them).
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A `python3` that can import `module`: `$PYTHON`, else `python3` on the `PATH`, else
    /// `/usr/bin/python3`; nil when none can (scripts/install-deps installs the packages).
    static func find(importing module: String) -> [String]? {
        let candidates = (ProcessInfo.processInfo.environment["PYTHON"].map { [[$0]] } ?? []) + [["/usr/bin/env", "python3"], ["/usr/bin/python3"]]
        for command in candidates where FileManager.default.isExecutableFile(atPath: command[0]) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst()) + ["-c", "import \(module)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 { return command }
        }
        return nil
    }
}
