import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `doudi login --server URL --user NAME [--password P]`
///
/// Signs this store in to the district server; the token is kept beside the store, in its
/// own owner-only file (`STORE.token`), for `doudi sync` — never in the store or its backups.
struct LoginCommand: AsyncParsableCommand {
    /// The environment variable a password may come from (for scripts).
    static let passwordVariable = "DOUDI_PASSWORD"

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "login",
            abstract: "登录服务器 Sign this store in to the district server, for `doudi sync`.",
            discussion: """
                --user is the account on the server, and must be the user the store was set up for \
                (`doudi init --user`): every change set is signed by the store's user, and the server \
                accepts only the logged-in user's. The account's role and org unit must match the \
                store's too (a village collector's store, a town approver's store).

                The password comes from --password, else $\(LoginCommand.passwordVariable), else \
                standard input (asked for without echo on a terminal). The token is kept beside the \
                store, in STORE.token, readable by you only (never in the store file, never in a \
                backup); log in again when the server says it expired, and `doudi logout` ends it.

                Example:
                  doudi login --server http://127.0.0.1:8080 --user wuxing.collector
                """
        )
    }

    @Option(help: ArgumentHelp("服务器 The server's address, e.g. http://127.0.0.1:8080.", valueName: "url"))
    var server: String

    @Option(help: ArgumentHelp("账号 The account name on the server (the store's user).", valueName: "name"))
    var user: String

    @Option(help: ArgumentHelp("密码 The password (else $\(LoginCommand.passwordVariable), else standard input).", valueName: "password"))
    var password: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        _ = try Self.normalised(server)
        guard !user.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--user must not be empty") }
    }

    /// `http://host:port` without a trailing slash.
    static func normalised(_ server: String) throws -> String {
        var s = server.trimmingCharacters(in: .whitespaces)
        while s.hasSuffix("/") { s.removeLast() }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--server \(server) is not a server address: write http://HOST:PORT, e.g. http://127.0.0.1:8080")
        }
        return s
    }

    func run() async throws {
        try await reportingFailures { try await output.run("login") { result in
            let store = try storeOptions.open(passwordFromEnvironment: false)
            let device = try store.device()
            let server = try Self.normalised(self.server)
            let user = self.user.trimmingCharacters(in: .whitespaces)
            guard user == device.user else {
                throw CommandFailure(
                    chinese: "本地数据库是为用户 \(device.user) 建立的，不能以 \(user) 登录",
                    "this store (\(device.name), \(device.org)) was set up for user \(device.user), not \(user): the server accepts change sets signed by the logged-in user only. Log in as \(device.user) if that is your account; otherwise set up a store for \(user) with `doudi init --server \(server) --user \(user) --store NEW.sqlite` (or another DOUDI_HOME)")
            }
            let password = try readPassword()
            let response: LoginResponse
            do {
                response = try await SyncClient(store: store).login(server: server, user: user, password: password)
            } catch let error as SyncError {
                throw SyncFailure.failure(error, server: server)
            }
            let actor = response.actor
            let expires = Date(timeIntervalSince1970: Double(response.expiresAt))
            print("已登录 Logged in: \(actor.user)，\(actor.role.chineseName)（\(actor.role.rawValue)），\(actor.org.value) → \(server)")
            print("设备 Device \(device.name)（\(device.id)）；令牌有效至 token valid until \(Labels.time(expires))")
            // the store's password follows the account's: unlocked with it, or moved to it
            if let note = try StoreLock.afterLogin(store, password: password) { print(note) }
            if response.deviceKeysRegistered == false {
                // the server has other bundle keys for this device (SPEC §15.2): the network sync works, bundles do not
                let note = "服务器登记的本设备数据包密钥与本机不同 the server has other bundle keys for this device (a store restored from an older backup, or set up again under its id): network sync works as before, but `doudi bundle` needs the district to re-assign the device (doudi admin device assign), then a sync"
                StandardError.writeLine("doudi: 注意 note: \(note)")
                result.warn(note)
            }
            let pending = try store.outboxCounts().pending
            print("下一步 Next: doudi sync" + (pending > 0 ? "（\(pending) 个变更集待同步）" : ""))
            result.detail("server", server)
            result.detail("user", actor.user)
            result.detail("role", actor.role.rawValue)
            result.detail("org", actor.org.value)
            result.detail("device", device.id)
            result.detail("tokenExpiresAt", Labels.time(expires))
            result.counts["pending"] = pending
        }}
    }

    /// --password, else $DOUDI_PASSWORD, else a line of standard input (without echo on a terminal).
    func readPassword() throws -> String {
        if let password { return password }
        if let fromEnvironment = ProcessInfo.processInfo.environment[Self.passwordVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        var line: String?
        if isatty(STDIN_FILENO) != 0 {
            if let typed = getpass("密码 Password for \(user): ") { line = String(cString: typed) }
        } else {
            line = readLine(strippingNewline: true)
        }
        guard let line, !line.isEmpty else {
            throw CommandFailure(chinese: "没有给出密码", "no password given: pass --password, set \(Self.passwordVariable), or type it when asked")
        }
        return line
    }
}
