import ArgumentParser
import DoudiField
import DoudiModel
import DoudiSync
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `doudi account-password [--current-password P] [--new-password P]`
///
/// Changes the password of the store's account **on the server** (`doudi password` changes
/// the store's own password).
struct AccountPasswordCommand: AsyncParsableCommand {
    /// Where a script may give the new password.
    static let newPasswordVariable = "DOUDI_NEW_PASSWORD"

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "account-password",
            abstract: "修改账号密码 Change your account's password on the server (after a reset: the one-time password).",
            discussion: """
                After the district reset your password (`doudi admin user reset-password`), log in with the \
                one-time password, then set your own here: until then the server serves nothing else \
                (password-change-required). Your logins on other devices end. At least 10 characters.

                The current password comes from --current-password, else $\(LoginCommand.passwordVariable), else \
                the terminal; the new one from --new-password, else $\(AccountPasswordCommand.newPasswordVariable), \
                else the terminal (typed twice). `doudi password` changes the store's password, not the account's: \
                the next `doudi login` with the new account password moves the store to it.

                Example:
                  doudi login --server http://127.0.0.1:8080 --user wuxing.collector   # the one-time password
                  doudi account-password
                """
        )
    }

    @Option(help: ArgumentHelp("当前密码 The current (or one-time) password.", valueName: "password"))
    var currentPassword: String?

    @Option(help: ArgumentHelp("新密码 The new password (at least 10 characters).", valueName: "password"))
    var newPassword: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() async throws {
        try await reportingAdminFailures { try await output.run("account-password") { result in
            let store = try storeOptions.open()
            guard let state = try store.syncState(), let token = try store.loginToken() else {
                throw CommandFailure(chinese: "本地数据库尚未登录服务器", "this store has not logged in to a server: run `doudi login --server URL --user NAME` first (with the one-time password, after a reset)")
            }
            let environment = ProcessInfo.processInfo.environment
            let current = try currentPassword ?? environment[LoginCommand.passwordVariable].flatMap { $0.isEmpty ? nil : $0 }
                ?? Self.typed("当前密码 Current password: ")
            var new = try newPassword ?? environment[Self.newPasswordVariable].flatMap { $0.isEmpty ? nil : $0 }
            if new == nil {
                let first = try Self.typed("新密码 New password: ")
                guard try Self.typed("再输一次 Again: ") == first else { throw CommandFailure(chinese: "两次输入的新密码不一致", "the two new passwords differ: nothing changed") }
                new = first
            }
            guard let new, new.count >= 10 else { throw CommandFailure("the new password must have at least 10 characters: nothing changed") }
            let revoked = try await AdminClient(server: state.server, token: token).changePassword(current: current, new: new)
            print("账号密码已修改 The account's password is changed on \(state.server)" + (revoked > 0 ? "；其他设备上的 \(revoked) 个登录已失效" : ""))
            print("下一步 Next: doudi sync；本地数据库的密码在下次 doudi login 时随之更换")
            result.detail("server", state.server)
            result.counts["revokedTokens"] = revoked
        }}
    }

    /// A password typed on the terminal without echo.
    static func typed(_ prompt: String) throws -> String {
        guard isatty(STDIN_FILENO) != 0, let typed = getpass(prompt) else {
            throw CommandFailure(chinese: "没有给出密码", "no password given: pass --current-password/--new-password or set \(LoginCommand.passwordVariable)/\(newPasswordVariable)")
        }
        let text = String(cString: typed)
        guard !text.isEmpty else { throw CommandFailure("an empty password: nothing changed") }
        return text
    }
}
