import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi need list|add|match`: village needs and their matching to aid projects (§3.7).
struct NeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "need", abstract: "村需求 Village needs gathered from visits and surveys, matched to aid projects (§3.7).",
        subcommands: [NeedListCommand.self, NeedAddCommand.self, NeedMatchCommand.self], defaultSubcommand: NeedListCommand.self)
}

/// `doudi need list [--date DAY] [--json]`: each need, and for an open one the projects that could meet it.
struct NeedListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The needs, with the matched project or the candidate projects.")
    @Option(help: ArgumentHelp("日期 Projects running on this day (default: today).", valueName: "day")) var date: String?
    @Flag(help: "输出 JSON for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let day = try Parse.day(date)
            let needs = try store.villageNeeds(), projects = try store.aidProjects()
            let suggestions = Dictionary(ProjectMatching.suggestions(needs: needs, projects: projects, on: day).map { ($0.need.id, $0.projects) },
                                         uniquingKeysWith: { a, _ in a })
            let titles = Dictionary(projects.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
            if json {
                print(try JSONOutput.string(needs.map { n in
                    NeedJSON(id: JSONOutput.id(n.id), village: n.village.value, kind: n.kind.rawValue, summary: n.summary, households: n.households,
                             recordedOn: n.recordedOn.description, project: n.project.map(JSONOutput.id),
                             candidates: (suggestions[n.id] ?? []).map { JSONOutput.id($0.id) })
                }))
                return
            }
            guard !needs.isEmpty else { print("没有登记的村需求 No village need recorded (doudi need add)."); return }
            var table = Table(["短号", "村", "类型", "需求", "户数", "登记日期", "对接项目"], rightAligned: [4])
            for n in needs {
                let matched = n.project.map { "已对接：\(titles[$0] ?? Labels.short($0))" }
                let candidates = (suggestions[n.id] ?? []).map { "\(Labels.short($0.id)) \($0.title)" }.joined(separator: "；")
                table.append([Labels.short(n.id), n.village.value, n.kind.chineseName, n.summary, "\(n.households)", n.recordedOn.description,
                              matched ?? (candidates.isEmpty ? "暂无可对接项目" : "可对接：\(candidates)")])
            }
            print(table.render(), terminator: "")
        }
    }
}

/// `doudi need add --kind K --summary TEXT --households N [--date DAY] [--village CODE] [--source ID]`
struct NeedAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "登记 Record a need of the village (village cadre, or the town naming the village).",
        discussion: "Write what is needed, not who: no names, ID numbers or illnesses (the need reaches the district's matching list).")
    @Option(help: ArgumentHelp("需求类型: industry 产业, education 教育, health 医疗健康, relocation 易地搬迁.", valueName: "kind")) var kind: String
    @Option(help: ArgumentHelp("需求内容", valueName: "text")) var summary: String
    @Option(help: ArgumentHelp("涉及户数", valueName: "n")) var households: Int
    @Option(help: ArgumentHelp("登记日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @Option(help: ArgumentHelp("村 12-digit code (default: this laptop's village).", valueName: "code")) var village: String?
    @Option(help: ArgumentHelp("来源 The short id of the visit or survey it was gathered from.", valueName: "id")) var source: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["summary": "--summary", "households": "--households", "village": "--village"]) { try output.run("need add") { result in
            let store = try storeOptions.open()
            let org = try store.device().actor.org
            let code = try village.map { try Parse.orgCode($0, option: "--village") } ?? org
            guard code.level == .village else {
                throw ValidationError("--village: this laptop works for \(org), not a village: name the village (12-digit code) the need comes from")
            }
            let sourceID = try source.map { text -> UUID in
                let found = try store.resolveRecord(text)
                guard found.entity == .visit || found.entity == .survey else {
                    throw ValidationError("--source \(text) is a \(found.entity.chineseName), not a visit or survey: give the short id of the visit or survey the need was gathered from")
                }
                return found.id
            }
            let need = VillageNeed(id: UUID(), village: code, kind: try AidKind.parse(kind, option: "--kind"), summary: summary,
                                   households: households, recordedOn: try Parse.day(date), source: sourceID)
            let changeSet = try store.perform(.recordVillageNeed(need))
            result.wrote(changeSet)
            print("已登记 Recorded need \(Labels.short(need.id))（\(need.kind.chineseName)，\(households) 户）；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi need match NEED --project PROJECT`
struct NeedMatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "match", abstract: "对接 Match an aid project to a village need (town or district).")
    @Argument(help: ArgumentHelp("The need's short id (doudi need list).", valueName: "need")) var need: String
    @Option(help: ArgumentHelp("The project's short id or title (doudi project list).", valueName: "project")) var project: String
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("need match") { result in
            let store = try storeOptions.open()
            let found = try RegistryLookup.find(need, in: try store.villageNeeds(), what: "village need", list: "doudi need list", name: \.summary)
            let aid = try RegistryLookup.find(project, in: try store.aidProjects(), what: "aid project", list: "doudi project list", name: \.title)
            let changeSet = try store.perform(.matchNeed(found.id, project: aid.id))
            result.wrote(changeSet)
            print("已对接 Matched \(found.village) 的需求「\(found.summary)」与项目「\(aid.title)」；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

private struct NeedJSON: Encodable {
    var id: String
    var village: String
    var kind: String
    var summary: String
    var households: Int
    var recordedOn: String
    @Nullable var project: String?
    var candidates: [String]
}
