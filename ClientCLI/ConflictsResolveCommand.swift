import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText

/// `doudi conflicts resolve CONFLICT --note TEXT [--use other|kept]`
struct ConflictsResolveCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "resolve",
            abstract: "处理冲突 Resolve a conflict, with a note; for a concurrent edit, choose the version.",
            discussion: """
                --use kept (the default) confirms the version that stands in the record. --use other, \
                for a concurrent edit of one field, puts the other version back: the record's field is \
                edited to it, in the same change set as the resolution. For the other kinds (one ID \
                number registered twice, an edit of a voided record …) put the records right with the \
                usual commands (member edit, member void …), then resolve with a note saying what was done.

                The resolution is a change set like any other: `doudi sync` sends it, and every \
                device in scope then sees the conflict resolved.

                Example:
                  doudi conflicts resolve 3f2a9c1e --use other --note 经入户核实，劳动能力为部分丧失
                """
        )
    }

    enum Version: String, ExpressibleByArgument, CaseIterable {
        case kept, other
    }

    @Argument(help: ArgumentHelp("冲突 The conflict's short id.", valueName: "conflict"))
    var reference: String

    @Option(help: ArgumentHelp("说明 How it was resolved (kept in the record's history: the audit trail).", valueName: "text"))
    var note: String

    @Option(help: ArgumentHelp("采用 kept (the version that stands; default) or other (put the other version back).", valueName: "version"))
    var use: Version = .kept

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--note must say how the conflict was resolved: it is the audit trail")
        }
    }

    func run() throws {
        try reportingFailures(options: ["note": "--note"]) { try output.run("conflicts resolve") { result in
            let store = try storeOptions.open()
            let entry = try store.conflictEntry(reference)
            let c = entry.conflict
            guard !entry.isResolved else {
                let by = c.resolution.map { "by \($0.by.user): “\($0.note)”" } ?? "on this device, waiting to sync"
                throw CommandFailure(chinese: "该冲突已处理", "conflict \(Labels.short(c.id)) is already resolved (\(by)); see it with `doudi conflicts show \(Labels.short(c.id))`")
            }
            var restoring: FieldAction?
            if use == .other {
                guard c.kind == .concurrentEdit, let field = c.field else {
                    throw CommandFailure("--use other puts back the other value of a concurrent edit; this conflict is a \(c.kind.chineseName) (\(c.kind.rawValue)): put the records right with the usual commands, then resolve it with --note only")
                }
                restoring = try store.actionSetting(field, of: c.entity, record: c.record, to: c.other)
            }
            let changeSet = try store.perform(.resolveConflicts([c.id], note: note.trimmingCharacters(in: .whitespacesAndNewlines), with: restoring))
            result.wrote(changeSet)
            var done = "已处理冲突 Resolved conflict \(Labels.short(c.id))（\(c.kind.chineseName)）"
            if use == .other, let field = c.field {
                done += restoring == nil
                    ? "：\(Labels.field(field)) 已是 \(ConflictText.value(c.other, field: field))"
                    : "：\(Labels.field(field)) 改为 \(ConflictText.value(c.other, field: field))"
            } else {
                done += "：保留 \(c.kind == .concurrentEdit ? ConflictText.value(c.kept, field: c.field) : "现有记录")"
            }
            print(done + "；变更集 #\(changeSet.sequence) 待同步 (send it: doudi sync)")
        }}
    }
}
