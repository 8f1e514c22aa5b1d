import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// Making a new store for `doudi init`: the directory made if needed, the file removed again
/// when the set-up fails (a failed init leaves nothing behind), the table of what was set up.
enum NewStore {
    /// Creates (or opens) the store file at `path` and runs `body` on it; removes the file
    /// (and its `-wal`, `-shm`, `.token`) when it did not exist before and `body` throws —
    /// except an ``InitFailure``, thrown once the store is set up and worth keeping.
    static func create<T>(at path: String, _ body: (FieldStore) throws -> T) throws -> T {
        let fm = FileManager.default
        let existed = try prepare(path)
        do {
            return try body(try StoreOptions.open(path))
        } catch {
            if !existed, !(error is InitFailure) { for suffix in ["", "-wal", "-shm", ".token"] { try? fm.removeItem(atPath: path + suffix) } }
            throw error
        }
    }

    /// Like ``create(at:_:)`` for a body that awaits.
    static func create<T>(at path: String, _ body: (FieldStore) async throws -> T) async throws -> T {
        let fm = FileManager.default
        let existed = try prepare(path)
        do {
            return try await body(try StoreOptions.open(path))
        } catch {
            if !existed, !(error is InitFailure) { for suffix in ["", "-wal", "-shm", ".token"] { try? fm.removeItem(atPath: path + suffix) } }
            throw error
        }
    }

    /// Makes the store's directory if needed; answers whether the store file existed.
    private static func prepare(_ path: String) throws -> Bool {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { return true }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !fm.fileExists(atPath: directory) {
            do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw CommandFailure("无法创建目录 cannot create the directory \(directory) for the store: \(error.localizedDescription)")
            }
        }
        return false
    }

    /// Sets the store up; a store already set up is refused saying for whom.
    static func setUp(_ store: FieldStore, _ setup: DeviceSetup, deviceID: String? = nil, path: String) throws -> Device {
        do { return try store.setUp(setup, deviceID: deviceID) } catch let e as FieldError where e.code == .duplicate {
            let existing = try store.device()
            throw CommandFailure("\(path) 已初始化 is already set up (\(existing.name), \(existing.user), \(existing.org)): a store is set up once; use another --store or DOUDI_HOME for a new one")
        }
    }

    /// Prints (for people) and records (for `--json`) what the store was set up as.
    static func describe(_ device: Device, _ store: FieldStore, policies: [PolicyVersion], result: inout CommandResult, path: String) {
        var table = Table(["设备", "用户", "角色", device.org.level.chineseName], indent: 2)
        table.append(["\(device.name)（\(device.id)）", device.user, device.role.chineseName, device.org.value])
        print(table.render(), terminator: "")
        if policies.isEmpty {
            print("政策版本 Policy versions: 无 none")
        } else {
            print("政策版本 Policy versions: " + policies.map { "\($0.id)《\($0.title)》\($0.effectiveFrom) 起施行" }.joined(separator: "；"))
        }
        var locked = false
        do {
            print("已加密并解锁 Encrypted; unlocked until \(Labels.time(try StoreLock.remember(store))) (`doudi lock` locks it now)")
        } catch {
            let why = (error as? KeyCacheError)?.message ?? CommandFailure.oneLine(error)
            print("已加密 Encrypted; locked (\(why))")
            locked = true
        }
        result.detail("store", path)
        result.detail("device", device.id)
        result.detail("deviceName", device.name)
        result.detail("user", device.user)
        result.detail("role", device.role.rawValue)
        result.detail("org", device.org.value)
        result.detail("locked", locked ? "true" : "false")
        result.counts["policyVersions"] = policies.count
        if !policies.isEmpty { result.detail("policies", policies.map(\.id).joined(separator: ",")) }
    }
}

/// The next step printed after `init` and `login`, fitted to the role.
enum NextStep {
    /// What to do after `doudi init` (`loggedIn`: set up from the server, already synced once).
    static func afterInit(_ device: Device, loggedIn: Bool) -> String {
        let first = loggedIn ? "" : "doudi login --server URL --user \(device.user), doudi sync, then "
        switch device.role {
        case .collector:
            return first + "doudi household add …, doudi import --csv FILE (the village ledger); doudi sync after each round"
        case .townApprover:
            return first + "doudi review list (what waits for the town)"
        case .districtOfficer:
            return first + "doudi review list --stage approved (备案), doudi fund allocate TOWN, doudi due"
        case .auditor:
            return first + "doudi household list, doudi ledger (an auditor reads)"
        }
    }
}
