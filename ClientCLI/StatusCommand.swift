import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi status [--json]`: this store, its server, and how far it has synced.
struct StatusCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "status",
            abstract: "同步状态 Show this store's device and user, its server, the last sync, what waits and what was rejected.",
            discussion: """
                Rejected change sets are listed with the server's reason: they are set aside and never \
                sent again until you redo them (`doudi outbox redo N`) or drop them (`doudi outbox drop N`). \
                A store restored from a backup (`doudi restore`) says so until its first sync.
                """
        )
    }

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    struct Report: Encodable {
        struct Rejection: Encodable {
            var changeSet: String
            var sequence: Int64
            var action: String
            var time: String
            @Nullable var reason: String?
        }
        var device: String
        var deviceName: String
        var user: String
        var role: String
        var org: String
        @Nullable var server: String?
        var loggedIn: Bool
        /// ISO 8601 with the local offset; `null` before the first complete sync.
        @Nullable var lastSync: String?
        var cursor: Int64
        var pending: Int
        var accepted: Int
        var rejected: [Rejection]
        var openConflicts: Int
        /// Set when the store was restored from a backup and has not synced since.
        @Nullable var restoredFrom: String?
        /// When the last bundle was exported (`doudi bundle export`); `null` before any.
        @Nullable var lastBundleExported: String?
        /// When the last reply bundle was applied (`doudi bundle import`); `null` before any.
        @Nullable var lastBundleReply: String?
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let device = try store.device()
            let state = try store.syncState()
            let loggedIn = try store.loginToken() != nil
            let restoration = try store.pendingRestoration()
            let counts = try store.outboxCounts()
            // plain columns only: status works while the store is locked
            let rejected = try store.setAside()
            let open = try store.openConflictCount()
            let lastSync = state?.lastSync.map { Date(timeIntervalSince1970: Double($0) / 1000) }
            let bundles = try store.bundleLog()
            let lastReply = bundles.compactMap(\.appliedAt).max().map { Date(timeIntervalSince1970: Double($0) / 1000) }
            let lastExport = bundles.filter { $0.direction == .out }.map(\.createdAt).max().map { Date(timeIntervalSince1970: Double($0) / 1000) }
            if json {
                let iso = ISO8601DateFormatter()
                iso.timeZone = .current
                print(try JSONOutput.string(Report(
                    device: device.id, deviceName: device.name, user: device.user, role: device.role.rawValue, org: device.org.value,
                    server: state?.server, loggedIn: loggedIn, lastSync: lastSync.map { iso.string(from: $0) },
                    cursor: state?.cursor ?? 0, pending: counts.pending, accepted: counts.accepted,
                    rejected: rejected.map { e in
                        .init(changeSet: JSONOutput.id(e.id), sequence: e.sequence, action: e.action,
                              time: Labels.time(e.stamp), reason: e.reason.map(Labels.maskingResidentIDs))
                    },
                    openConflicts: open, restoredFrom: restoration?.source, lastBundleExported: lastExport.map { iso.string(from: $0) },
                    lastBundleReply: lastReply.map { iso.string(from: $0) })))
                return
            }
            var table = Table([])
            table.rows = [
                ["设备 Device", "\(device.name)（\(device.id)）"],
                ["用户 User", "\(device.user)，\(device.role.chineseName)（\(device.role.rawValue)），\(device.org.value)"],
                ["服务器 Server", state.map { "\($0.server)（\(loggedIn ? "已登录 logged in" : "未登录 not logged in: doudi login --server \($0.server) --user \(device.user)")）" }
                    ?? "未登录 not logged in: doudi login --server URL --user \(device.user)"],
                ["上次同步 Last sync", lastSync.map(Labels.time) ?? "从未同步 never"],
                ["待同步 Waiting", "\(counts.pending) 个变更集 change set\(counts.pending == 1 ? "" : "s")"],
                ["已同步 Accepted", "\(counts.accepted) 个变更集"],
                ["被拒绝 Rejected", "\(counts.rejected) 个变更集" + (counts.rejected > 0 ? "（已搁置，不再发送 set aside）" : "")],
                ["待处理冲突 Conflicts", "\(open) 个" + (open > 0 ? "：doudi conflicts list" : "")],
                ["同步位置 Cursor", "\(state?.cursor ?? 0)"],
            ]
            if let lastExport {
                // the change sets a bundle carried stay waiting until a reply or a sync answers them (the line above)
                table.append(["数据包 Bundles", "上次导出 last exported \(Labels.time(lastExport))；"
                              + (lastReply.map { "上次导入回执 last reply applied \(Labels.time($0))" } ?? "尚未导入回执 no reply applied yet")])
            }
            if let restoration {
                table.append(["恢复自 Restored from", "\(restoration.source)（\(Labels.time(Date(timeIntervalSince1970: Double(restoration.restoredAt) / 1000)))；下次同步时重新编号 re-based at the next sync）"])
            }
            print(table.render(), terminator: "")
            if !rejected.isEmpty {
                print("\n被拒绝的变更集 Rejected change sets:")
                var t = Table(["序号", "时间", "操作", "原因"], rightAligned: [0], indent: 2)
                for e in rejected {
                    t.append(["\(e.sequence)", Labels.time(e.stamp), Labels.action(e.action),
                              Labels.maskingResidentIDs(e.reason ?? "")])
                }
                print(t.render(), terminator: "")
                print(OutboxListCommand.resolveHint(count: rejected.count, example: rejected[0].sequence))
            }
        }
    }
}
