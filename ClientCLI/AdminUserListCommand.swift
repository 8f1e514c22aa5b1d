import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin user list [--json]`
struct AdminUserListCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "账号列表 The accounts within your jurisdiction: role, unit, disabled, locked."
        )
    }

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON: one object per account, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let users = try await admin.client().users()
            if json {
                print(try JSONOutput.string(users))
                return
            }
            var table = Table(["账号", "角色", "单位", "状态", "连续登录失败"], rightAligned: [4])
            for u in users {
                table.append([u.user, u.role.chineseName, u.org.value, AdminUserText.state(u), "\(u.failedLogins)"])
            }
            print(table.render(), terminator: "")
            let locked = users.filter(\.locked).count
            print("共 \(users.count) 个账号" + (locked > 0 ? "，\(locked) 个已锁定：doudi admin user unlock NAME" : "") + "  \(users.count) accounts")
        }
    }
}

enum AdminUserText {
    /// 正常 / 已停用 / 已锁定 / 待改密码, as many as hold.
    static func state(_ user: UserSummary) -> String {
        var states: [String] = []
        if user.disabled { states.append("已停用 disabled") }
        if user.locked { states.append("已锁定 locked") }
        if user.mustChangePassword { states.append("待改密码 must change password") }
        return states.isEmpty ? "正常 active" : states.joined(separator: "，")
    }
}
