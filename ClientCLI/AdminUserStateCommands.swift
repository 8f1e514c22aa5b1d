import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin user disable NAME`
struct AdminUserDisableCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "disable",
            abstract: "停用账号 Disable an account (a staff change): its logins die at once and it cannot log in.",
            discussion: "Enable it again with `doudi admin user enable NAME`. You cannot disable your own account."
        )
    }

    @Argument(help: ArgumentHelp("账号 The account name.", valueName: "name"))
    var user: String

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let answer = try await admin.client().setDisabled(user, true)
            try AdminUserText.print(answer, json: json,
                                    done: "已停用 Disabled \(answer.user.user)：\(answer.revokedTokens) 个登录令牌已失效，不能再登录",
                                    already: "\(answer.user.user) 已是停用状态 was already disabled")
        }
    }
}

/// `doudi admin user enable NAME`
struct AdminUserEnableCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "enable", abstract: "启用账号 Enable a disabled account: it may log in again.")
    }

    @Argument(help: ArgumentHelp("账号 The account name.", valueName: "name"))
    var user: String

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let answer = try await admin.client().setDisabled(user, false)
            try AdminUserText.print(answer, json: json, done: "已启用 Enabled \(answer.user.user)：可以登录",
                                    already: "\(answer.user.user) 未被停用 was not disabled")
        }
    }
}

/// `doudi admin user unlock NAME`
struct AdminUserUnlockCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "unlock",
            abstract: "解锁账号 Unlock an account locked after too many failed logins, and forget its failures.",
            discussion: "If the user has forgotten the password, reset it instead: `doudi admin user reset-password NAME` also unlocks."
        )
    }

    @Argument(help: ArgumentHelp("账号 The account name.", valueName: "name"))
    var user: String

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let answer = try await admin.client().unlock(user)
            try AdminUserText.print(answer, json: json, done: "已解锁 Unlocked \(answer.user.user)：可以再次登录",
                                    already: "\(answer.user.user) 未被锁定 was not locked（连续失败次数已清零 its failed logins are forgotten）")
        }
    }
}

extension AdminUserText {
    static func print(_ answer: UserAdminResponse, json: Bool, done: String, already: String) throws {
        if json {
            Swift.print(try JSONOutput.string(answer))
            return
        }
        Swift.print(answer.changed ? done : already)
        Swift.print("状态 Now: \(state(answer.user))")
    }
}
