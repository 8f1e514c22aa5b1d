import ArgumentParser
import DoudiField
import DoudiModel

/// `doudi household void HOUSEHOLD --reason TEXT`
///
/// Voids (注销) a household: it stays in the store with its history and the reason.
struct HouseholdVoidCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "void",
            abstract: "注销家庭 Void a household, with the reason (nothing is deleted).",
            discussion: """
                A household still paid (an enrolment without a last month) is not voided: the town decides 停保 first \
                (doudi enrolment stop HOUSEHOLD --reason … --last-month YYYY-MM); the payment roll then pays it through that \
                month and not after. A mistaken void is undone with doudi household restore HOUSEHOLD --reason ….
                Example: doudi household void 1a2b3c4d --reason 全户迁出本村
                """
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @Option(help: ArgumentHelp("注销原因 Why the household is voided (required).", valueName: "text"))
    var reason: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("household void") { result in
            try VoidRecord.run(.household, reference, reason: reason, storeOptions: storeOptions, result: &result, done: "已注销家庭 Voided household") {
                try $0.resolveHouseholdReference($1)
            }
        }}
    }
}
