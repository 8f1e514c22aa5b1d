import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import DoudiSync

/// `doudi history RECORD [--json]`: every version of a record.
struct HistoryCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "history",
            abstract: "修改记录 Show every version of a record: who changed what, and when.",
            discussion: """
                RECORD is the short id of a household, member, visit, survey or application (as the \
                listings show it), or a member's resident ID number. Nothing is ever deleted: a void \
                is a version too. A laptop keeps the versions it saw: a record it first received from \
                the server (every record of its first sync) shows the versions since; the earlier \
                ones are kept by the server.
                """
        )
    }

    @Argument(help: ArgumentHelp("记录 The record: short id, or a member's resident ID number.", valueName: "record"))
    var reference: String

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts (resident ID numbers masked).")
    var json = false

    struct Report: Encodable {
        struct Version: Encodable {
            var entity: String
            var operation: String
            var time: String
            var stamp: String
            var changeSet: String
            var user: String
            var role: String
            var org: String
            var fields: [String]
            /// The new values of the fields this version changed.
            var values: [String: JSONValue]
        }
        var record: String
        var entity: String
        var versions: [Version]
        /// The record was received whole from the server: its versions before that are the server's.
        var earlierVersionsOnServer: Bool
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let ref = try store.resolveRecord(reference)
            let versions = try store.history(of: ref.id)
            let received = versions.first?.operation != .create
            if json {
                print(try JSONOutput.string(Report(record: JSONOutput.id(ref.id), entity: ref.entity.rawValue, versions: versions.map { v in
                    var values: [String: JSONValue] = [:]
                    for name in v.fields { values[name] = Self.masked(name, v.snapshot[name] ?? .null) }
                    return .init(entity: v.entity.rawValue, operation: v.operation.rawValue, time: Labels.time(v.stamp), stamp: v.stamp.text,
                                 changeSet: JSONOutput.id(v.changeSet), user: v.author.user, role: v.author.role.rawValue,
                                 org: v.author.org.value, fields: v.fields, values: values)
                }, earlierVersionsOnServer: received)))
                return
            }
            print("\(ref.entity.chineseName) \(Labels.short(ref.id)) 的修改记录（共 \(versions.count) 个版本）")
            var table = Table(["时间", "记录", "操作", "字段", "操作人"])
            for v in versions {
                let fields = v.operation == .create ? "全部（新建）" : v.fields.map(Labels.field).joined(separator: "、")
                table.append([Labels.time(v.stamp), v.entity.chineseName, Labels.operation(v.operation, v.entity), fields,
                              "\(v.author.user)（\(v.author.org)）"])
            }
            if !versions.isEmpty { print(table.render(), terminator: "") }
            if received {
                print("本机从服务器整条收到此记录（首次同步），此前的版本（含新建）保存在服务器上。 This laptop received the record whole from the server; its earlier versions are kept there.")
            }
        }
    }

    /// A field's value with any resident ID number masked.
    static func masked(_ name: String, _ value: JSONValue) -> JSONValue {
        if name == "residentID", case .string(let s) = value, let id = try? ResidentID(s) { return .string(id.masked) }
        return value
    }
}
