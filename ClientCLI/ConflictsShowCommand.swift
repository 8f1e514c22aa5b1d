import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText

/// `doudi conflicts show CONFLICT [--json]`
struct ConflictsShowCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "show",
            abstract: "冲突详情 Show a conflict: both versions, the record and field, why, and how it stands.",
            discussion: "Resident ID numbers are masked."
        )
    }

    @Argument(help: ArgumentHelp("冲突 The conflict's short id (as `doudi conflicts list` shows it).", valueName: "conflict"))
    var reference: String

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let entry = try store.conflictEntry(reference)
            if json {
                print(try JSONOutput.string(ConflictItem(entry)))
                return
            }
            let c = entry.conflict
            print("冲突 \(Labels.short(c.id))：\(c.kind.chineseName)（\(c.kind.rawValue)）")
            var table = Table([], indent: 2)
            table.append(["记录 Record", ConflictText.record(c, store: store)])
            table.append(["村(社区)", c.village.value])
            if let field = c.field { table.append(["字段 Field", "\(Labels.field(field))（\(field)）"]) }
            table.append(["说明 Why", Labels.maskingResidentIDs(c.message)])
            table.append(["变更集 Change sets", c.changeSets.map(Labels.short).joined(separator: " ")])
            var status = ConflictText.status(entry)
            if let r = c.resolution { status += "：\(r.by.user)（\(r.by.role.chineseName)，\(r.by.org.value)）“\(r.note)”" }
            table.append(["状态 Status", status])
            print(table.render(), terminator: "")
            for (title, value) in [("保留的版本 kept (stands in the record)", c.kept), ("另一版本 other (lost, kept here)", c.other)] {
                print(title + "：")
                for line in ConflictText.lines(value, field: c.field) { print("    " + line) }
            }
            if !entry.isResolved {
                let hint = c.kind == .concurrentEdit ? " [--use other|kept]" : ""
                print("处理 Resolve: doudi conflicts resolve \(Labels.short(c.id)) --note 说明\(hint)")
            }
        }
    }
}
