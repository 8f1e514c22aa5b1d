import ArgumentParser
import DoudiField
import Foundation

/// `doudi backup --to FILE [--force]`: a consistent copy of the store, owner-only, without the token.
struct BackupCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "backup",
            abstract: "备份 Copy this store to a file (a consistent copy, readable by you only, without the login).",
            discussion: """
                The copy is taken while the store is in use and is one self-contained file, created \
                readable and writable by you only (0600). It holds the records, the outbox and the \
                sync position, sealed as in the store; never the login token (log in again after a \
                restore on another laptop). Keep it on another disk (a USB key in the office safe).

                `doudi restore FILE` brings it back; the first sync after a restore re-bases what was \
                not yet synced with the server, so nothing made before or after the restore is lost.

                Example:
                  doudi backup --to /media/usb/wuxing-2026-11-20.doudi
                """
        )
    }

    @Option(help: ArgumentHelp("备份文件 The file to write (must not exist yet, unless --force).", valueName: "file"))
    var to: String

    @Flag(help: "覆盖 Replace the file if it exists.")
    var force = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON, for scripts: the file and what it holds.")
    var json = false

    struct Report: Encodable {
        var file: String
        var device: String
        var user: String
        var org: String
        var pending: Int
        var setAside: Int
        var nextSequence: Int64
        var bytes: Int
    }

    func validate() throws {
        if to.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--to must name the backup file, e.g. --to /media/usb/doudi-backup.sqlite") }
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let path = (to as NSString).expandingTildeInPath
            let summary: StoreBackup.Summary
            do { summary = try StoreBackup.backup(store.database, to: path, overwrite: force) } catch let failure as StoreBackup.Failure {
                throw CommandFailure(failure.message)
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if json {
                print(try JSONOutput.string(Report(file: path, device: summary.device, user: summary.user, org: summary.org, pending: summary.pending,
                                                   setAside: summary.setAside, nextSequence: summary.nextSequence, bytes: bytes)))
                return
            }
            print("已备份 Backed up: \(summary.deviceName)（\(summary.device)），\(summary.user)，\(summary.org) → \(path)")
            print("大小 Size \(bytes / 1024) KiB；仅本人可读 readable by you only；不含登录令牌 without the login token")
            if summary.pending + summary.setAside > 0 {
                print("含未同步的变更集 Holds \(summary.pending) change set\(summary.pending == 1 ? "" : "s") waiting to sync and \(summary.setAside) set aside")
            }
            print("恢复 Restore with: doudi restore \(path)")
        }
    }
}
