import ArgumentParser
import DoudiField
import DoudiText
import Foundation

/// `doudi unlock [--password-stdin] [--store PATH]`
///
/// Unlocks the store for the next 12 hours: its key waits on a memory file system, never
/// on the disk. A store made before doudi encrypted its records gets its password now, and
/// its records are encrypted.
struct UnlockCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "unlock",
            abstract: "解锁本地数据库 Unlock the store: its ID numbers, health facts and bank accounts are encrypted.",
            discussion: """
                The store's password is its user's account password (the one `doudi login` takes; \
                `doudi login` unlocks the store too). The key stays unlocked for 12 hours, in a file \
                only you can read on a memory file system ($XDG_RUNTIME_DIR/doudi, else \
                /dev/shm/doudi-UID), never on the disk; `doudi lock` locks it at once.

                The password is typed on the terminal, or read from standard input with \
                --password-stdin, or taken from $\(PasswordInput.environmentVariable) (for scripts: \
                anyone who can read the process's environment can read it).

                A store made before doudi encrypted its records gets this password, and its records \
                are encrypted (and the file compacted, so that no copy stays behind).

                Example:
                  doudi unlock
                """
        )
    }

    @Flag(help: "从标准输入读密码 Read the password from the first line of standard input.")
    var passwordStdin = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("unlock") { result in
            let store = try storeOptions.openLocked()
            let password = try PasswordInput(fromStandardInput: passwordStdin).read(prompt: "本地数据库密码 Store password (your account's): ")
            let unlocked: FieldStore
            if try store.keyring() == nil {
                unlocked = try store.protect(password: password)
                print("已加密 The store's ID numbers, health facts and bank accounts are now encrypted under this password; the file was compacted")
            } else {
                do { unlocked = try store.unlock(password: password) } catch let error as FieldError where error.code == .wrongPassword {
                    throw CommandFailure(chinese: "密码错误", "wrong password: it does not unlock this store; its password is your account's, as it was when the store was last unlocked")
                }
            }
            let until = try StoreLock.remember(unlocked)
            print("已解锁 Unlocked until \(Labels.time(until)) (12 小时 hours); `doudi lock` locks it now")
        }}
    }
}
