import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi household edit HOUSEHOLD [--address TEXT] [household options]`
///
/// Changes a household's profile fields: only the options given change.
struct HouseholdEditCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "edit",
            abstract: "修改家庭信息 Change a household's fields (only those given).",
            discussion: """
                Example: doudi household edit 1a2b3c4d --address 五星村4组1号 --phone 13812345678
                An edit that changes nothing is refused ("nothing changed").
                """
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @Option(help: ArgumentHelp("家庭住址 The new address.", valueName: "text"))
    var address: String?

    @OptionGroup(title: "Household")
    var household: HouseholdOptions

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["address": "--address", "village": "--village"]) { try output.run("household edit") { result in
            let store = try storeOptions.open()
            let id = try store.resolveHouseholdReference(reference)
            guard var h = try store.household(id) else { throw FieldError(.notFound, field: "household", "no household \(Labels.echo(reference))") }
            if let address { h.address = address.trimmingCharacters(in: .whitespaces) }
            try household.apply(to: &h)
            let changeSet = try store.perform(.editHousehold(h))
            result.wrote(changeSet)
            let fields = changeSet.changes.flatMap(\.fields).map { Labels.field($0.name) }
            print("已修改家庭 Changed household \(Labels.short(id))：\(fields.joined(separator: "、"))；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
