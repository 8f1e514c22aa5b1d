import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin user reset-password NAME`
struct AdminUserResetPasswordCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reset-password",
            abstract: "重置密码 Give an account a one-time password (printed once); its logins die and any lock is lifted.",
            discussion: """
                Hand the one-time password to the user in person (not by message). They log in with it and \
                must set a password of their own before anything else (the server answers \
                password-change-required until then). Your own password you change yourself.
                """
        )
    }

    @Argument(help: ArgumentHelp("账号 The account name.", valueName: "name"))
    var user: String

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts (it holds the one-time password).")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let reset = try await admin.client().resetPassword(user)
            if json {
                print(try JSONOutput.string(reset))
                return
            }
            print("一次性密码 One-time password for \(reset.user): \(reset.oneTimePassword)")
            print("请当面交给本人；本人登录后须先设置自己的密码。\(reset.revokedTokens) 个原登录令牌已失效。")
            print("Give it to the user in person; they must set a password of their own at their next login.")
        }
    }
}
