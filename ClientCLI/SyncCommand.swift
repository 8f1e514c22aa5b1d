import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
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
                `doudi conflicts list`), or rejected with a reason. A change set rejected for good is set \
                aside — its effect here undone, never sent again, shown by `doudi status` and \
                `doudi outbox` with its reason — and never holds back the others: redo it \
                (`doudi outbox redo N`) once the reason is put right, or drop it (`doudi outbox drop N`). \
                One refused for a reason that may pass later (a record it needs is not there yet, the \
                clock) is sent again by the next syncs, and set aside after \(FieldStore.retryLimit) \
                refusals in a row. Then everything new in the store's scope (a village, or a town's \
                villages) is pulled, page by page.

                After `doudi restore`, the first sync asks the server how far this device got and \
                numbers the change sets made since the restore after that; a change set whose number \
                was taken meanwhile is made again with the next number ("re-based"), not rejected.

                Progress goes to standard error — on a terminal one line redrawn from the first second \
                on, with records, rate and time left; otherwise a line per step; with --json a JSON \
                object per step — and the summary to standard output (--json for scripts).

                Exit status: 0 when the sync completed and nothing new was set aside; 3 when the sync \
                completed but the server rejected change sets for good (they are listed with their \
                reason and what to do, and a warning on standard error says how many); 1 when the sync \
                itself failed — not logged in, login expired, server unreachable after retries. \
                Requests are retried with growing waits; a sync that stops keeps what it did \
                (acknowledged change sets stay marked, pulled pages stay applied) and the next \
                `doudi sync` resumes from there.
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

    /// The exit status of a sync that completed but set change sets aside.
    static let setAsideExitCode: Int32 = 3

    struct Report: Encodable {
        struct Rejection: Encodable {
            var changeSet: String
            @Nullable var sequence: Int64?
            var action: String
            var code: String
            var message: String
        }
        struct Rebased: Encodable {
            var changeSet: String
            var sequence: Int64
            var action: String
            var newChangeSet: String
            var newSequence: Int64
        }
        struct Restored: Encodable {
            @Nullable var serverHighestSequence: Int64?
            var renumbered: Int
            var nextSequence: Int64
        }
        var server: String
        var pushed: Int
        var accepted: Int
        var acceptedWithConflicts: Int
        /// Set aside in this sync (rejected for good): to redo or drop.
        var rejected: [Rejection]
        /// Refused for a reason that may pass later: still waiting, sent again next sync.
        var retrying: [Rejection]
        /// Made again with a new number after a restore (their numbers were taken).
        var rebased: [Rebased]
        /// What the first sync after `doudi restore` did before pushing.
        @Nullable var restored: Restored?
        var pulledRecords: Int
        var pulledConflicts: Int
        /// Records that left this laptop's scope (their household moved to another village): removed here.
        var departedRecords: Int
        var cursor: Int64
        /// Change sets still waiting (0 after a complete sync, unless some are retrying).
        var pending: Int
        /// Change sets set aside in this store (this sync's and earlier ones), waiting for redo or drop.
        var setAside: Int
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
            // progress on standard error: redrawn on a terminal, a line a step otherwise, JSON lines with --json
            let meter = ProgressOutput(style: json ? .json : (isatty(STDERR_FILENO) != 0 ? .terminal : .lines))
            defer { meter.finish() }
            do {
                result = try await client.sync { progress in meter.show(progress) }
                meter.finish()   // the progress line ends before the summary is printed
            } catch let error as SyncError {
                throw SyncFailure.failure(error, server: server)
            } catch let error as FieldError where error.code == .locked {
                throw error   // the store is locked: said as every command says it (run `doudi unlock`)
            } catch {
                throw CommandFailure("the sync stopped on this laptop (\(CommandFailure.oneLine(error))): what was already synced is kept; run `doudi sync` again, and report this if it happens again")
            }
            func rejection(_ r: SyncClient.Rejected) -> Report.Rejection {
                .init(changeSet: JSONOutput.id(r.changeSet), sequence: r.sequence, action: r.action, code: r.code,
                      message: Labels.maskingResidentIDs(r.message))
            }
            let counts = try store.outboxCounts()
            let report = Report(
                server: server ?? "",
                pushed: result.pushed, accepted: result.accepted, acceptedWithConflicts: result.acceptedWithConflicts,
                rejected: result.rejected.map(rejection), retrying: result.retrying.map(rejection),
                rebased: result.rebased.map {
                    .init(changeSet: JSONOutput.id($0.from), sequence: $0.fromSequence, action: $0.action,
                          newChangeSet: JSONOutput.id($0.to), newSequence: $0.toSequence)
                },
                restored: result.restored.map { .init(serverHighestSequence: $0.serverHighestSequence, renumbered: $0.renumbered, nextSequence: $0.nextSequence) },
                pulledRecords: result.pulledRecords, pulledConflicts: result.pulledConflicts,
                departedRecords: result.departedRecords, cursor: result.cursor,
                pending: counts.pending, setAside: counts.rejected, openConflicts: try store.conflictEntries().count)
            if json {
                print(try JSONOutput.string(report))
            } else {
                print(Self.summary(report), terminator: "")
                if let first = try store.outbox(states: [.rejected]).first {
                    print(OutboxListCommand.resolveHint(count: report.setAside, example: first.changeSet.sequence))
                }
            }
            if let first = report.rejected.first {
                let n = report.rejected.count
                StandardError.writeLine("doudi: warning: synced, but the server rejected \(n) change set\(n == 1 ? "" : "s") for good: set aside (not sent again; the others synced) — redo with `doudi outbox redo \(first.sequence ?? 0)` once the reason is put right, or drop with `doudi outbox drop \(first.sequence ?? 0)`; exit status \(Self.setAsideExitCode)")
                throw ExitCode(Self.setAsideExitCode)
            }
        }
    }

    /// The human summary.
    static func summary(_ r: Report) -> String {
        var out = "推送 \(r.pushed) 个变更集：接受 \(r.accepted)，有冲突 \(r.acceptedWithConflicts)，拒绝 \(r.rejected.count)\n"
        out += "拉取 \(r.pulledRecords) 条记录，\(r.pulledConflicts) 个冲突\n"
        if r.departedRecords > 0 {
            out += "迁出本辖区的记录 \(r.departedRecords) 条已从本机移除（家庭已迁往其他村） \(r.departedRecords) records left this laptop's scope (a household moved to another village) and were removed\n"
        }
        if let restored = r.restored {
            out += "恢复后首次同步 First sync after a restore: "
            if let highest = restored.serverHighestSequence {
                out += "服务器已收到本设备至 #\(highest) the server had this device's change sets up to #\(highest)"
                out += restored.renumbered > 0 ? "；恢复后的 \(restored.renumbered) 个变更集已重新编号 renumbered after it\n" : "\n"
            } else {
                out += "服务器未提供设备序号 the server could not say how far this device got: numbers taken are re-made as reported\n"
            }
        }
        if !r.rebased.isEmpty {
            out += "重新编号 Re-based (the number was taken; the action is kept, as a new change set):\n"
            var table = Table([], indent: 2)
            for x in r.rebased { table.append(["#\(x.sequence) → #\(x.newSequence)", "\(Labels.action(x.action))（\(x.action)）"]) }
            out += table.render()
        }
        if !r.retrying.isEmpty {
            out += "稍后重试 Refused for now, sent again at the next sync:\n"
            var table = Table([], indent: 2)
            for x in r.retrying {
                table.append(["#\(x.sequence ?? 0)", "\(Labels.action(x.action))（\(x.action)）", "\(x.code): \(x.message)"])
            }
            out += table.render()
        }
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
