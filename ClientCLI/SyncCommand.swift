import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi sync [--json]`: push the outbox, then pull to the end.
struct SyncCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "sync",
            abstract: "同步 Push the waiting change sets to the server, then pull what changed in this store's scope.",
            discussion: """
                Log in once first (`doudi login`). The outbox is pushed in order; the server judges \
                each change set on its own: accepted, accepted with conflicts (both versions kept, see \
                `doudi conflicts list`), or rejected with a reason. A rejected change set is set aside \
                — never sent again, shown by `doudi status` and `doudi outbox` with its reason — and \
                never holds back the others. Then everything new in the store's scope (a village, or a \
                town's villages) is pulled, page by page.

                Progress goes to standard error; the summary to standard output (--json for scripts).

                Exit status: 0 when the sync completed, even if the server rejected some change sets \
                (they are listed, and a warning says so on standard error); 1 when the sync itself \
                failed — not logged in, login expired, server unreachable after retries. Requests are \
                retried with growing waits; a sync that stops keeps what it did (acknowledged change \
                sets stay marked, pulled pages stay applied) and the next `doudi sync` resumes from there.
                """
        )
    }

    @Option(help: .hidden)
    var pageSize: Int?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts: counts, rejections with their code and message, the cursor.")
    var json = false

    func validate() throws {
        if let pageSize, pageSize < 1 { throw ValidationError("--page-size must be 1 or more") }
    }

    struct Report: Encodable {
        struct Rejection: Encodable {
            var changeSet: String
            @Nullable var sequence: Int64?
            var action: String
            var code: String
            var message: String
        }
        var server: String
        var pushed: Int
        var accepted: Int
        var acceptedWithConflicts: Int
        var rejected: [Rejection]
        var pulledRecords: Int
        var pulledConflicts: Int
        var cursor: Int64
        /// Change sets still waiting (0 after a complete sync).
        var pending: Int
        /// Unresolved conflicts in this store after the sync.
        var openConflicts: Int
    }

    func run() async throws {
        try await reportingFailures {
            let store = try storeOptions.open()
            let server = try store.syncState()?.server
            var configuration = SyncClient.Configuration()
            if let pageSize { configuration.pullLimit = pageSize; configuration.pushBatch = pageSize }
            let client = SyncClient(store: store, configuration: configuration)
            let result: SyncClient.Report
            do {
                result = try await client.sync { progress in
                    switch progress {
                    case .pushed(let done, let total):
                        StandardError.writeLine("推送 \(done)/\(total) 个变更集 pushed")
                    case .pulled(let records, let cursor):
                        StandardError.writeLine("拉取 \(records) 条记录 pulled (位置 cursor \(cursor))")
                    }
                }
            } catch let error as SyncError {
                throw CommandFailure(SyncFailure.message(error, server: server))
            } catch {
                throw CommandFailure("the sync stopped on this laptop (\(CommandFailure.oneLine(error))): what was already synced is kept; run `doudi sync` again, and report this if it happens again")
            }
            let sequences = Dictionary(try store.outbox(states: [.rejected]).map { ($0.changeSet.id, $0.changeSet.sequence) }) { a, _ in a }
            let report = Report(
                server: server ?? "",
                pushed: result.pushed, accepted: result.accepted, acceptedWithConflicts: result.acceptedWithConflicts,
                rejected: result.rejected.map {
                    .init(changeSet: JSONOutput.id($0.changeSet), sequence: sequences[$0.changeSet], action: $0.action, code: $0.code,
                          message: Labels.maskingResidentIDs($0.message))
                },
                pulledRecords: result.pulledRecords, pulledConflicts: result.pulledConflicts, cursor: result.cursor,
                pending: try store.outboxCounts().pending, openConflicts: try store.conflictEntries().count)
            if json {
                print(try JSONOutput.string(report))
            } else {
                print(Self.summary(report), terminator: "")
            }
            if !report.rejected.isEmpty {
                let n = report.rejected.count
                StandardError.writeLine("doudi: warning: the server rejected \(n) change set\(n == 1 ? "" : "s") (set aside, not sent again; the others synced): see `doudi status`")
            }
        }
    }

    /// The human summary.
    static func summary(_ r: Report) -> String {
        var out = "推送 \(r.pushed) 个变更集：接受 \(r.accepted)，有冲突 \(r.acceptedWithConflicts)，拒绝 \(r.rejected.count)\n"
        out += "拉取 \(r.pulledRecords) 条记录，\(r.pulledConflicts) 个冲突\n"
        if !r.rejected.isEmpty {
            out += "被拒绝的变更集 Rejected (set aside, not sent again):\n"
            var table = Table([], indent: 2)
            for x in r.rejected {
                table.append([x.sequence.map { "#\($0)" } ?? Labels.short(UUID(uuidString: x.changeSet) ?? UUID()),
                              "\(Labels.action(x.action))（\(x.action)）", "\(x.code): \(x.message)"])
            }
            out += table.render()
        }
        out += "同步完成 Synced with \(r.server)，位置 cursor \(r.cursor)"
        if r.openConflicts > 0 { out += "；待处理冲突 \(r.openConflicts) 个：doudi conflicts list" }
        return out + "\n"
    }
}
