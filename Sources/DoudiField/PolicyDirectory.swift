import DoudiModel
import Foundation

/// Policy versions on disk: one policy file, or a directory of them.
///
/// Each file holds one ``PolicyVersion`` (format: `docs/POLICY-FILE.md`). A new
/// version of the standards is a new file with a later `effectiveFrom`; the
/// ``PolicyBook`` picks the version in force on a day. The shipped directory is
/// `ServerConfig/policy`.
///
/// ```swift
/// let book = try PolicyDirectory(path: "ServerConfig/policy").load()
/// let policy = try book.inForce(on: day)
/// ```
public struct PolicyDirectory: Sendable {
    /// A file or a directory, as the user named it.
    public var path: String

    /// - Parameter path: a policy file (`*.json`) or a directory holding policy files.
    public init(path: String) { self.path = path }

    /// The policy files: `path` itself when it is a file, else every `*.json`
    /// directly inside the directory, sorted by name. Hidden files are skipped.
    ///
    /// - Throws: ``DocumentError`` when the path does not exist, cannot be listed,
    ///   or is a directory without policy files.
    public func files() throws(DocumentError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DocumentError(document: path, field: "", message: "no such policy file or directory: pass --policy with a policy file or a directory of them, e.g. ServerConfig/policy")
        }
        guard isDirectory.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw DocumentError(document: path, field: "", message: "cannot be listed: check its permissions")
        }
        let files = names
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted()
            .map { (path as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else {
            throw DocumentError(document: path, field: "", message: "holds no policy files (*.json): see docs/POLICY-FILE.md")
        }
        return files
    }

    /// Reads and validates every policy file into a book.
    ///
    /// - Returns: the versions, ordered by effective date.
    /// - Throws: ``DocumentError`` naming the file and the field at fault: a misspelt or
    ///   missing setting, a figure that breaks the policy's own constraints (e.g. a
    ///   classified-aid tier below 10% of the standard, §3.1.6), or two versions with
    ///   the same id or effective date.
    public func load() throws(DocumentError) -> PolicyBook {
        var versions: [PolicyVersion] = []
        for file in try files() { versions.append(try Self.loadVersion(file)) }
        do {
            return try PolicyBook(versions)
        } catch {
            throw DocumentError(error, document: path)
        }
    }

    /// Where the Debian package installs the policy files (`packaging/`, docs/INSTALL.md), so that
    /// a laptop with the package finds them outside a checkout of the repository.
    public static let installedPath = "/usr/share/doudi/policy"

    /// The policy to read when none was named: `repository` (the checkout's `ServerConfig/policy`,
    /// relative to the current directory) when it exists, else `installed` when it exists.
    ///
    /// - Parameters:
    ///   - repository: the shipped directory relative to a checkout, e.g. `ServerConfig/policy`.
    ///   - installed: the package's copy, ``installedPath`` unless a test names another.
    /// - Returns: the first that exists, or `nil` when neither does.
    public static func defaultPath(repository: String, installed: String = installedPath) -> String? {
        [repository, installed].first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Reads and validates one policy file.
    ///
    /// - Parameter file: the file, as the user named it; error messages repeat it.
    /// - Throws: ``DocumentError`` naming the file, the field and the problem.
    public static func loadVersion(_ file: String) throws(DocumentError) -> PolicyVersion {
        try PolicyVersion.load(json: DocumentFile.read(file), document: file)
    }
}
