import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import DoudiSync

/// `doudi conflicts list [--all] [--json]`
struct ConflictsListCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "冲突列表 List the open conflicts (--all: resolved ones too).",
            discussion: "Resident ID numbers are masked, in the table and in --json."
        )
    }

    @Flag(help: "全部 Include resolved conflicts.")
    var all = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON: one object per conflict, both versions included, for scripts.")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let entries = try store.conflictEntries(includeResolved: all)
            if json {
                print(try JSONOutput.string(entries.map(ConflictItem.init)))
                return
            }
            guard !entries.isEmpty else {
                print(all ? "没有冲突 No conflicts in this store." : "没有待处理的冲突 No open conflicts (add --all to list resolved ones).")
                return
            }
            var table = Table(["短号", "类型", "记录", "字段", "保留", "另一版本", "状态"])
            for e in entries {
                let c = e.conflict
                let scalar = { (v: JSONValue) -> String in
                    if case .object = v { return "（整条记录 whole record）" }
                    return ConflictText.value(v, field: c.field)
                }
                table.append([Labels.short(c.id), c.kind.chineseName, ConflictText.record(c, store: store), c.field.map(Labels.field) ?? "—",
                              scalar(c.kept), scalar(c.other), ConflictText.status(e)])
            }
            print(table.render(), terminator: "")
            let open = entries.filter { !$0.isResolved }.count
            print("共 \(entries.count) 个冲突，\(open) 个待处理" + (open > 0 ? "：doudi conflicts show ID，doudi conflicts resolve ID --note …" : ""))
        }
    }
}
