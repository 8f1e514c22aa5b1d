import ArgumentParser
import DoudiField
import Foundation

/// `doudi lock [--store PATH]`: forgets the unlocked key at once.
struct LockCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "lock",
            abstract: "锁定本地数据库 Lock the store now: forget its unlocked key.",
            discussion: """
                Commands that need an ID number, a health fact or a bank account then ask for \
                `doudi unlock` again. Lock the store before you leave the laptop; it locks itself \
                12 hours after it was unlocked, and when the laptop is switched off.
                """
        )
    }

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("lock") { result in
            let store = try storeOptions.openLocked()
            if try StoreLock.forget(store) {
                print("已锁定 Locked: `doudi unlock` unlocks it again")
            } else {
                print("已锁定 The store was locked already")
            }
        }}
    }
}
