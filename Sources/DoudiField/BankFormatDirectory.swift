import DoudiModel
import Foundation

/// The banks' batch formats on disk: a directory of `*.json` files, one ``BankFormat`` each
/// (docs/BANK-FORMATS.md). The shipped directory is `ServerConfig/banks`; the package installs
/// it as `/usr/share/doudi/banks`.
///
/// ```swift
/// let formats = try BankFormatDirectory(path: "ServerConfig/banks").load()
/// let split = BankBatch.split(roll, formats: formats)
/// ```
public struct BankFormatDirectory: Sendable {
    /// The directory, as the user named it.
    public var path: String

    public init(path: String) { self.path = path }

    /// Where the package installs the formats.
    public static let installedPath = "/usr/share/doudi/banks"

    /// `repository` (relative to a checkout) when it exists, else the installed copy, else `nil`.
    public static func defaultPath(repository: String = "ServerConfig/banks", installed: String = installedPath) -> String? {
        [repository, installed].first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Every format in the directory, by file name; ids must differ.
    ///
    /// - Throws: ``DocumentError`` naming the file at fault, or the directory when it holds none.
    public func load() throws(DocumentError) -> [BankFormat] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw DocumentError(document: path, field: "", message: "is not a directory of bank formats: pass --banks DIR (in the repository: ServerConfig/banks)")
        }
        var formats: [BankFormat] = []
        for name in names.filter({ $0.hasSuffix(".json") && !$0.hasPrefix(".") }).sorted() {
            let file = (path as NSString).appendingPathComponent(name)
            let format = try BankFormat.load(json: DocumentFile.read(file), document: file)
            if formats.contains(where: { $0.id == format.id }) {
                throw DocumentError(document: file, field: "id", message: "\(format.id) is the id of another bank's format in \(path): ids must differ")
            }
            formats.append(format)
        }
        guard !formats.isEmpty else {
            throw DocumentError(document: path, field: "", message: "holds no bank formats (*.json): see docs/BANK-FORMATS.md")
        }
        return formats
    }
}
