import ArgumentParser

/// `doudi member add|edit|void`: the members (家庭成员) of a household.
struct MemberCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "member",
            abstract: "家庭成员 Add, change and void household members.",
            discussion: """
                A member is named by their resident ID number or their short id (as \
                `doudi household show` lists it).
                """,
            subcommands: [MemberAddCommand.self, MemberEditCommand.self, MemberVoidCommand.self, MemberRestoreCommand.self]
        )
    }
}

/// Store fields as the member commands' options name them, for error messages.
let memberOptionNames = [
    "name": "--name", "residentID": "--id", "relation": "--relation", "labourCapacity": "--labour",
    "employment": "--employment", "health": "--health", "seriousIllness": "--illness", "disability": "--disability",
    "disability.grade": "--disability", "personStatus": "--person-status", "legalSupporter": "--supporter",
    "father": "--father", "mother": "--mother",
]
