import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi outbox drop N…`: give up a set-aside action.
struct OutboxDropCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "drop",
            abstract: "放弃 Give up a rejected (set-aside) change set: no longer listed as waiting, kept in history.",
            discussion: """
                For an action that should not be made after all (the server's reason shows it was \
                wrong, or it was made again another way). Its effect here was already undone when it \
                was rejected; dropping it only records the decision. It stays in the outbox's history \
                (`doudi outbox --all`, state 已放弃 dropped).

                Example:
                  doudi outbox drop 7
                """
        )
    }

    @Argument(help: ArgumentHelp("变更集 The change sets' numbers (as `doudi outbox` lists them) or ids.", valueName: "change-set"))
    var references: [String]

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        if references.isEmpty { throw ValidationError("name at least one change set: its number as `doudi outbox` lists it, e.g. `doudi outbox drop 7`") }
    }

    func run() throws {
        try reportingFailures { try output.run("outbox drop") { result in
            let store = try storeOptions.open()
            let entries = Dictionary(try store.outbox(states: [.pending, .rejected, .accepted, .dropped, .superseded]).map { ($0.changeSet.id, $0) },
                                     uniquingKeysWith: { first, _ in first })
            for id in try references.map(store.outboxChangeSetID) {
                let changeSet = entries[id]?.changeSet
                do { try store.drop(id) } catch {
                    throw CommandFailure("change set #\(changeSet?.sequence ?? 0) cannot be dropped: \(CommandFailure.oneLine(error))")
                }
                let action = changeSet.map { "\(Labels.action($0.action))（\($0.action)）" } ?? ""
                print("已放弃 Dropped #\(changeSet?.sequence ?? 0) \(action)：保留在历史中 kept in the outbox's history (doudi outbox --all)")
            }
        }}
    }
}
