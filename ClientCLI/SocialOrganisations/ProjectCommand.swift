import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi project list|add`: social organisations' aid projects (§3.7).
struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "帮扶项目 Social organisations' aid projects (§3.7): list, add (district).",
        subcommands: [ProjectListCommand.self, ProjectAddCommand.self], defaultSubcommand: ProjectListCommand.self)
}

/// `doudi project list [--json]`
struct ProjectListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The aid projects this laptop holds.")
    @Flag(help: "输出 JSON for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let projects = try store.aidProjects()
            let names = Dictionary(try store.socialOrganisations().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            if json {
                print(try JSONOutput.string(projects.map {
                    ProjectJSON(id: JSONOutput.id($0.id), organisation: JSONOutput.id($0.organisation), title: $0.title, kind: $0.kind.rawValue,
                                areas: $0.areas.map(\.value), start: $0.start.description, end: $0.end?.description, fundsFen: $0.funds?.fen)
                }))
                return
            }
            guard !projects.isEmpty else { print("没有帮扶项目 No aid project registered (doudi project add, district)."); return }
            var table = Table(["短号", "项目", "类型", "社会组织", "帮扶范围", "起止", "资金(元)"], rightAligned: [6])
            for p in projects {
                table.append([Labels.short(p.id), p.title, p.kind.chineseName, names[p.organisation] ?? Labels.short(p.organisation),
                              p.areas.isEmpty ? "全区" : p.areas.map(\.value).joined(separator: "、"),
                              "\(p.start)–\(p.end?.description ?? "")", p.funds?.yuanText ?? "—"])
            }
            print(table.render(), terminator: "")
        }
    }
}

/// `doudi project add ORG --title T --kind K [--area CODE …] --start DAY [--end DAY] [--funds YUAN] [--summary TEXT]`
struct ProjectAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "登记 Register an organisation's aid project (district officers).")
    @Argument(help: ArgumentHelp("The organisation: its short id or name.", valueName: "org")) var organisation: String
    @Option(help: ArgumentHelp("项目名称", valueName: "text")) var title: String
    @Option(help: ArgumentHelp("帮扶类型: industry 产业, education 教育, health 医疗健康, relocation 易地搬迁.", valueName: "kind")) var kind: String
    @Option(help: ArgumentHelp("帮扶范围 A town or village code it serves (repeatable; none: the whole district).", valueName: "code")) var area: [String] = []
    @Option(help: ArgumentHelp("开始日期 YYYY-MM-DD.", valueName: "day")) var start: String
    @Option(help: ArgumentHelp("结束日期 YYYY-MM-DD.", valueName: "day")) var end: String?
    @Option(help: ArgumentHelp("资金 in yuan.", valueName: "yuan")) var funds: String?
    @Option(help: ArgumentHelp("项目内容", valueName: "text")) var summary: String = ""
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["title": "--title", "areas": "--area", "end": "--end", "funds": "--funds", "summary": "--summary"]) { try output.run("project add") { result in
            let store = try storeOptions.open()
            let org = try OrgCommand.find(organisation, store)
            let project = AidProject(id: UUID(), district: org.district, organisation: org.id, title: title,
                                     kind: try AidKind.parse(kind, option: "--kind"),
                                     areas: try Parse.list(area).map { try Parse.orgCode($0, option: "--area") },
                                     start: try Parse.day(start, option: "--start"), end: try end.map { try Parse.day($0, option: "--end") },
                                     funds: try funds.map { try Parse.money($0, option: "--funds") }, summary: summary)
            let changeSet = try store.perform(.saveAidProject(project))
            result.wrote(changeSet)
            print("已登记 Registered \(org.name)「\(title)」（\(project.kind.chineseName)）\(Labels.short(project.id))；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

private struct ProjectJSON: Encodable {
    var id: String
    var organisation: String
    var title: String
    var kind: String
    var areas: [String]
    var start: String
    @Nullable var end: String?
    @Nullable var fundsFen: Int64?
}
