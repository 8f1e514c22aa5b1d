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
            let tree = try store.orgTree()
            // §4.4 a case approved under the special procedure is on the sheet of the notice posted after it
            let onNotice = try store.cases(at: [.publicNotice, .approved])
                .filter { org.contains($0.householdCase.household.village) && $0.workflow.noticeOnSheet != nil }
            let periods = Set(onNotice.compactMap { $0.workflow.noticeOnSheet?.postedOn })
            guard let chosen = try posted.map({ try Parse.day($0, option: "--posted") }) ?? periods.max() else {
                print("没有公示中的申请 No application of \(org) is on notice: post one with `doudi review notice APP`.")
                return NoticeSheetReport()
            }
            let cases = onNotice.filter { $0.workflow.noticeOnSheet?.postedOn == chosen }
            guard let through = cases.first?.workflow.noticeOnSheet?.through else {
                throw CommandFailure("no notice was posted on \(chosen); notices were posted on \(periods.sorted().map(\.description).joined(separator: ", "))")
            }
            let book = try store.policyBook()
            let entries = try cases.map { c -> NoticeSheet.Entry in
                let policy = try book.inForce(on: chosen)
                return NoticeSheet.Entry(application: c.application, householdCase: c.householdCase,
                                         assessment: Assessor(policy: policy).assess(c.householdCase, asOf: chosen))
            }
            let townCode = org.town ?? org
            let townName = ReportScope.name(townCode, tree)
            let sheet = NoticeSheet(town: townName, office: office ?? "\(townName)人民政府", phone: phone, from: chosen, through: through,
                                    entries: entries, org: tree)
            print(sheet.title)
            print(sheet.periodText)
            var table = Table(NoticeSheet.columns, rightAligned: [0, 4, 5, 7])
            for row in sheet.rows { table.append(row) }
            print(table.render(), terminator: "")
            print(sheet.footer)
            var report = NoticeSheetReport(sheet, postedOn: chosen, through: through)
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
