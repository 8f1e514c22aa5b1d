import ArgumentParser
import DoudiField
import Foundation

/// `doudi logout`: end this store's login, on the server and here.
struct LogoutCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "logout",
            abstract: "退出登录 End this store's login: the server revokes the token, and it is deleted here.",
            discussion: """
                The token (STORE.token beside the store) is deleted even when the server cannot be \
                reached; it then stays valid on the server until it expires — ask the district to \
                revoke this device's tokens if the laptop is lost. What waits in the outbox stays: \
                log in again to sync it.
                """
        )
    }

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() async throws {
        try await reportingFailures { try await output.run("logout") { result in
            let store = try storeOptions.open()
            let server = try store.syncState()?.server
            switch try await SyncClient(store: store).logout() {
            case .notLoggedIn:
                print("未登录 Not logged in: nothing to end")
            case .revoked:
                print("已退出登录 Logged out of \(server ?? "the server"): the token is revoked and deleted from this laptop")
            case .forgottenOnly(let error):
                print("已删除本机令牌 The token is deleted from this laptop")
                StandardError.writeLine("doudi: warning: the server could not revoke it (\(SyncFailure.message(error, server: server))): it stays valid there until it expires; ask the district to revoke this device's tokens if the laptop is lost")
            }
            let pending = try store.outboxCounts().pending
            if pending > 0 { print("待同步 \(pending) change set\(pending == 1 ? "" : "s") still wait: doudi login, then doudi sync") }
        }}
    }
}
