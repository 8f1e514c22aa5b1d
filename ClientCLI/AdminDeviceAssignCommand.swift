import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin device assign DEVICE --user NAME`
struct AdminDeviceAssignCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "assign",
            abstract: "转让设备 Give a device to another user (or back to its own, once a revoked laptop is found).",
            discussion: """
                The previous user's logins on the device die; the new user then logs in on it with `doudi login`. \
                A revoked device given back can log in again.

                Example:
                  doudi admin device assign dev-3f9a2c1e --user tuanjie.collector
                """
        )
    }

    @Argument(help: ArgumentHelp("设备 The device id.", valueName: "device"))
    var device: String

    @Option(help: ArgumentHelp("账号 The user the device now belongs to.", valueName: "name"))
    var user: String

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let assigned = try await admin.client().assignDevice(device, to: user)
            if json {
                print(try JSONOutput.string(assigned))
                return
            }
            print("设备 Device \(assigned.device)：\(assigned.previousUser) → \(assigned.user)；\(assigned.revokedTokens) 个原登录令牌已失效")
            print("下一步 Next: \(assigned.user) 在该设备上 doudi login")
        }
    }
}
