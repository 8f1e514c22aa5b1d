import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi member add HOUSEHOLD --name NAME --id ID --relation REL [member options]`
struct MemberAddCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "add",
            abstract: "增加家庭成员 Add a member to a household.",
            discussion: """
                One resident ID number is one person: a number already registered (in any household \
                of this store) is refused; edit that member instead.

                Example:
                  doudi member add 1a2b3c4d --name 王小红 --id 511011201003150321 --relation 女 \\
                    --employment 学生 --disability 智力:3
                """
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @Option(help: ArgumentHelp("姓名 The member's name.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("身份证号 The resident ID number (18 characters); sex and birth date come from it.", valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("与户主关系 配偶 | 子 | 女 | 孙子女 | 父母 | 祖父母 | 兄弟姐妹 | 其他 | 户主 (or spouse, son …).", valueName: "relation"))
    var relation: String

    @OptionGroup(title: "Member")
    var member: MemberOptions

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        _ = try Parse.residentID(id, option: "--id")
        _ = try Relation.parse(relation, option: "--relation")
    }

    func run() throws {
        try reportingFailures(options: memberOptionNames) { try output.run("member add") { result in
            let store = try storeOptions.open()
            let household = try store.resolveHouseholdReference(reference)
            var m = Member(id: UUID(), household: household, name: name.trimmingCharacters(in: .whitespaces),
                           residentID: try Parse.residentID(id, option: "--id"), relation: try .parse(relation, option: "--relation"))
            try member.apply(to: &m)
            let changeSet = try store.perform(.addMember(m))
            result.wrote(changeSet)
            print("已增加家庭成员 Added member \(Labels.short(m.id))：\(m.name)（\(m.residentID.masked)，\(m.relation.chineseName)）到户 \(Labels.short(household))；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
