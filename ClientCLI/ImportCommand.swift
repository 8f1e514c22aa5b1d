import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi import --csv FILE | --xlsx FILE [--sheet NAME] [--json]`: bulk-loads households and members from a ledger spreadsheet.
struct ImportCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "import",
            abstract: "导入台账 Load households and members from a ledger spreadsheet (CSV or .xlsx).",
            discussion: """
                The file is CSV or tab-separated text in UTF-8 (with or without BOM), UTF-16 or GBK/GB18030 \
                (detected), or an Excel workbook (.xlsx, its first sheet or --sheet). Title rows above the \
                header are skipped. One row per member, rows with the same 户编号 forming one household, \
                with its account (开户银行, 账户名称, 银行账号) on its rows. Columns: \
                \(LedgerImport.Column.allCases.map(\.rawValue).joined(separator: ", ")) — see docs/LEDGER-CSV.md \
                and the sample Samples/ledger/wuxing-village.csv.

                Every row is checked. A bad row is reported with its line number and the reason, and \
                written nowhere; the good rows land, each as its own change set.

                Exit status: 0 when every row was imported, 1 when any row was rejected (or the file \
                could not be read at all).
                """
        )
    }

    @Option(help: ArgumentHelp("台账文件 The ledger, a CSV or text file (UTF-8, UTF-16 or GBK).", valueName: "file"))
    var csv: String?

    @Option(help: ArgumentHelp("台账文件 The ledger, an Excel workbook (.xlsx).", valueName: "file"))
    var xlsx: String?

    @Option(help: ArgumentHelp("工作表 The workbook's sheet to read (default: the first).", valueName: "name"))
    var sheet: String?

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

    func validate() throws {
        guard (csv == nil) != (xlsx == nil) else {
            throw ValidationError("give the ledger as --csv FILE or --xlsx FILE (one of them)")
        }
    }

    func run() throws {
        let csv = self.csv ?? xlsx ?? ""
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
            do { result = try LedgerImport(store: store).run(data, sheet: sheet) } catch let error as FieldError {
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
