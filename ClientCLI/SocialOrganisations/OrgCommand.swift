import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi org list|add|edit|report|due`: the district's registry of social organisations (§3.7).
struct OrgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "社会组织 The district's social organisations (§3.7): registry, annual reports due.",
        discussion: """
            The district keeps the registry; towns and villages receive it read-only on sync. \
            See also `doudi project` (their aid projects), `doudi need` (village needs and matching) \
            and `doudi volunteer` (the volunteer pool).
            """,
        subcommands: [OrgListCommand.self, OrgAddCommand.self, OrgEditCommand.self, OrgReportCommand.self, OrgDueCommand.self],
        defaultSubcommand: OrgListCommand.self)

    static func find(_ text: String, _ store: FieldStore) throws -> SocialOrganisation {
        try RegistryLookup.find(text, in: try store.socialOrganisations(), what: "social organisation", list: "doudi org list", name: \.name)
    }
}

/// `doudi org list [--json]`
struct OrgListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The registered social organisations.")
    @Option(help: ArgumentHelp("日期 Day the annual reports are judged on (default: today).", valueName: "day")) var date: String?
    @Flag(help: "输出 JSON for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let day = try Parse.day(date)
            let orgs = try store.socialOrganisations()
            if json { print(try JSONOutput.string(orgs.map { OrgJSON($0, on: day) })); return }
            guard !orgs.isEmpty else { print("没有登记的社会组织 No social organisation registered (doudi org add, district)."); return }
            var table = Table(["短号", "名称", "类型", "统一社会信用代码", "登记日期", "评估等级", "慈善组织", "公开募捐", "慈善信托", "未报年报"])
            for o in orgs {
                table.append([Labels.short(o.id), o.name, o.kind.chineseName, o.creditCode, o.registeredOn.description, o.gradeText,
                              o.charityRecognisedOn.map { "是（\($0)）" } ?? "否", o.publicFundraising ? "有" : "无",
                              o.charitableTrusts.isEmpty ? "—" : o.charitableTrusts.map(\.name).joined(separator: "、"),
                              o.reportsOutstanding(by: day).map { "\($0.year)年" }.joined(separator: "、").nonEmpty ?? "—"])
            }
            print(table.render(), terminator: "")
        }
    }
}

/// `doudi org add --name N --credit-code C --kind K --registered DAY [--contact TEXT]`
struct OrgAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "登记 Register a social organisation (district officers).")
    @Option(help: ArgumentHelp("名称", valueName: "text")) var name: String
    @Option(name: .customLong("credit-code"), help: ArgumentHelp("统一社会信用代码, 18 characters.", valueName: "code")) var creditCode: String
    @Option(help: ArgumentHelp("类型: association 社会团体, serviceOrganisation 社会服务机构, foundation 基金会.", valueName: "kind")) var kind: String
    @Option(help: ArgumentHelp("登记日期 YYYY-MM-DD.", valueName: "day")) var registered: String
    @Option(help: ArgumentHelp("联系人及电话", valueName: "text")) var contact: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["name": "--name", "creditCode": "--credit-code", "registeredOn": "--registered", "contact": "--contact"]) { try output.run("org add") { result in
            let store = try storeOptions.open()
            let district = try store.device().actor.org.district
            let org = SocialOrganisation(id: UUID(), district: district, name: name, creditCode: creditCode.uppercased(),
                                         kind: try SocialOrganisationKind.parse(kind, option: "--kind"),
                                         registeredOn: try Parse.day(registered, option: "--registered"), contact: contact)
            let changeSet = try store.perform(.saveOrganisation(org))
            result.wrote(changeSet)
            print("已登记 Registered \(name)（\(org.kind.chineseName)）\(Labels.short(org.id))；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi org edit ORG [--grade N] [--charity DAY] [--public-fundraising|--no-public-fundraising] [--trust NAME:DAY] [--contact TEXT]`
struct OrgEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "评估、认定、资格、信托 Record an evaluation, recognition, qualification or trust (district officers).")
    @Argument(help: ArgumentHelp("The organisation: its short id or name.", valueName: "org")) var organisation: String
    @Option(help: ArgumentHelp("评估等级 1–5 (for 1A–5A); none to clear.", valueName: "grade")) var grade: String?
    @Option(help: ArgumentHelp("认定为慈善组织的日期 YYYY-MM-DD; none to clear.", valueName: "day")) var charity: String?
    @Flag(inversion: .prefixedNo, help: "具有公开募捐资格 Holds the public-fundraising qualification.") var publicFundraising: Bool?
    @Option(help: ArgumentHelp("慈善信托备案 A trust filed, NAME:YYYY-MM-DD (repeatable).", valueName: "trust")) var trust: [String] = []
    @Option(help: ArgumentHelp("联系人及电话", valueName: "text")) var contact: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["evaluationGrade": "--grade", "charityRecognisedOn": "--charity", "contact": "--contact"]) { try output.run("org edit") { result in
            let store = try storeOptions.open()
            var org = try OrgCommand.find(organisation, store)
            if let grade { org.evaluationGrade = Parse.isNone(grade) ? nil : try Parse.count(grade, option: "--grade", minimum: 1) }
            if let charity { org.charityRecognisedOn = Parse.isNone(charity) ? nil : try Parse.day(charity, option: "--charity") }
            if let publicFundraising { org.publicFundraising = publicFundraising }
            for t in trust {
                guard let colon = t.lastIndex(of: ":") else { throw ValidationError("--trust \(t): write NAME:YYYY-MM-DD, e.g. 东兴区助学慈善信托:2026-03-01") }
                org.charitableTrusts.append(CharitableTrust(name: String(t[..<colon]), filedOn: try Parse.day(String(t[t.index(after: colon)...]), option: "--trust")))
            }
            if let contact { org.contact = Parse.isNone(contact) ? nil : contact }
            let changeSet = try store.perform(.saveOrganisation(org))
            result.wrote(changeSet)
            print("已更新 Updated \(org.name)：评估等级 \(org.gradeText)，慈善组织 \(org.charityRecognisedOn.map { "是（\($0) 认定）" } ?? "否")，慈善信托 \(org.charitableTrusts.count) 项，公开募捐资格 \(org.publicFundraising ? "有" : "无")；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi org report ORG --year Y [--due DAY] [--received DAY]`
struct OrgReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "年度报告 Set an annual report's due day, or record it received (district officers).",
        discussion: "Without --due a new report is due on 31 May of the year after the one reported on.")
    @Argument(help: ArgumentHelp("The organisation: its short id or name.", valueName: "org")) var organisation: String
    @Option(help: ArgumentHelp("年度 The year reported on.", valueName: "year")) var year: Int
    @Option(help: ArgumentHelp("报送截止日期 YYYY-MM-DD.", valueName: "day")) var due: String?
    @Option(help: ArgumentHelp("报送日期 The day it was received, YYYY-MM-DD.", valueName: "day")) var received: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("org report") { result in
            let store = try storeOptions.open()
            var org = try OrgCommand.find(organisation, store)
            var report = org.annualReports.first { $0.year == year } ?? AnnualReport(year: year, due: AnnualReport.usualDue(year: year))
            if let due { report.due = try Parse.day(due, option: "--due") }
            if let received { report.received = try Parse.day(received, option: "--received") }
            org.annualReports.removeAll { $0.year == year }
            org.annualReports.append(report)
            org.annualReports.sort { $0.year < $1.year }
            let changeSet = try store.perform(.saveOrganisation(org))
            result.wrote(changeSet)
            print("\(org.name) \(year) 年度报告：截止 \(report.due)，\(report.received.map { "已于 \($0) 报送" } ?? "未报送")；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi org due [--as-of DAY] [--within DAYS] [--json]`
struct OrgDueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "due", abstract: "年报待办 The annual reports outstanding or falling due (every tier, offline).")
    @Option(name: .customLong("as-of"), help: ArgumentHelp("日期 (default: today).", valueName: "day")) var asOf: String?
    @Option(help: ArgumentHelp("Look ahead this many days (default 30).", valueName: "days")) var within: Int = 30
    @Flag(help: "输出 JSON for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let day = try Parse.day(asOf, option: "--as-of")
            let items = AnnualReportWorklist.items(try store.socialOrganisations(), asOf: day, within: within)
            if json {
                print(try JSONOutput.string(items.map { ReportDueJSON(organisation: JSONOutput.id($0.organisation.id), name: $0.organisation.name,
                                                                      year: $0.report.year, due: $0.report.due.description, daysOverdue: $0.daysOverdue) }))
                return
            }
            guard !items.isEmpty else { print("没有待报的年度报告 No annual report outstanding or due within \(within) days of \(day)."); return }
            var table = Table(["短号", "社会组织", "年度", "截止日期", "状态"])
            for i in items { table.append([Labels.short(i.organisation.id), i.organisation.name, "\(i.report.year)", i.report.due.description, i.statusText]) }
            print(table.render(), terminator: "")
            print("\(items.count) 份。收到后：doudi org report ORG --year Y --received DAY (§3.7)")
        }
    }
}

private struct ReportDueJSON: Encodable {
    var organisation: String
    var name: String
    var year: Int
    var due: String
    var daysOverdue: Int
}

private struct OrgJSON: Encodable {
    var id: String
    var name: String
    var kind: String
    var creditCode: String
    var registeredOn: String
    @Nullable var evaluationGrade: Int?
    @Nullable var charityRecognisedOn: String?
    var publicFundraising: Bool
    var charitableTrusts: [String]
    var reportsOutstanding: [Int]

    init(_ o: SocialOrganisation, on day: Day) {
        id = JSONOutput.id(o.id); name = o.name; kind = o.kind.rawValue; creditCode = o.creditCode
        registeredOn = o.registeredOn.description; evaluationGrade = o.evaluationGrade
        charityRecognisedOn = o.charityRecognisedOn?.description; publicFundraising = o.publicFundraising
        charitableTrusts = o.charitableTrusts.map(\.name); reportsOutstanding = o.reportsOutstanding(by: day).map(\.year)
    }
}

extension String {
    /// nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension SocialOrganisationKind: Choice {}
extension AidKind: Choice {
    static var aliases: [String: AidKind] { ["产业": .industry, "教育": .education, "医疗": .health, "健康": .health, "搬迁": .relocation] }
}
