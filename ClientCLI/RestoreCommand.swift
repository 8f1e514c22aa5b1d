import ArgumentParser
import DoudiField
import Foundation

/// `doudi restore FILE [--force]`: bring a backup back as this laptop's store.
struct RestoreCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "restore",
            abstract: "恢复 Restore the store from a backup (`doudi backup`); the next sync re-bases what was not synced.",
            discussion: """
                The file is checked first: a Doudi store that this doudi can open, set up for a device. \
                It then replaces the store (--store, else $DOUDI_HOME/doudi.sqlite). A store that holds \
                work not yet synced (change sets waiting, or set aside) is not replaced unless --force: \
                sync it first, or back it up.

                A restored store is marked restored. Its next `doudi sync` first asks the server how \
                far this device got, and numbers the change sets made since the restore after that; \
                change sets of the backup that the server already has are acknowledged as duplicates, \
                and one whose number another change set took is made again with the next number. \
                Nothing made before or after the restore is lost, and the pull brings what the lost \
                copy synced. The login token is not in a backup: log in again unless this laptop's \
                token (STORE.token) is still there.

                Example:
                  doudi restore /media/usb/wuxing-2026-11-20.doudi
                """
        )
    }

    @Argument(help: ArgumentHelp("备份文件 The backup file (`doudi backup --to` wrote it).", valueName: "file"))
    var file: String

    @Flag(help: "强制 Replace a store that has work not yet synced (that work is lost).")
    var force = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("restore") { result in
            let path = try storeOptions.resolvedPath()
            let backup = (file as NSString).expandingTildeInPath
            let summary: StoreBackup.Summary
            do { summary = try StoreBackup.restore(from: backup, to: path, force: force) } catch let failure as StoreBackup.Failure {
                throw CommandFailure(failure.message)
            }
            print("已恢复 Restored \(path) from \(backup): \(summary.deviceName)（\(summary.device)），\(summary.user)，\(summary.org)")
            if summary.pending + summary.setAside > 0 {
                print("未同步 Not yet synced: \(summary.pending) change set\(summary.pending == 1 ? "" : "s") waiting, \(summary.setAside) set aside")
            }
            let store = try storeOptions.open()
            let loggedIn = try store.loginToken() != nil
            let server = try store.syncState()?.server
            print("下一步 Next: " + (loggedIn || server == nil ? "doudi sync（先与服务器重新编号 re-bases with the server first）"
                                     : "doudi login --server \(server ?? "URL") --user \(summary.user)，then doudi sync"))
        }}
    }
}
