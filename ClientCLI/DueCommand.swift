import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi due [--within DAYS] [--village CODE] [--as-of YYYY-MM-DD] [--json]`: the offline worklist
/// of what falls due (re-surveys, gradual exits ending, children reaching an age limit, aid-first
/// paperwork), per village and town, from what this laptop holds.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "到期事项 What falls due: re-surveys, gradual exits ending, children turning 16 or 18, aid-first paperwork; for the district, annual reports.",
        discussion: """
            Computed on this laptop, without a link, from the households, enrolments, surveys and \
            applications it holds and the policy in force (re-survey intervals and the paperwork time \
            limit are the policy's workflow.reviewSchedule settings, docs/POLICY-FILE.md). Overdue items \
            come first and are marked 逾期. Resident ID numbers are masked, in the table and in --json.
            """)

    @Option(help: ArgumentHelp("往后天数 Look this many days ahead.", valueName: "days"))
    var within = 30
    @Option(help: ArgumentHelp("村 12-digit village code, or 9-digit town code (default: your jurisdiction).", valueName: "code"))
    var village: String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("截至日期 YYYY-MM-DD (default: today).", valueName: "day"))
    var asOf: String?
    @Flag(help: "输出 JSON: one object per item, for scripts.")
    var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func validate() throws {
        guard within >= 0 else { throw ValidationError("--within must be 0 or more days, not \(within)") }
        if let village { _ = try Parse.orgCode(village, option: "--village") }
        if let asOf { _ = try Parse.day(asOf, option: "--as-of") }
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let actor = try store.device().actor
            var org = actor.org
            if let village {
                let code = try Parse.orgCode(village, option: "--village")
                guard actor.hasJurisdiction(over: code) else {
                    throw CommandFailure(chinese: "超出管辖范围", "--village \(code) is outside your jurisdiction (\(actor.org)): the worklist covers only what you may see")
                }
                org = code
            }
            let day = try Parse.day(asOf, option: "--as-of")
            let policy = try ApplySubmitCommand.policy(store, on: day)
            let list = try store.dueList(within: org, policy: policy, asOf: day, withinDays: within)
            if json {
                print(try JSONOutput.string(list.items.map { DueListItem($0, asOf: day) }))
                return
            }
            let tree = try store.orgTree()
            print("\(ReportScope.name(org, tree))到期事项（\(day.iso) 至 \(list.through.iso)，政策 \(policy.id)）")
            guard !list.items.isEmpty else {
                print("没有到期事项 Nothing falls due by \(list.through.iso) (look further ahead with --within DAYS).")
                return
            }
            var table = Table(["到期日", "村(社区)", "户短号", "事项", "姓名", "身份证号", "说明", "依据"])
            for item in list.items {
                table.append([item.due.iso + (item.isOverdue(on: day) ? " 逾期" : ""), ReportScope.name(item.village, tree),
                              item.household.map(Labels.short) ?? "—", item.kind.chineseName, item.name,
                              item.residentID?.masked ?? "—", item.detail, "§\(item.clause)"])
            }
            print(table.render(), terminator: "")
            let overdue = list.items.filter { $0.isOverdue(on: day) }.count
            print("共 \(list.items.count) 项" + (overdue > 0 ? "，其中逾期 \(overdue) 项" : ""))
        }
    }
}

/// One `doudi due --json` item: ids as lowercase UUIDs, the resident ID number masked.
struct DueListItem: Encodable {
    var kind: String
    var kindName: String
    var due: String
    var overdue: Bool
    var clause: String
    @Nullable var household: String?
    @Nullable var householdShortID: String?
    var village: String
    @Nullable var programme: String?
    @Nullable var member: String?
    var name: String
    @Nullable var residentIDMasked: String?
    var detail: String

    init(_ item: DueItem, asOf: Day) {
        kind = item.kind.rawValue; kindName = item.kind.chineseName; due = item.due.iso; overdue = item.isOverdue(on: asOf)
        clause = item.clause; household = item.household.map(JSONOutput.id); householdShortID = item.household.map(Labels.short)
        village = item.village.value; programme = item.programme?.rawValue; member = item.member.map(JSONOutput.id)
        name = item.name; residentIDMasked = item.residentID?.masked; detail = item.detail
    }
}
