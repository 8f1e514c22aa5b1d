import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi volunteer list|add`: the district's pool of poverty-relief volunteers (§3.7).
struct VolunteerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volunteer", abstract: "扶贫志愿者 The volunteer pool (§3.7): list (every tier), add (district).",
        subcommands: [VolunteerListCommand.self, VolunteerAddCommand.self], defaultSubcommand: VolunteerListCommand.self)
}

/// `doudi volunteer list [--village CODE] [--skill TEXT] [--json]`
struct VolunteerListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The volunteers, optionally those serving a village or with a skill.",
                                                    discussion: "Phone numbers are masked (last four digits shown).")
    @Option(help: ArgumentHelp("Only those serving this village.", valueName: "code")) var village: String?
    @Option(help: ArgumentHelp("Only those whose skills mention this.", valueName: "text")) var skill: String?
    @Flag(help: "输出 JSON for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let code = try village.map { try Parse.orgCode($0, option: "--village") }
            let volunteers = try store.volunteers().filter { v in
                (code.map(v.serves) ?? true) && (skill.map { s in v.skills.contains { $0.contains(s) } } ?? true)
            }
            if json {
                print(try JSONOutput.string(volunteers.map {
                    VolunteerJSON(id: JSONOutput.id($0.id), name: $0.name, phone: $0.phone.map(Self.masked), skills: $0.skills, villages: $0.villages.map(\.value))
                }))
                return
            }
            guard !volunteers.isEmpty else { print("没有符合条件的志愿者 No volunteer matches."); return }
            var table = Table(["短号", "姓名", "电话", "专长", "服务村(社区)"])
            for v in volunteers {
                table.append([Labels.short(v.id), v.name, v.phone.map(Self.masked) ?? "—", v.skills.joined(separator: "、"),
                              v.villages.isEmpty ? "全区" : v.villages.map(\.value).joined(separator: "、")])
            }
            print(table.render(), terminator: "")
        }
    }

    /// `138****5678`: the last four digits only.
    static func masked(_ phone: String) -> String {
        let digits = phone.filter(\.isNumber)
        return digits.count <= 4 ? "****" : String(repeating: "*", count: min(7, digits.count - 4)) + digits.suffix(4)
    }
}

/// `doudi volunteer add --name N --skill S … [--village CODE …] [--phone P] [--org ORG] [--registered DAY]`
struct VolunteerAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "登记 Register a volunteer (district officers).")
    @Option(help: ArgumentHelp("姓名", valueName: "name")) var name: String
    @Option(help: ArgumentHelp("专长 (repeatable), e.g. 种养殖技术.", valueName: "text")) var skill: [String] = []
    @Option(help: ArgumentHelp("服务村(社区) or town code (repeatable; none: anywhere in the district).", valueName: "code")) var village: [String] = []
    @Option(help: ArgumentHelp("联系电话", valueName: "phone")) var phone: String?
    @Option(help: ArgumentHelp("所属社会组织 (short id or name).", valueName: "org")) var org: String?
    @Option(help: ArgumentHelp("登记日期 YYYY-MM-DD (default: today).", valueName: "day")) var registered: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["name": "--name", "skills": "--skill", "villages": "--village", "phone": "--phone"]) { try output.run("volunteer add") { result in
            let store = try storeOptions.open()
            let district = try store.device().actor.org.district
            let volunteer = Volunteer(id: UUID(), district: district, name: name, phone: phone, skills: Parse.list(skill),
                                      villages: try Parse.list(village).map { try Parse.orgCode($0, option: "--village") },
                                      organisation: try org.map { try OrgCommand.find($0, store).id },
                                      registeredOn: try Parse.day(registered, option: "--registered"))
            let changeSet = try store.perform(.saveVolunteer(volunteer))
            result.wrote(changeSet)
            print("已登记 Registered volunteer \(name) \(Labels.short(volunteer.id))（\(volunteer.skills.joined(separator: "、"))）；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

private struct VolunteerJSON: Encodable {
    var id: String
    var name: String
    @Nullable var phone: String?
    var skills: [String]
    var villages: [String]
}
