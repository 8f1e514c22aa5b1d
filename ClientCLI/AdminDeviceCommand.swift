import ArgumentParser

/// `doudi admin device list|revoke|assign`
struct AdminDeviceCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "device",
            abstract: "设备 List devices, revoke a lost laptop, give a device to another user.",
            discussion: """
                A device (one laptop's store, `dev-` and 8 hex digits) belongs to the user who first logged in \
                with it; another user's login with it is refused. Its change sets are numbered per device, \
                which is why it cannot be shared.
                """,
            subcommands: [AdminDeviceListCommand.self, AdminDeviceRevokeCommand.self, AdminDeviceAssignCommand.self],
            defaultSubcommand: AdminDeviceListCommand.self
        )
    }
}
