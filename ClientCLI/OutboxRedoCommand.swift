import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// `doudi outbox redo N…`: make a set-aside action again, as a new change set.
struct OutboxRedoCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "redo",
            abstract: "重做 Make a rejected (set-aside) action again, as a new change set for the next sync.",
            discussion: """
                A change set the server rejected for good is set aside and its effect here undone. Once \
                what the reason says is put right (a policy version, a login, another record), `redo` \
                makes the action again from the records as they are now: a new change set, with a new \
                id, new time stamps and this device's next number (SPEC §8.6), that `doudi sync` sends. \
                The rejected one stays in the outbox's history, marked "redone as #N".

                Name change sets by the number `doudi outbox` shows (12 or #12), or by their id (4 or \
                more characters). Several are redone in their order; one that builds on another (a \
                member added to a household registered in the same outbox) comes after it.

                Example:
                  doudi outbox redo 7
                """
        )
    }

    @Argument(help: ArgumentHelp("变更集 The change sets' numbers (as `doudi outbox` lists them) or ids.", valueName: "change-set"))
    var references: [String]

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts: each change set redone and the new one.")
    var json = false

    func validate() throws {
        if references.isEmpty { throw ValidationError("name at least one change set: its number as `doudi outbox` lists it, e.g. `doudi outbox redo 7`") }
    }

    struct Redone: Encodable {
        var changeSet: String
        var sequence: Int64
        var action: String
        var redoneAs: String
        var newSequence: Int64
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let entries = Dictionary(try store.outbox(states: [.pending, .rejected, .accepted, .dropped, .superseded]).map { ($0.changeSet.id, $0) },
                                     uniquingKeysWith: { first, _ in first })
            let ids = try references.map(store.outboxChangeSetID)
            let ordered = Array(Set(ids)).sorted { (entries[$0]?.changeSet.sequence ?? 0) < (entries[$1]?.changeSet.sequence ?? 0) }
            var done: [Redone] = []
            for id in ordered {
                let old = entries[id]?.changeSet
                let new: ChangeSet
                do { new = try store.redo(id) } catch {
                    let before = done.isEmpty ? "" : " (" + done.map { "#\($0.sequence) was redone as #\($0.newSequence)" }.joined(separator: ", ") + ")"
                    throw CommandFailure("change set #\(old?.sequence ?? 0) cannot be redone: \(CommandFailure.oneLine(error))\(before)")
                }
                done.append(Redone(changeSet: JSONOutput.id(id), sequence: old?.sequence ?? 0, action: new.action,
                                   redoneAs: JSONOutput.id(new.id), newSequence: new.sequence))
            }
            if json {
                print(try JSONOutput.string(done))
                return
            }
            for r in done {
                print("已重做 Redone #\(r.sequence) \(Labels.action(r.action))（\(r.action)）→ 新变更集 new change set #\(r.newSequence)")
            }
            let pending = try store.outboxCounts().pending
            print("下一步 Next: doudi sync（\(pending) 个变更集待同步）")
        }
    }
}
