import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin device revoke DEVICE [--json]`
struct AdminDeviceRevokeCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "revoke",
            abstract: "吊销设备 A lost or stolen laptop: its logins die at once and it can no longer log in.",
            discussion: """
                Prints what the server last received from the laptop: change sets made on it after that number \
                are lost unless the laptop is recovered. A recovered laptop is given back with \
                `doudi admin device assign DEVICE --user NAME`. The user goes on working on another laptop \
                (a new store, `doudi init`, `doudi login`).

                Example:
                  doudi admin device revoke dev-3f9a2c1e
                """
        )
    }

    @Argument(help: ArgumentHelp("设备 The device id, as `doudi admin device list` shows it.", valueName: "device"))
    var device: String

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let revoked = try await admin.client().revokeDevice(device)
            if json {
                print(try JSONOutput.string(revoked))
                return
            }
            print("已吊销 Revoked device \(revoked.device)（账号 \(revoked.user)）：\(revoked.revokedTokens) 个登录令牌已失效，该设备不能再登录")
            if revoked.highestSequence > 0 {
                print("最后收到 Last change set received: 第 \(revoked.highestSequence) 号" + (revoked.lastPushAt.map { "，\(AdminText.time($0))" } ?? ""))
                print("该笔记本上第 \(revoked.highestSequence) 号之后的变更集，除非找回笔记本，否则已丢失。")
            } else {
                print("服务器从未收到该设备的变更集：其上的全部工作，除非找回笔记本，否则已丢失。")
            }
            print(revoked.note)
        }
    }
}
