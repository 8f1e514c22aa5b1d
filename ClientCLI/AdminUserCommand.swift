import ArgumentParser

/// `doudi admin user list|disable|enable|unlock|reset-password`
struct AdminUserCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "user",
            abstract: "账号 List accounts; disable, enable, unlock an account; reset its password.",
            discussion: """
                An account is locked after too many failed logins in a row (the server's auth.throttle.lockoutFailures, \
                20 by default); only the district can unlock it.
                """,
            subcommands: [AdminUserListCommand.self, AdminUserDisableCommand.self, AdminUserEnableCommand.self, AdminUserUnlockCommand.self,
                          AdminUserResetPasswordCommand.self],
            defaultSubcommand: AdminUserListCommand.self
        )
    }
}
