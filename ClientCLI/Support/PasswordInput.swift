import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a store password comes from: `--password-stdin` (one line of standard input),
/// else `$DOUDI_PASSWORD` (scripts and tests: anyone who can read the process's environment
/// can read it), else typed on the terminal without echo.
struct PasswordInput {
    /// The environment variable a password may come from (the same one `doudi login` reads).
    static let environmentVariable = "DOUDI_PASSWORD"

    /// Read one line of standard input (`--password-stdin`).
    var fromStandardInput: Bool
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// The password from the environment, if set.
    var fromEnvironment: String? {
        environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads the password.
    ///
    /// - Parameters:
    ///   - prompt: what the terminal shows.
    ///   - confirm: on a terminal, ask twice (a new password).
    /// - Throws: ``CommandFailure`` when none is given, or the two typed differ.
    func read(prompt: String, confirm: Bool = false) throws -> String {
        if fromStandardInput {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CommandFailure(chinese: "标准输入中没有密码", "--password-stdin: standard input has no password line")
            }
            return line
        }
        if let fromEnvironment { return fromEnvironment }
        guard isatty(STDIN_FILENO) != 0 else {
            throw CommandFailure(chinese: "没有给出密码", "no password given: type it on a terminal, pass --password-stdin with the password on standard input, or set \(Self.environmentVariable)")
        }
        let first = Self.typed(prompt)
        guard !first.isEmpty else { throw CommandFailure("no password typed") }
        if confirm, Self.typed("再输入一次 Again: ") != first {
            throw CommandFailure(chinese: "两次输入的密码不一致", "the two passwords typed differ: nothing changed; try again")
        }
        return first
    }

    /// A line typed on the terminal without echo.
    static func typed(_ prompt: String) -> String {
        guard let typed = getpass(prompt) else { return "" }
        return String(cString: typed)
    }
}
