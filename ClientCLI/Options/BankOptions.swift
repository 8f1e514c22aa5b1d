import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `--banks DIR`: where the banks' batch formats are (`ServerConfig/banks`, docs/BANK-FORMATS.md).
struct BankOptions: ParsableArguments {
    /// The environment variable naming the directory when `--banks` is not given.
    static let environmentVariable = "DOUDI_BANKS"

    @Option(help: ArgumentHelp(
        "银行格式目录 A directory of bank batch formats (*.json).",
        discussion: "Default: $DOUDI_BANKS, else ./ServerConfig/banks (in the repository), else the installed \(BankFormatDirectory.installedPath).",
        valueName: "dir"))
    var banks: String?

    /// Every format, in file-name order.
    ///
    /// - Throws: ``CommandFailure`` when none is found; ``DocumentError`` for a broken format file.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [BankFormat] {
        let path = banks ?? environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? BankFormatDirectory.defaultPath()
        guard let path else {
            throw CommandFailure("no bank formats found: pass --banks DIR (in the repository: --banks ServerConfig/banks), or set \(Self.environmentVariable)")
        }
        return try BankFormatDirectory(path: path).load()
    }
}
