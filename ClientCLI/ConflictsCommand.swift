import ArgumentParser

/// `doudi conflicts list|show|resolve`: what the sync could not decide alone.
struct ConflictsCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "conflicts",
            abstract: "冲突 List, show and resolve the conflicts the server recorded in this store's scope.",
            discussion: """
                A conflict keeps both versions — the one that stands in the record (kept) and the one \
                that lost (other) — so that nothing is lost: the same field edited on two devices, one \
                ID number registered twice, an edit of a voided record … They come down with \
                `doudi sync`. Resolving one is an action like any other: a change set that the next \
                `doudi sync` sends. A conflict is named by its short id (any 4 or more characters of it).
                """,
            subcommands: [ConflictsListCommand.self, ConflictsShowCommand.self, ConflictsResolveCommand.self],
            defaultSubcommand: ConflictsListCommand.self
        )
    }
}
