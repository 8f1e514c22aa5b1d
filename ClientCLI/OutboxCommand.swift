import ArgumentParser

/// `doudi outbox [list] | redo | drop`: the change sets made here, and what to do with one
/// the server set aside.
struct OutboxCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "outbox",
            abstract: "待同步 List the change sets waiting to sync; redo or drop one the server rejected.",
            discussion: """
                Each action (a registration, an edit, a visit …) is one change set, applied whole or \
                not at all, numbered 1, 2, 3 … on this device. A change set the server rejects for good \
                is set aside — its effect here undone, never sent again, and never in the way of the \
                others — and waits for a decision: `doudi outbox redo N` makes the action again as a \
                new change set (after putting right what the reason says), `doudi outbox drop N` gives \
                it up. Both keep it in the outbox's history (`doudi outbox --all`).
                """,
            subcommands: [OutboxListCommand.self, OutboxRedoCommand.self, OutboxDropCommand.self],
            defaultSubcommand: OutboxListCommand.self
        )
    }
}
