import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi member edit MEMBER [--name] [--id] [--relation] [member options]`
struct MemberEditCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "edit",
            abstract: "修改成员信息 Change a member's fields (only those given).",
            discussion: """
                Example: doudi member edit 511011195803040114 --health 重病 --illness 尿毒症 --labour 完全丧失
                An edit that changes nothing is refused ("nothing changed").
                """
        )
    }

    @Argument(help: ArgumentHelp("成员 The member: resident ID number or short id.", valueName: "member"))
    var reference: String

    @Option(help: ArgumentHelp("姓名 A corrected name.", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("身份证号 A corrected resident ID number.", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("与户主关系 The relation to the head.", valueName: "relation"))
    var relation: String?

    @OptionGroup(title: "Member")
    var member: MemberOptions

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        if let id { _ = try Parse.residentID(id, option: "--id") }
        if let relation { _ = try Relation.parse(relation, option: "--relation") }
    }

    func run() throws {
        try reportingFailures(options: memberOptionNames) { try output.run("member edit") { result in
            let store = try storeOptions.open()
            let memberID = try store.resolveMember(reference)
            guard var m = try store.member(memberID) else {
                throw FieldError(.notFound, field: "member", "no member \(Labels.echo(reference)) in this store")
            }
            if let name { m.name = name.trimmingCharacters(in: .whitespaces) }
            if let id { m.residentID = try Parse.residentID(id, option: "--id") }
            if let relation { m.relation = try .parse(relation, option: "--relation") }
            try member.apply(to: &m)
            let changeSet = try store.perform(.editMember(m))
            result.wrote(changeSet)
            let fields = changeSet.changes.flatMap(\.fields).map { Labels.field($0.name) }
            print("已修改成员 Changed member \(Labels.short(m.id))（\(m.name)）：\(fields.joined(separator: "、"))；变更集 #\(changeSet.sequence) 待同步")
            // a death or a move does not stop payment by itself: the town decides 停保
            let open = try store.householdCase(m.household).openEnrolments(member: m.id)
            if m.personStatus != .normal, !open.isEmpty {
                let list = open.map(\.programme.chineseName).joined(separator: "、")
                let how = m.personStatus == .dead ? "--died YYYY-MM-DD" : "--last-month YYYY-MM"
                print("注意 \(m.name)（\(m.personStatus.chineseName)）仍在保：\(list)。请乡镇作出停保决定 The town decides 停保: doudi enrolment stop \(Labels.short(m.household)) --member \(Labels.short(m.id)) \(how) --reason …")
            }
        }}
    }
}
