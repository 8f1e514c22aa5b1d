import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--json` for a command that changes something: standard output then carries **one JSON
/// object** saying what was done (``CommandResult``) and nothing else.
///
/// Under `--json` everything the command prints for people goes to standard error instead
/// (standard output is pointed at standard error while the command runs), and the result is
/// written to the real standard output when the command succeeds. A failure writes no JSON: the
/// usual one line `doudi: 错误：…` on standard error and exit status 1 (64 for a mistyped option).
///
/// ```swift
/// @OptionGroup var output: ResultOutput
///
/// func run() throws {
///     try reportingFailures {
///         try output.run("household add") { result in
///             let changeSet = try store.perform(…)
///             print("已登记家庭 …")          // people: stdout, or stderr under --json
///             result.wrote(changeSet)       // ids, short ids, the change set
///             result.counts["members"] = 1
///         }
///     }
/// }
/// ```
struct ResultOutput: ParsableArguments {
    @Flag(help: "以 JSON 输出结果 Print what was done as one JSON object on standard output (messages for people go to standard error).")
    var json = false

    /// Runs `body` with a result to fill; under `--json` prints it as JSON when `body` succeeds.
    ///
    /// - Parameters:
    ///   - command: the command as typed after `doudi`, e.g. `household add`.
    ///   - body: the command's work; what it prints is for people.
    /// - Throws: whatever `body` throws (nothing is printed on standard output then).
    func run(_ command: String, _ body: (inout CommandResult) throws -> Void) throws {
        var result = CommandResult(command: command)
        let saved = divert()
        defer { restore(saved) }
        try body(&result)
        try emit(result, to: saved)
    }

    /// Like ``run(_:_:)`` for a body that awaits.
    func run(_ command: String, _ body: (inout CommandResult) async throws -> Void) async throws {
        var result = CommandResult(command: command)
        let saved = divert()
        defer { restore(saved) }
        try await body(&result)
        try emit(result, to: saved)
    }

    /// Runs `body`, which answers a report of its own (a roll, a reconciliation); under `--json`
    /// that report is the one JSON object on standard output, and what `body` prints for people
    /// goes to standard error.
    func report<Report: Encodable>(_ body: () throws -> Report) throws {
        let saved = divert()
        defer { restore(saved) }
        let report = try body()
        try emit(report, to: saved)
    }

    /// Like ``report(_:)`` for a body that awaits.
    func report<Report: Encodable>(_ body: () async throws -> Report) async throws {
        let saved = divert()
        defer { restore(saved) }
        let report = try await body()
        try emit(report, to: saved)
    }

    /// Under --json: points standard output at standard error; answers the real one.
    private func divert() -> Int32? {
        guard json else { return nil }
        fflush(nil)  // every stream: Swift 6 refuses the global `stdout`
        let saved = dup(STDOUT_FILENO)
        guard saved >= 0 else { return nil }
        dup2(STDERR_FILENO, STDOUT_FILENO)
        return saved
    }

    private func restore(_ saved: Int32?) {
        guard let saved else { return }
        fflush(nil)  // every stream: Swift 6 refuses the global `stdout`
        dup2(saved, STDOUT_FILENO)
        close(saved)
    }

    private func emit<Report: Encodable>(_ result: Report, to saved: Int32?) throws {
        guard json else { return }
        fflush(nil)  // every stream: Swift 6 refuses the global `stdout`
        let text = try JSONOutput.string(result) + "\n"
        if let saved {
            FileHandle(fileDescriptor: saved, closeOnDealloc: false).write(Data(text.utf8))
        } else {
            print(text, terminator: "")
        }
    }
}
