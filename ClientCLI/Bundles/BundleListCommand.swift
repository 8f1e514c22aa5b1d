import ArgumentParser
import DoudiField
import DoudiText
import Foundation

/// `doudi bundle list`: the bundles this laptop made and the replies it applied.
struct BundleListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "数据包记录 List the bundles this laptop made and the replies it applied.")
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    struct Entry: Encodable {
        var bundle: String
        var direction: String
        var createdAt: String
        @Nullable var inReplyTo: String?
        var changeSets: Int
        var records: Int
        @Nullable var answeredBy: String?
        @Nullable var appliedAt: String?
    }

    struct Report: Encodable { var bundles: [Entry] }

    func run() throws {
        try reportingFailures { try output.report { () throws -> Report in
            let store = try storeOptions.open()
            let entries = try store.bundleLog()
            func time(_ millis: Int64) -> String {
                let f = DateFormatter()
                f.locale = Locale(identifier: "en_US_POSIX")
                f.dateFormat = "yyyy-MM-dd HH:mm"
                return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
            }
            var table = Table(["数据包 Bundle", "方向 Way", "时间 Made", "变更集 Change sets", "记录 Records", "状态 State"])
            for e in entries {
                let state = e.direction == .out ? (e.answeredBy.map { "已回执 answered (\(Labels.short($0)))" } ?? "待回执 waiting for the reply")
                                                : "已导入 applied \(e.appliedAt.map(time) ?? "")"
                table.append([Labels.short(e.id), e.direction == .out ? "导出 out" : "回执 in", time(e.createdAt), "\(e.changeSets)",
                              e.direction == .out ? "" : "\(e.records)", state])
            }
            print(entries.isEmpty ? "本机还没有数据包 No bundles yet: doudi bundle export --to DIR" : table.render(), terminator: entries.isEmpty ? "\n" : "")
            return Report(bundles: entries.map {
                Entry(bundle: JSONOutput.id($0.id), direction: $0.direction.rawValue, createdAt: time($0.createdAt), inReplyTo: $0.inReplyTo.map(JSONOutput.id),
                      changeSets: $0.changeSets, records: $0.records, answeredBy: $0.answeredBy.map(JSONOutput.id), appliedAt: $0.appliedAt.map(time))
            })
        } }
    }
}
