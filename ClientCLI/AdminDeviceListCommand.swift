import ArgumentParser
import DoudiField
import DoudiSync

/// `doudi admin device list [--json]`
struct AdminDeviceListCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "设备列表 The devices of the users within your jurisdiction: whose, first and last login, last change set received."
        )
    }

    @OptionGroup var admin: AdminOptions

    @Flag(help: "输出 JSON: one object per device, for scripts.")
    var json = false

    func run() async throws {
        try await reportingAdminFailures {
            let devices = try await admin.client().devices()
            if json {
                print(try JSONOutput.string(devices))
                return
            }
            guard !devices.isEmpty else {
                print("没有设备 No device has logged in yet.")
                return
            }
            var table = Table(["设备", "账号", "单位", "首次登录", "最近登录", "最后收到的变更集", "收到时间", "状态"], rightAligned: [5])
            for d in devices {
                table.append([d.device, d.user, d.org.value, AdminText.time(d.firstSeenAt), AdminText.time(d.lastLoginAt),
                              "\(d.highestSequence)", AdminText.time(d.lastPushAt),
                              d.revokedAt.map { "已吊销 revoked \(AdminText.time($0))" } ?? "正常 active"])
            }
            print(table.render(), terminator: "")
            let revoked = devices.filter { $0.revokedAt != nil }.count
            print("共 \(devices.count) 台设备" + (revoked > 0 ? "，\(revoked) 台已吊销" : "") + "  \(devices.count) devices")
        }
    }
}
