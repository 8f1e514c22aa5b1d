import ArgumentParser
import DoudiField
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `doudi password [--password-stdin] [--store PATH]`: a new password for the store.
struct PasswordCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "password",
            abstract: "更换本地数据库密码 Change the store's password (its key is re-wrapped; the records stay as they are).",
            discussion: """
                The store's password should stay its user's account password: after the account's \
                password is changed on the server, `doudi login` with the new one moves the store to \
                it by itself. Use this command when the store must have another password.

                The store must be unlocked (`doudi unlock`), or the current password is asked on the \
                terminal. The new password is typed twice on the terminal, or read from the first \
                line of standard input with --password-stdin, or taken from \
                $\(PasswordInput.environmentVariable). At least \(Keyring.minimumPasswordLength) characters.
                """
        )
    }

    @Flag(help: "从标准输入读新密码 Read the new password from the first line of standard input.")
    var passwordStdin = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("password") { result in
            var store = try storeOptions.open()
            guard try store.keyring() != nil else {
                throw CommandFailure(chinese: "本地数据库还没有密码", "this store has no password yet: `doudi unlock` sets one and encrypts its records")
            }
            if store.isLocked {
                guard isatty(STDIN_FILENO) != 0 else { throw FieldError.locked }
                do { store = try store.unlock(password: PasswordInput.typed("当前密码 Current password: ")) } catch let error as FieldError where error.code == .wrongPassword {
                    throw CommandFailure(chinese: "密码错误", "wrong password: it does not unlock this store; nothing changed")
                }
            }
            let password = try PasswordInput(fromStandardInput: passwordStdin).read(prompt: "新密码 New password: ", confirm: true)
            try store.changePassword(to: password)
            try StoreLock.remember(store)
            print("密码已更换 The store's password is changed: its key is re-wrapped, the records are as they were")
        }}
    }
}
