import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `--policy`: where the policy versions come from, shared by every command that
/// computes with the standards.
struct PolicyOptions: ParsableArguments {
    /// The environment variable naming a policy file or directory.
    static let environmentVariable = "DOUDI_POLICY"
    /// The shipped policy directory, relative to a checkout of the repository.
    static let repositoryDirectory = "ServerConfig/policy"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "政策文件或目录 A policy file, or a directory of policy files (*.json).",
            discussion: """
                Default: $\(PolicyOptions.environmentVariable) if set, else ./\(PolicyOptions.repositoryDirectory) \
                (run from the repository root), else the installed \(PolicyDirectory.installedPath). \
                The version in force on the as-of day is used.
                """,
            valueName: "path"))
    var policy: String?

    /// The path to read: `--policy`, else `$DOUDI_POLICY`, else `./ServerConfig/policy`, else the
    /// package's `/usr/share/doudi/policy`.
    ///
    /// - Throws: ``CommandFailure`` saying what to pass when none is found.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let policy { return policy }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        if let found = PolicyDirectory.defaultPath(repository: Self.repositoryDirectory) { return found }
        throw CommandFailure(
            "no policy files found: pass --policy with a policy file or directory (in the repository: --policy \(Self.repositoryDirectory); installed: \(PolicyDirectory.installedPath)), or set \(Self.environmentVariable)")
    }

    /// Reads every policy version.
    ///
    /// - Throws: ``CommandFailure`` or ``DocumentError`` naming the file and field at fault.
    func loadBook() throws -> PolicyBook {
        try PolicyDirectory(path: resolvedPath()).load()
    }
}
