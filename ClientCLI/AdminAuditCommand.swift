import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin audit [--user NAME] [--device ID] [--limit N] [--before ID] [--json]`
struct AdminAuditCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "audit",
            abstract: "审计日志 Logins, failed logins, lockouts and every administration action, newest first.",
            discussion: """
                A failed login with a name that is no account shows no name (it may be a password typed in \
                the wrong field). Page back with --before, the id the last page ends with.
                """
        )
    }

    @Option(help: ArgumentHelp("账号 Only this account's events.", valueName: "name"))
    var user: String?

    @Option(help: ArgumentHelp("设备 Only this device's events.", valueName: "device"))
    var device: String?

    @Option(help: ArgumentHelp("条数 How many events (1–10000).", valueName: "n"))
    var limit = 50

    @Option(help: ArgumentHelp("Events older than this event id (the next page back).", valueName: "id"))
    var before: Int64?

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1–10000") }
    }

    func run() async throws {
        try await reportingAdminFailures {
            let page = try await admin.client().audit(before: before, limit: limit, user: user, device: device)
            if json {
                print(try JSONOutput.string(page))
                return
            }
            guard !page.events.isEmpty else {
                print("没有记录 No events.")
                return
            }
            var table = Table(["编号", "时间", "事件", "账号", "设备", "地址", "操作人", "说明"], rightAligned: [0])
            for e in page.events {
                table.append(["\(e.id)", AdminText.time(e.at), Self.label(e.kind), e.user ?? "—", e.device ?? "—", e.address ?? "—",
                              e.actor ?? "—", e.detail ?? ""])
            }
            print(table.render(), terminator: "")
            if let next = page.before { print("更早的记录 Older events: doudi admin audit --before \(next)") }
        }
    }

    static func label(_ kind: AuthEvent.Kind) -> String {
        switch kind {
        case .login: "登录 login"
        case .deviceBound: "设备绑定 device-bound"
        case .loginFailed: "登录失败 login-failed"
        case .loginRefused: "拒绝登录 login-refused"
        case .accountLocked: "账号锁定 account-locked"
        case .accountUnlocked: "账号解锁 account-unlocked"
        case .userDisabled: "停用 user-disabled"
        case .userEnabled: "启用 user-enabled"
        case .passwordReset: "重置密码 password-reset"
        case .passwordChanged: "修改密码 password-changed"
        case .logout: "退出 logout"
        case .tokensRevoked: "吊销令牌 tokens-revoked"
        case .deviceRevoked: "吊销设备 device-revoked"
        case .deviceAssigned: "转让设备 device-assigned"
        default: kind.rawValue
        }
    }
}
