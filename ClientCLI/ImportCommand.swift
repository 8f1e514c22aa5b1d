import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi import --csv FILE [--json]`: bulk-loads households and members from a ledger spreadsheet.
struct ImportCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "import",
            abstract: "导入台账 Load households and members from a ledger spreadsheet (CSV).",
            discussion: """
                The file is CSV in UTF-8 (with or without BOM; from Excel: save as “CSV UTF-8 (逗号分隔)”), \
                one row per member, rows with the same 户编号 forming one household. Columns: \
                \(LedgerImport.Column.allCases.map(\.rawValue).joined(separator: ", ")) — see docs/LEDGER-CSV.md \
                and the sample Samples/ledger/wuxing-village.csv.

                Every row is checked. A bad row is reported with its line number and the reason, and \
                written nowhere; the good rows land, each as its own change set.

                Exit status: 0 when every row was imported, 1 when any row was rejected (or the file \
                could not be read at all).
                """
        )
    }

    @Option(help: ArgumentHelp("台账文件 The ledger, a CSV file.", valueName: "file"))
    var csv: String

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON: the counts and each rejected line, for scripts.")
    var json = false

    struct Report: Encodable {
        struct Rejection: Encodable { var line: Int; var reason: String }
        var file: String
        var households: Int
        var members: Int
        var rows: Int
        var rejected: [Rejection]
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: csv, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw CommandFailure("\(csv): no such file: check the path")
            }
            guard let data = FileManager.default.contents(atPath: csv) else {
                throw CommandFailure("\(csv): cannot be read: check its permissions")
            }
            let result: LedgerImport.Report
            do { result = try LedgerImport(store: store).run(data) } catch let error as FieldError {
                throw CommandFailure("\(csv): \(error.description)")
            }
            if json {
                print(try JSONOutput.string(Report(file: csv, households: result.households, members: result.members, rows: result.rows,
                                                   rejected: result.rejected.map { .init(line: $0.line, reason: $0.reason) })))
            } else {
                print("导入 \(result.households) 户 \(result.members) 人，拒绝 \(result.rejected.count) 行（共 \(result.rows) 行）")
                for r in result.rejected { print("第 \(r.line) 行: \(r.reason)") }
            }
            if !result.rejected.isEmpty {
                let landed = result.members == 0 ? "nothing was imported"
                    : result.members == 1 ? "the other row was imported" : "the other \(result.members) were imported"
                throw CommandFailure("\(result.rejected.count) of \(result.rows) rows were rejected (\(landed)): fix those lines and import a file of them alone; add a member whose household is already in with `doudi member add` (docs/LEDGER-CSV.md)")
            }
        }
    }
}
