import ArgumentParser

/// `doudi household add|edit|show|list|void`: the households (家庭/户) of the village.
struct HouseholdCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "household",
            abstract: "家庭 Register, change, show, list and void households.",
            discussion: """
                A household is named by its short id (the 8 characters listings show; any 4 or more \
                of them will do while they are unique) or by the resident ID number of one of its members.
                """,
            subcommands: [HouseholdAddCommand.self, HouseholdEditCommand.self, HouseholdShowCommand.self,
                          HouseholdListCommand.self, HouseholdVoidCommand.self, HouseholdRestoreCommand.self]
        )
    }
}
