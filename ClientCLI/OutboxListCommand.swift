import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import DoudiSync

/// `doudi outbox [list] [--all] [--json]`: the change sets waiting to sync, and those set aside.
struct OutboxListCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "待同步 List the change sets waiting to sync, and those set aside (rejected) with the server's reason.",
            discussion: """
                Each action (a registration, an edit, a visit …) is one change set, applied whole or not at all.                 A rejected one (被拒绝) is set aside until you redo or drop it (`doudi outbox redo N`,                 `doudi outbox drop N`); --all also lists the accepted ones and the ones dropped or redone.
                """
        )
    }

    @Flag(help: "全部 Include change sets the server has accepted, and those dropped or redone.")
    var all = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts (resident ID numbers are not included).")
    var json = false

    struct Report: Encodable {
        struct Entry: Encodable {
            struct Record: Encodable {
                var entity: String
                var record: String
                var operation: String
                var fields: [String]
            }
            var sequence: Int64
            var id: String
            var action: String
            var time: String
            var stamp: String
            var user: String
            var state: String
            var records: Int
            @Nullable var serverSequence: Int64?
            @Nullable var reason: String?
            /// What became of a change set dropped, redone or re-based ("redone as #12 (…)").
            @Nullable var resolution: String?
            var changes: [Record]
        }
        /// Change sets waiting (pending).
        var pending: Int
        /// Change sets set aside (rejected), waiting for `redo` or `drop`.
        var setAside: Int
        var changeSets: [Entry]
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let entries = try store.outbox(states: all ? [.pending, .rejected, .accepted, .dropped, .superseded] : [.pending, .rejected])
            let resolutions = try store.outboxResolutions()
            let pending = entries.filter { $0.state == .pending }.count
            let setAside = entries.filter { $0.state == .rejected }
            if json {
                print(try JSONOutput.string(Report(pending: pending, setAside: setAside.count, changeSets: entries.map { e in
                    let c = e.changeSet
                    return .init(sequence: c.sequence, id: JSONOutput.id(c.id), action: c.action, time: Labels.time(c.stamp), stamp: c.stamp.text,
                                 user: c.author.user, state: e.state.rawValue, records: c.changes.count,
                                 serverSequence: e.serverSequence, reason: e.reason.map(Labels.maskingResidentIDs),
                                 resolution: resolutions[c.id]?.text,
                                 changes: c.changes.map { .init(entity: $0.entity.rawValue, record: JSONOutput.id($0.record),
                                                                operation: $0.operation.rawValue, fields: $0.fields.map(\.name)) })
                })))
                return
            }
            guard !entries.isEmpty else {
                print("没有待同步的变更 Nothing waits to sync.")
                return
            }
            var table = Table(["序号", "时间", "操作", "记录数", "状态", "记录"], rightAligned: [0, 3])
            for e in entries {
                let c = e.changeSet
                var records = Array(Set(c.changes.map(\.record))).map(Labels.short).sorted()
                if records.count > 3 { records = Array(records.prefix(3)) + ["…"] }
                var state = e.state.chineseName
                if let resolution = resolutions[c.id]?.text {
                    state += "（\(resolution)）"
                } else if let reason = e.reason {
                    state += "（\(Labels.maskingResidentIDs(reason))）"
                }
                table.append(["\(c.sequence)", Labels.time(c.stamp), Labels.action(c.action), "\(c.changes.count)", state,
                              records.joined(separator: " ")])
            }
            print(table.render(), terminator: "")
            print("共 \(entries.count) 个变更集，\(pending) 个待同步 \(pending) change set\(pending == 1 ? "" : "s") waiting to sync")
            if let first = setAside.first {
                print(Self.resolveHint(count: setAside.count, example: first.changeSet.sequence))
            }
        }
    }

    /// What to do with change sets set aside, for the listings and the sync's summary.
    static func resolveHint(count: Int, example: Int64) -> String {
        "\(count) 个变更集被拒绝、已搁置 set aside: 改正原因后重做 redo with `doudi outbox redo \(example)`，或放弃 drop with `doudi outbox drop \(example)`"
    }
}
