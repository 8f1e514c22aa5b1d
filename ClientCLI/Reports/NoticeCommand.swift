import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi notice sheet`: the public-notice sheet (张榜公示) of the cases on notice in a town.
struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "公示 The public-notice sheet of the cases on notice (printable HTML, CSV).",
        subcommands: [NoticeSheetCommand.self], defaultSubcommand: NoticeSheetCommand.self)
}

/// `doudi notice sheet [--town T] [--posted DAY] [--html FILE] [--csv FILE]`
struct NoticeSheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet", abstract: "Print or write the notice sheet: names, masked ID numbers, proposed amounts.",
        discussion: "One sheet per notice period: the cases posted on --posted (default: the latest posting day). ID numbers are always masked; temporary-aid rows show the application's summary, which must name no disease or cost.")
    @Option(help: ArgumentHelp("镇 9-digit town code (default: your town).", valueName: "town")) var town: String?
    @Option(help: ArgumentHelp("张榜日期 The notice's first day (default: the latest).", valueName: "day")) var posted: String?
    @Option(help: ArgumentHelp("公示单位 Issuing office (default: the town's 人民政府).", valueName: "text")) var office: String?
    @Option(help: ArgumentHelp("监督电话 Complaint phone.", valueName: "phone")) var phone: String = "12345"
    @Option(help: ArgumentHelp("Write printable HTML here.", valueName: "file")) var html: String?
    @Option(help: ArgumentHelp("Write CSV (UTF-8 with BOM) here.", valueName: "file")) var csv: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func validate() throws { if let posted { _ = try Parse.day(posted, option: "--posted") } }

    func run() throws {
        try reportingFailures { try output.report { () throws -> NoticeSheetReport in
            let store = try storeOptions.open()
            let org = try ReportScope.org(town, store: store)
            let chosen = try posted.map { try Parse.day($0, option: "--posted") }
            let sheet: NoticeSheet
            do {
                guard let made = try store.noticeSheet(within: org, posted: chosen, office: office, phone: phone) else {
                    print("没有公示中的申请 No application of \(org) is on notice: post one with `doudi review notice APP`.")
                    return NoticeSheetReport()
                }
                sheet = made
            } catch let error as FieldError where error.code == .notFound { throw CommandFailure(error.message) }
            print(sheet.title)
            print(sheet.periodText)
            var table = Table(NoticeSheet.columns, rightAligned: [0, 4, 5, 7])
            for row in sheet.rows { table.append(row) }
            print(table.render(), terminator: "")
            print(sheet.footer)
            var report = NoticeSheetReport(sheet, postedOn: sheet.from, through: sheet.through)
            if let html {
                try ReportScope.write(sheet.html(), to: html, what: "公示表 notice sheet (HTML, print on A4)")
                report.files.append(.init(kind: "html", path: html))
            }
            if let csv {
                try ReportScope.write(sheet.csv(), to: csv, what: "公示表 notice sheet (CSV)")
                report.files.append(.init(kind: "csv", path: csv))
            }
            return report
        }}
    }
}
