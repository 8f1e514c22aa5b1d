import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi household add --address TEXT --head-name NAME --head-id ID [options]`
///
/// Registers a household with its head (户主), in one change set.
struct HouseholdAddCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "add",
            abstract: "登记家庭 Register a household with its head.",
            discussion: """
                The member options (--labour, --health, --disability …) describe the head. Add the \
                other members with `doudi member add HOUSEHOLD`. Prints the household's short id.

                Example:
                  doudi household add --address 五星村1组8号 --category 建档立卡贫困户 \\
                    --head-name 王建国 --head-id 511011196502110312 --labour 部分丧失
                """
        )
    }

    @Option(help: ArgumentHelp("家庭住址 The address (group 组 and house number).", valueName: "text"))
    var address: String

    @Option(name: .customLong("head-name"), help: ArgumentHelp("户主姓名 The head of household's name.", valueName: "name"))
    var headName: String

    @Option(name: .customLong("head-id"), help: ArgumentHelp("户主身份证号 The head's resident ID number (18 characters).", valueName: "id"))
    var headID: String

    @OptionGroup(title: "Household")
    var household: HouseholdOptions

    @OptionGroup(title: "Head of household (户主)")
    var head: MemberOptions

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        _ = try Parse.residentID(headID, option: "--head-id")
    }

    func run() throws {
        try reportingFailures(options: ["address": "--address", "village": "--village", "residentID": "--head-id", "name": "--head-name"]) { try output.run("household add") { result in
            let store = try storeOptions.open()
            let device = try store.device()
            let village: OrgCode
            if let given = household.village {
                village = try Parse.orgCode(given, option: "--village")
            } else {
                guard device.org.level == .village else {
                    throw CommandFailure(chinese: "请给出村代码", "this device works for town \(device.org): give the household's --village CODE (12 digits)")
                }
                village = device.org
            }
            var h = Household(id: UUID(), village: village, hukou: village, address: address.trimmingCharacters(in: .whitespaces))
            try household.apply(to: &h)
            if household.hukou == nil { h.hukou = h.village }
            var m = Member(id: UUID(), household: h.id, name: headName.trimmingCharacters(in: .whitespaces),
                           residentID: try Parse.residentID(headID, option: "--head-id"), relation: .head)
            try head.apply(to: &m)
            let changeSet = try store.perform(.registerHousehold(h, members: [m]))
            result.wrote(changeSet)
            print("已登记家庭 Registered household \(Labels.short(h.id))：户主 \(m.name)（\(m.residentID.masked)），\(h.address)，\(Labels.categories(h.categories))；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
