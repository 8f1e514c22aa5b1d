import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// `doudi init --server URL --user NAME`: the store is set up for the account as the server
/// knows it.
///
/// In order: the password (as `doudi login` reads it), a login under a new device id — whose
/// answer carries the account's role and org unit —, the store set up for them and protected
/// with the same password, the login kept (`STORE.token`), then one sync, which brings the org
/// units and the district's policy versions. A failed login leaves no store behind; a failed
/// first sync leaves the store set up and logged in, and says to run `doudi sync`.
struct InitFromServer {
    let command: InitCommand
    /// `http://host:port`, normalised.
    let server: String

    func run(_ result: inout CommandResult) async throws {
        let path = try command.storeOptions.resolvedPath()
        let user = command.user.trimmingCharacters(in: .whitespaces)
        if FileManager.default.fileExists(atPath: path) {
            // refuse before asking for a password or logging in
            // a file that is no store is refused before a login binds a device to it
            let opened: FieldStore
            do { opened = try StoreOptions.open(path) } catch {
                throw CommandFailure("\(path) 已存在 already exists and is not a store doudi can open (\(CommandFailure.oneLine(error))): use another --store or DOUDI_HOME for a new store")
            }
            if let existing = try? opened.device() {
                throw CommandFailure("\(path) 已初始化 is already set up (\(existing.name), \(existing.user), \(existing.org)): a store is set up once; use another --store or DOUDI_HOME for a new one, or `doudi login --server \(server) --user \(existing.user)` to log this one in")
            }
        }
        let password = try command.readPassword()
        let deviceID = "dev-" + UUID().uuidString.prefix(8).lowercased()
        // the new device's bundle keys, registered by this first login (doudi bundle, SPEC §15.2)
        let bundleKeys = BundlePrivateKeys.generate()
        try await NewStore.create(at: path) { store in
            let answer: LoginResponse
            do {
                answer = try await SyncClient(store: store).firstLogin(server: server, user: user, password: password, device: deviceID,
                                                                       deviceKeys: bundleKeys.publicKeys)
            } catch let error as SyncError {
                throw SyncFailure.failure(error, server: server)
            }
            let actor = answer.actor
            guard actor.org.level == actor.role.level || actor.role == .auditor else {
                throw CommandFailure("服务器上的账号配置有误 the server has \(actor.user) as a \(actor.role.rawValue) at \(actor.org), which is not a \(actor.role.level.rawValue): ask the district to correct the account")
            }
            let setup = DeviceSetup(name: command.deviceName, user: actor.user, role: actor.role, org: actor.org)
            let device = try NewStore.setUp(store, setup, deviceID: answer.device, path: path)
            let protected = try store.protect(password: password)
            try protected.saveLogin(server: server, token: answer.token)
            try protected.adoptBundleKeys(bundleKeys, server: answer.serverKeys)
            print("已初始化本地数据库 Store set up: \(path)")
            print("已登录 Logged in: \(actor.user)，\(actor.role.chineseName)（\(actor.role.rawValue)），\(actor.org.value) → \(server)")
            result.detail("server", server)
            result.detail("tokenExpiresAt", Labels.time(Date(timeIntervalSince1970: Double(answer.expiresAt))))
            // the first sync: org units, the district's policy versions, the records of the scope
            let report: SyncClient.Report
            do {
                report = try await SyncClient(store: protected).sync()
            } catch let error as SyncError {
                NewStore.describe(device, protected, policies: [], result: &result, path: path)
                let why = SyncFailure.message(error, server: server)
                throw InitFailure.synced(why)
            }
            let policies = try protected.policyBook().versions
            let units = try protected.orgTree()
            NewStore.describe(device, protected, policies: policies, result: &result, path: path)
            print("首次同步 First sync: 拉取 \(report.pulledRecords) 条记录 records，\(units.units.count) 个单位 org units；位置 cursor \(report.cursor)")
            result.counts["pulledRecords"] = report.pulledRecords
            result.counts["orgUnits"] = units.units.count
            result.counts["cursor"] = Int(report.cursor)
            if policies.isEmpty {
                let warning = "服务器上还没有政策版本 the server has no policy version yet: assessments and approvals need one; the district publishes it (`doudi policy publish FILE`), then run `doudi sync` here"
                StandardError.writeLine("doudi: 注意 note: \(warning)")
                result.warn(warning)
            }
            print("下一步 Next: " + NextStep.afterInit(device, loggedIn: true))
            result.detail("next", NextStep.afterInit(device, loggedIn: true))
        }
    }
}

/// A set-up from the server that got as far as the login but not through the first sync:
/// the store stays (set up and logged in); the message says to sync.
enum InitFailure: Error, CustomStringConvertible {
    case synced(String)

    var description: String {
        switch self {
        case .synced(let why):
            "本地数据库已建立并已登录，但首次同步失败 the store is set up and logged in, but the first sync failed: \(why)"
        }
    }
}
