import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText

/// `doudi household list [--search NAME] [--all] [--limit N] [--json]`
struct HouseholdListCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "家庭列表 List households, by village and address.",
            discussion: "Resident ID numbers are masked (511011********1234), in the table and in --json."
        )
    }

    @Option(help: ArgumentHelp("查找 Only households with a member found by this: part of a name (秀英), the initials of a name's pinyin (zxy), or the last four characters of an ID number (012X).", valueName: "text"))
    var search: String?

    @Flag(help: "包括已注销 Include voided households.")
    var all = false

    @Option(help: ArgumentHelp("最多显示 At most this many households (default 200).", valueName: "n"))
    var limit = 200

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON: one object per household, for scripts.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let households = try store.households(matching: search, includeVoided: all, limit: limit)
            if json {
                print(try JSONOutput.string(households.map(HouseholdListItem.init)))
                return
            }
            guard !households.isEmpty else {
                print(search.map { "没有找到“\($0)”的家庭 No household has a member found by \($0): part of a name, pinyin initials or the last four characters of an ID number (add --all to include voided households)." }
                      ?? "还没有家庭 No households yet: add one with `doudi household add` or import a ledger with `doudi import --csv FILE`.")
                return
            }
            var table = Table(["短号", "村(社区)", "家庭住址", "户主姓名", "身份证号", "家庭人口", "户类别", "状态"], rightAligned: [5])
            for h in households {
                table.append([Labels.short(h.id), h.village.value, h.address, h.headName ?? "—", h.headResidentIDMasked ?? "—",
                              "\(h.members)", Labels.categories(h.categories), h.status.chineseName])
            }
            print(table.render(), terminator: "")
            var footer = "共 \(households.count) 户"
            if households.count == limit { footer += "（只显示前 \(limit) 户：用 --limit 显示更多）" }
            print(footer)
        }
    }
}
