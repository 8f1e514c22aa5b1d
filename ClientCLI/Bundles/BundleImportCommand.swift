import ArgumentParser
import DoudiField
import DoudiText
import Foundation

/// `doudi bundle import FILE`: applies the server's reply to this laptop's bundle.
struct BundleImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "导入回执 Apply the server's reply bundle: the answers to the change sets and the village's new records.",
        discussion: """
            The reply is checked whole before anything is applied: signed by this laptop's server, \
            sealed to this laptop, answering a bundle this laptop made, and not applied before. A reply \
            for another laptop, a changed file or one applied already is refused with nothing changed.

            Then it is applied as a sync would: change sets accepted, or rejected for good and set aside \
            with the reason (`doudi outbox`), and the records the village gained. Records you changed \
            since the bundle left are kept as you changed them; they come again with the next bundle or \
            sync. If this laptop synced over the network meanwhile, the reply's records are skipped \
            (the laptop has them or gets them next time); its answers still count.

            Exit status: 0; 3 when the server rejected change sets for good (listed, with what to do); 1 \
            when the reply is refused.

            Example:
              doudi bundle import /media/usb/doudi-reply-dev-1a2b-20261130-143000-7c1e22aa.bundle
            """)
    @Argument(help: ArgumentHelp("The reply bundle the town brought back.", valueName: "file")) var file: String
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    struct Report: Encodable {
        struct Rejection: Encodable {
            var changeSet: String
            var sequence: Int64
            var action: String
            var code: String
            var message: String
        }
        var reply: String
        var inReplyTo: String
        var accepted: Int
        var acceptedWithConflicts: Int
        var rejected: [Rejection]
        var retrying: Int
        var rebased: Int
        var alreadyAnswered: Int
        var pulledRecords: Int
        var pulledConflicts: Int
        var heldRecords: Int
        var recordsSkipped: Bool
        var hasMore: Bool
        var cursor: Int64
        var pending: Int
    }

    func run() throws {
        var setAside: [Report.Rejection] = []
        try reportingFailures { try output.report { () throws -> Report in
            let data = try BundleFiles.read(file)
            let store = try storeOptions.open()
            let r = try store.importBundle(data)
            let rejected = r.rejected.map {
                Report.Rejection(changeSet: JSONOutput.id($0.changeSet), sequence: $0.sequence, action: $0.action, code: $0.code,
                                 message: Labels.maskingResidentIDs($0.message))
            }
            setAside = rejected
            print("已导入回执 Reply applied (for bundle \(Labels.short(r.inReplyTo)))")
            print("变更集 Change sets: 接受 \(r.accepted)，有冲突 \(r.acceptedWithConflicts)，拒绝 \(rejected.count)" +
                  (r.retrying > 0 ? "，稍后重试 \(r.retrying)" : "") + (r.alreadyAnswered > 0 ? "；已由同步确认 \(r.alreadyAnswered) already answered" : ""))
            if r.pagesSkipped {
                print("记录 Records: 本机在数据包导出后已同步过，回执中的记录已跳过 skipped (this laptop synced since the bundle left; it has them or gets them next time)")
            } else {
                print("拉取 \(r.pulledRecords) 条记录，\(r.pulledConflicts) 个冲突；位置 cursor \(r.cursor)")
            }
            if r.heldRecords > 0 {
                print("  \(r.heldRecords) 条记录本机已修改但未上传，保留本机版本 kept as changed here (not yet sent); they come again with the next bundle")
            }
            for x in rejected {
                print("  被拒绝 Rejected #\(x.sequence) \(Labels.action(x.action))（\(x.action)）: \(x.code): \(x.message)")
            }
            if r.hasMore { print("记录较多，一次未带完：请再导出一个数据包 More remains: export another bundle") }
            return Report(reply: JSONOutput.id(r.reply), inReplyTo: JSONOutput.id(r.inReplyTo), accepted: r.accepted,
                          acceptedWithConflicts: r.acceptedWithConflicts, rejected: rejected, retrying: r.retrying, rebased: r.rebased,
                          alreadyAnswered: r.alreadyAnswered, pulledRecords: r.pulledRecords, pulledConflicts: r.pulledConflicts,
                          heldRecords: r.heldRecords, recordsSkipped: r.pagesSkipped, hasMore: r.hasMore, cursor: r.cursor,
                          pending: try store.outboxCounts().pending)
        } }
        if let first = setAside.first {
            StandardError.writeLine("doudi: warning: the server rejected \(setAside.count) change set\(setAside.count == 1 ? "" : "s") for good: set aside — redo with `doudi outbox redo \(first.sequence)` once the reason is put right, or drop with `doudi outbox drop \(first.sequence)`; exit status \(SyncCommand.setAsideExitCode)")
            throw ExitCode(SyncCommand.setAsideExitCode)
        }
    }
}
