import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi policy list|publish|subsidy`: the district's standards (§3, §3.5).
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "政策标准 List the policy versions; publish a new one or a price subsidy; the special period §4.4 (district).",
        subcommands: [PolicyListCommand.self, PolicyPublishCommand.self, PolicySubsidyCommand.self, PolicySpecialCommand.self, PolicyWhatIfCommand.self], defaultSubcommand: PolicyListCommand.self)
}

/// `doudi policy list`
struct PolicyListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The policy versions this store holds, and which is in force.")
    @Option(help: ArgumentHelp("日期 Day to show the version in force on (default: today).", valueName: "day")) var date: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.report { () throws -> PolicyListReport in
            let store = try storeOptions.open()
            let book = try store.policyBook()
            let day = try Parse.day(date)
            let current = try? book.inForce(on: day)
            var table = Table(["版本", "起始日期", "低保标准", "特困标准", "价格临时补贴", "标题"], rightAligned: [2, 3])
            for v in book.versions.sorted(by: { $0.effectiveFrom < $1.effectiveFrom }) {
                let subsidies = v.priceSubsidies.map { "\($0.from)…\($0.through) \($0.amountPerPerson.yuanText)/人" }.joined(separator: "；")
                table.append([(v.id == current?.id ? "* " : "  ") + v.id, v.effectiveFrom.description, v.dibao.standard.yuanText,
                              v.tekun.standard.yuanText, subsidies.isEmpty ? "—" : subsidies, v.title])
            }
            print(table.render(), terminator: "")
            print(current.map { "* \($0.id) 于 \(day) 施行 in force on \(day)" } ?? "no version is in force on \(day)")
            return PolicyListReport(day: day.iso, inForce: current?.id, versions: book.versions.sorted { $0.effectiveFrom < $1.effectiveFrom }.map { v in
                PolicyListReport.Version(id: v.id, title: v.title, effectiveFrom: v.effectiveFrom.iso, dibaoStandardFen: v.dibao.standard.fen,
                                         tekunStandardFen: v.tekun.standard.fen, inForce: v.id == current?.id)
            })
        }}
    }
}

/// `doudi policy publish FILE`
struct PolicyPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "发布 Publish a policy version file (district officers); it reaches every laptop on its next sync.",
        discussion: "The file has the shape of ServerConfig/policy/dongxing-2020.json (docs/POLICY-FILE.md), with its own id and effectiveFrom. Assessments on and after that day use it.")
    @Argument(help: ArgumentHelp("The policy version JSON file.", valueName: "file")) var file: String
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("policy publish") { result in
            let policy = try PolicyVersion.load(json: try DocumentFile.read(file), document: file)
            let store = try storeOptions.open()
            let changeSet = try store.perform(.publishPolicy(policy))
            result.wrote(changeSet)
            print("已发布 Published \(policy.id)（\(policy.title)），自 \(policy.effectiveFrom) 起施行，低保标准 \(policy.dibao.standard.yuanText) 元/月；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi policy subsidy --version ID --title T --from YYYY-MM --through YYYY-MM --amount YUAN --groups dibao,tekun`
struct PolicySubsidyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subsidy", abstract: "价格临时补贴 Publish a temporary price subsidy (§3.5) as a new policy version.",
        discussion: "The new version keeps every standard of the version in force and adds the subsidy; the payment roll of each month in the period carries one line per eligible person.")
    @Option(help: ArgumentHelp("新版本号 Id of the new policy version.", valueName: "id")) var version: String
    @Option(help: ArgumentHelp("补贴编号 Id of the subsidy (default: the version id).", valueName: "id")) var id: String?
    @Option(help: ArgumentHelp("名称 Title, e.g. 2026年12月价格临时补贴.", valueName: "text")) var title: String
    @Option(help: ArgumentHelp("起始月 First month, YYYY-MM.", valueName: "month")) var from: String
    @Option(help: ArgumentHelp("截止月 Last month, YYYY-MM.", valueName: "month")) var through: String
    @Option(help: ArgumentHelp("每人金额 Amount per person per month, in yuan.", valueName: "yuan")) var amount: String
    @Option(help: ArgumentHelp("发放对象 Eligible programmes: dibao, tekun, orphan, unsupportedChild …", valueName: "list")) var groups: [String]
    @Option(help: ArgumentHelp("施行日期 Day the new version takes effect (default: the first day of --from).", valueName: "day")) var effective: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("policy subsidy") { result in
            let fromMonth = try Parse.month(from, option: "--from"), throughMonth = try Parse.month(through, option: "--through")
            let programmes = try Parse.list(groups).map { try Programme.parse($0, option: "--groups") }
            let day = try effective.map { try Parse.day($0, option: "--effective") } ?? fromMonth.firstDay
            let store = try storeOptions.open()
            let current = try ApplySubmitCommand.policy(store, on: day.adding(days: -1))
            let subsidy = PriceSubsidy(id: id ?? version, title: title, from: fromMonth, through: throughMonth,
                                       amountPerPerson: try Parse.money(amount, option: "--amount"), groups: programmes)
            let next = try current.publishing(subsidy, as: version, effectiveFrom: day)
            let changeSet = try store.perform(.publishPolicy(next))
            result.wrote(changeSet)
            print("已发布 Published \(next.id)：\(title)，\(fromMonth)–\(throughMonth) 每人每月 \(subsidy.amountPerPerson.yuanText) 元，对象 \(programmes.map(\.chineseName).joined(separator: "、"))；自 \(day) 起施行；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
