import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi policy special list|declare|end`: the special approval period (§4.4).
struct PolicySpecialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "special", abstract: "特殊时期 The special approval period (§4.4): list, declare, declare its end (district).",
        discussion: """
            During a special period the district declares (the 2020 document's epidemic), and for the \
            policy's specialProcedure.continuationMonths (3) after its declared end, towns approve the \
            programmes of specialProcedure.programmes under the special procedure: right after the \
            collective review, with the public notice posted afterwards, and temporary aid up to \
            specialProcedure.temporaryAidTownAuthorityMultipleOfStandard × the dibao standard. Such \
            approvals carry the period's mark and are filed with the district (review list --stage approved). \
            The declaration reaches every laptop of the district on its next sync.
            """,
        subcommands: [PolicySpecialListCommand.self, PolicySpecialDeclareCommand.self, PolicySpecialEndCommand.self],
        defaultSubcommand: PolicySpecialListCommand.self)
}

/// `doudi policy special list [--date DAY] [--json]`
struct PolicySpecialListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The special periods this laptop holds, and the procedure on a day.")
    @Option(help: ArgumentHelp("日期 Day to show the procedure of (default: today).", valueName: "day")) var date: String?
    @Flag(help: "输出 JSON for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let book = try store.policyBook()
            let day = try Parse.day(date)
            let special = book.specialProcedure(on: day)
            if json {
                print(try JSONOutput.string(SpecialPeriodsJSON(book: book, day: day, special: special)))
                return
            }
            if book.specialPeriods.isEmpty {
                print("没有特殊时期 No special period has been declared; the normal authority and procedure apply.")
                return
            }
            var table = Table(["短号", "名称", "开始", "宣布结束", "特殊程序至", "依据"])
            for p in book.specialPeriods {
                table.append([FieldStore.shortID(p.id), p.title, p.start.description, p.declaredEnd?.description ?? "—",
                              book.lastSpecialDay(of: p)?.description ?? "（未宣布结束）",
                              p.basis + (p.endBasis.map { "；结束：\($0)" } ?? "")])
            }
            print(table.render(), terminator: "")
            print(special.map { "\(day)：\($0.chineseName)，适用 \($0.rules.programmes.map(\.chineseName).joined(separator: "、")) (§4.4)" }
                  ?? "\(day)：常规权限和程序 normal authority and procedure")
        }
    }
}

/// `doudi policy special declare --title T --basis DOC --start DAY`
struct PolicySpecialDeclareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "declare", abstract: "宣布 Declare a special period (district officers); its end is declared later.")
    @Option(help: ArgumentHelp("名称 Title, e.g. 新冠肺炎疫情防控期间.", valueName: "text")) var title: String
    @Option(help: ArgumentHelp("依据文件 The document the declaration rests on.", valueName: "text")) var basis: String
    @Option(help: ArgumentHelp("开始日期 First day of the period, YYYY-MM-DD.", valueName: "day")) var start: String
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["title": "--title", "basis": "--basis", "start": "--start"]) { try output.run("policy special declare") { result in
            let store = try storeOptions.open()
            let org = try store.device().actor.org
            let period = SpecialPeriod(id: UUID(), district: org.district, title: title, basis: basis,
                                       start: try Parse.day(start, option: "--start"))
            let changeSet = try store.perform(.declareSpecialPeriod(period))
            result.wrote(changeSet)
            print("已宣布 Declared special period \(FieldStore.shortID(period.id))：\(title)，自 \(period.start) 起按特殊程序审核审批 (§4.4)；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi policy special end PERIOD --on DAY --basis DOC`
struct PolicySpecialEndCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "end", abstract: "宣布结束 Declare the end of a special period (district officers); the special procedure continues the policy's months after it.")
    @Argument(help: ArgumentHelp("The period's short id (doudi policy special list).", valueName: "period")) var period: String
    @Option(name: .customLong("on"), help: ArgumentHelp("结束日期 Last day of the period, YYYY-MM-DD.", valueName: "day")) var end: String
    @Option(help: ArgumentHelp("结束依据 The document declaring the end.", valueName: "text")) var basis: String
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["declaredEnd": "--on", "endBasis": "--basis", "period": "period"]) { try output.run("policy special end") { result in
            let store = try storeOptions.open()
            let periods = try store.specialPeriods()
            let wanted = period.trimmingCharacters(in: .whitespaces).lowercased()
            let found = periods.filter { $0.id.uuidString.lowercased().hasPrefix(wanted) }
            guard wanted.count >= FieldStore.shortIDMinimum, let target = found.first, found.count == 1 else {
                let known = periods.map { "\(FieldStore.shortID($0.id)) \($0.title)" }.joined(separator: "、")
                throw CommandFailure(chinese: found.count > 1 ? "有多个特殊时期与之相符" : "找不到该特殊时期", "\(Labels.echo(period)) names \(found.count > 1 ? "several special periods" : "no special period") on this laptop (\(known.isEmpty ? "none declared" : known)): give its short id")
            }
            let day = try Parse.day(end, option: "--on")
            var ended = target
            ended.declaredEnd = day
            let months = try store.policyBook().continuationMonths(of: ended)
            try target.checkEnd(day, declaredOn: try SystemClock.today(), continuationMonths: months)
            let changeSet = try store.perform(.endSpecialPeriod(target.id, end: day, basis: basis))
            result.wrote(changeSet)
            let last = day.addingCalendarMonths(months)
            print("已宣布结束 \(target.title) 于 \(day) 结束；特殊程序延续至 \(last)（结束后 \(months) 个月，§4.4），自 \(last.adding(days: 1)) 起恢复常规权限和程序；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi policy special list --json`
private struct SpecialPeriodsJSON: Encodable {
    struct Period: Encodable {
        var id: String
        var title: String
        var basis: String
        var start: String
        @Nullable var declaredEnd: String?
        @Nullable var endBasis: String?
        @Nullable var specialProcedureThrough: String?
    }
    var day: String
    /// The period whose special procedure applies on `day`, if any.
    @Nullable var specialPeriod: String?
    var continuation: Bool
    var programmes: [String]
    var periods: [Period]

    init(book: PolicyBook, day: Day, special: SpecialProcedure?) {
        self.day = day.description
        specialPeriod = special.map { JSONOutput.id($0.period.id) }
        continuation = special?.isContinuation ?? false
        programmes = special?.rules.programmes.map(\.rawValue) ?? []
        periods = book.specialPeriods.map { p in
            Period(id: JSONOutput.id(p.id), title: p.title, basis: p.basis, start: p.start.description,
                   declaredEnd: p.declaredEnd?.description, endBasis: p.endBasis,
                   specialProcedureThrough: book.lastSpecialDay(of: p)?.description)
        }
    }
}
