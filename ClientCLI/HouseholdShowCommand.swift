import ArgumentParser
import DoudiField
import DoudiModel

/// `doudi household show HOUSEHOLD [--json]`
struct HouseholdShowCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "show",
            abstract: "家庭详情 Show a household: members, latest survey, visits, applications.",
            discussion: "Resident ID numbers are masked; ages are on today's date."
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts: codes rather than Chinese names, money in fen.")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let id = try store.resolveHouseholdReference(reference)
            let detail = try HouseholdDetail(store: store, id: id, today: try SystemClock.today())
            if json {
                print(try JSONOutput.string(HouseholdDetailReport(detail)))
            } else {
                print(HouseholdText(detail: detail).render(), terminator: "")
            }
        }
    }
}
