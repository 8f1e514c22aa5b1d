import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi init --village CODE --device NAME --user NAME [--store PATH] [--policy PATH]`
///
/// Creates the laptop's store, sets it up for one device and user at a village (or,
/// for a town approver, a town), and installs the policy versions it computes with.
struct InitCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "init",
            abstract: "初始化本地数据库 Set up this laptop's store for a village (or town) and a user.",
            discussion: """
                Creates the store (--store PATH, else $DOUDI_HOME/doudi.sqlite, creating the directory), \
                records this device, its user and the village it works for, and installs the policy \
                versions (--policy, else $DOUDI_POLICY, else ./ServerConfig/policy) that later commands \
                assess with. A store is set up once: run it again on the same store and it refuses.

                The store's ID numbers, health facts and bank accounts are encrypted under a password: \
                give your account's (the one `doudi login` takes), typed on the terminal, or on standard \
                input with --password-stdin, or in $\(PasswordInput.environmentVariable). The store is \
                unlocked for 12 hours (see `doudi unlock`, `doudi lock`).

                Example:
                  export DOUDI_HOME=~/doudi
                  doudi init --village 511011101201 --device 五星村笔记本 --user 李会计
                """
        )
    }

    @Option(help: ArgumentHelp("村(社区) The 12-digit code of the village or community this device works for.", valueName: "code"))
    var village: String?

    @Option(help: ArgumentHelp("镇(街道) The 9-digit town code, for a town approver (with --role townApprover).", valueName: "code"))
    var town: String?

    @Option(help: ArgumentHelp("区 The 6-digit district code, for a district officer or auditor.", valueName: "code"))
    var district: String?

    @Option(help: ArgumentHelp("角色 collector (村干部, the default with --village), townApprover (the default with --town), districtOfficer (the default with --district) or auditor.", valueName: "role"))
    var role: String?

    @Option(help: ArgumentHelp("设备名称 A name for this laptop, e.g. 五星村笔记本.", valueName: "name"))
    var device: String

    @Option(help: ArgumentHelp("用户 Who uses it, e.g. 李会计.", valueName: "name"))
    var user: String

    @Flag(help: "从标准输入读密码 Read the store's password from the first line of standard input.")
    var passwordStdin = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Policy")
    var policyOptions: PolicyOptions

    func validate() throws {
        _ = try setup()
    }

    /// The device setup the options describe.
    func setup() throws -> DeviceSetup {
        let org: OrgCode
        switch (village, town, district) {
        case (let v?, nil, nil):
            org = try Parse.orgCode(v, option: "--village")
            guard org.level == .village else { throw ValidationError("--village \(v) is not a village: give the 12-digit code, e.g. 511011101201") }
        case (nil, let t?, nil):
            org = try Parse.orgCode(t, option: "--town")
            guard org.level == .town else { throw ValidationError("--town \(t) is not a town: give the 9-digit code, e.g. 511011101") }
        case (nil, nil, let d?):
            org = try Parse.orgCode(d, option: "--district")
            guard org.level == .district else { throw ValidationError("--district \(d) is not a district: give the 6-digit code, e.g. 511011") }
        case (nil, nil, nil):
            throw ValidationError("give --village CODE (12 digits) for a village cadre, --town CODE (9 digits) for a town approver, or --district CODE (6 digits) for the district")
        default:
            throw ValidationError("give one of --village, --town or --district, not several")
        }
        let chosenRole: Role
        if let role {
            guard let r = Role(rawValue: role) else {
                throw ValidationError("--role \(role) is not one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            chosenRole = r
        } else {
            chosenRole = switch org.level { case .village: .collector; case .town: .townApprover; case .district: .districtOfficer }
        }
        guard chosenRole.level == org.level else {
            let option = switch chosenRole.level { case .village: "--village CODE (12 digits)"; case .town: "--town CODE (9 digits)"; case .district: "--district CODE (6 digits)" }
            throw ValidationError("a \(chosenRole.rawValue) works at \(chosenRole.level.rawValue) level: give \(option)")
        }
        for (value, option) in [(device, "--device"), (user, "--user")] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(option) must not be empty")
        }
        return DeviceSetup(name: device, user: user, role: chosenRole, org: org)
    }

    func run() throws {
        try reportingFailures {
            let setup = try setup()
            // read the policy first: a bad policy leaves no half-made store behind
            let book = try policyOptions.loadBook()
            let path = try storeOptions.resolvedPath()
            // and the password: none, or one too short, leaves no store behind either
            let password = try PasswordInput(fromStandardInput: passwordStdin)
                .read(prompt: "本地数据库密码（用你的账号密码）Store password (your account's): ", confirm: true)
            try Keyring.checkNew(password)
            let fm = FileManager.default
            if fm.fileExists(atPath: path) {
                // an existing store: refuses below if it is set up
            } else {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty, !fm.fileExists(atPath: directory) {
                    do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                        throw CommandFailure("cannot create the directory \(directory) for the store: \(error.localizedDescription)")
                    }
                }
            }
            let existed = fm.fileExists(atPath: path)
            do {
                var store = try StoreOptions.open(path)
                let device: Device
                do { device = try store.setUp(setup) } catch let e as FieldError where e.code == .duplicate {
                    throw CommandFailure("\(path) is already set up (\(try store.device().name), \(try store.device().org)): a store is set up once; use another --store or DOUDI_HOME for a new one")
                }
                for version in book.versions { try store.installPolicy(version) }
                store = try store.protect(password: password)
                print("已初始化本地数据库 Store set up: \(path)")
                var table = Table(["设备", "用户", "角色", setup.org.level.chineseName], indent: 2)
                table.append(["\(device.name)（\(device.id)）", device.user, device.role.chineseName, device.org.value])
                print(table.render(), terminator: "")
                print("政策版本 Policy versions: " + book.versions.map { "\($0.id)《\($0.title)》\($0.effectiveFrom) 起施行" }.joined(separator: "；"))
                do {
                    print("已加密并解锁 Encrypted; unlocked until \(Labels.time(try StoreLock.remember(store))) (`doudi lock` locks it now)")
                } catch let error as KeyCacheError {
                    print("已加密 Encrypted; locked (\(error.message))")
                }
                switch device.role {
                case .collector:
                    print("下一步 Next: doudi login --server URL --user \(device.user), then doudi sync; or doudi household add …, doudi import --csv FILE")
                case .townApprover:
                    print("下一步 Next: doudi login --server URL --user \(device.user), doudi sync, then doudi review list")
                case .districtOfficer:
                    print("下一步 Next: doudi login --server URL --user \(device.user), doudi sync, then doudi review list --stage approved (备案) or doudi fund allocate TOWN")
                case .auditor:
                    print("下一步 Next: doudi login --server URL --user \(device.user), then doudi sync; an auditor reads (doudi household list, doudi ledger)")
                }
            } catch {
                if !existed {
                    for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
                }
                throw error
            }
        }
    }
}
