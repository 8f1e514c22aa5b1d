import ArgumentParser

/// `doudi admin device|user|audit`: the district's administration of devices and users.
struct AdminCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "admin",
            abstract: "区民政局管理 Devices, users and the audit log of logins (district officer).",
            discussion: """
                For the district civil-affairs bureau: run on a store set up for a district officer and \
                logged in with `doudi login`. Each action takes effect on the server at once and is written \
                to its audit log; only devices and users within the officer's jurisdiction are shown.

                每台设备只属于一个账号（首次登录时绑定）。笔记本丢失：doudi admin device revoke DEVICE；\
                设备转给他人：doudi admin device assign DEVICE --user NAME；\
                账号停用/启用/解锁/重置密码：doudi admin user disable|enable|unlock|reset-password NAME。
                A device belongs to the one user who first logged in with it. A lost laptop: `doudi admin \
                device revoke DEVICE`; a device handed on: `doudi admin device assign DEVICE --user NAME`; \
                accounts: `doudi admin user disable|enable|unlock|reset-password NAME`; who did what: \
                `doudi admin audit`.
                """,
            subcommands: [AdminDeviceCommand.self, AdminUserCommand.self, AdminAuditCommand.self]
        )
    }
}
