import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi init --server URL --user NAME [--device NAME]` (recommended), or offline
/// `doudi init --village CODE --device NAME --user NAME [--store PATH] [--policy PATH]`.
///
/// Creates the laptop's store and sets it up for one device and user. With `--server` the
/// server says the user's role and org unit (the login answer), and the first sync brings the
/// org units and the policy versions; without it they come from the options and local policy files.
struct InitCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "init",
            abstract: "初始化本地数据库 Set up this laptop's store for a user (from the server, or offline for a village, town or district).",
            discussion: """
                Recommended, on a laptop that can reach the server: `doudi init --server URL --user NAME`. \
                It asks for the account's password, logs in, takes the account's role and org unit from \
                the server (no --village/--town/--district needed), sets the store up for them, keeps \
                the login for `doudi sync` (as `doudi login` does) and syncs once, so the org units and \
                the district's policy versions arrive. --device is a name for this laptop (default: \
                its host name).

                Offline: give --village CODE (a village cadre), --town CODE (a town approver) or \
                --district CODE, --device and --user; the policy versions come from --policy, else \
                $DOUDI_POLICY, else ./ServerConfig/policy, else the installed /usr/share/doudi/policy. Log in later with `doudi login`, as the \
                same --user.

                Creates the store (--store PATH, else $DOUDI_HOME/doudi.sqlite, creating the directory). \
                A store is set up once: run it again on the same store and it refuses.

                The store's ID numbers, health facts and bank accounts are encrypted under a password: \
                your account's (the one `doudi login` takes), typed on the terminal, or on standard \
                input with --password-stdin, or in $\(PasswordInput.environmentVariable). The store is \
                unlocked for 12 hours (see `doudi unlock`, `doudi lock`).

                Examples:
                  export DOUDI_HOME=~/doudi
                  doudi init --server http://192.168.1.10:8080 --user wuxing.collector
                  doudi init --village 511011101201 --device 五星村笔记本 --user wuxing.collector
                """
        )
    }

    @Option(help: ArgumentHelp("服务器 Set up from the server at this address (e.g. http://127.0.0.1:8080): log in, take the role, org unit and policy from it.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("村(社区) The 12-digit code of the village or community this device works for (offline set-up).", valueName: "code"))
    var village: String?

    @Option(help: ArgumentHelp("镇(街道) The 9-digit town code, for a town approver (offline set-up).", valueName: "code"))
    var town: String?

    @Option(help: ArgumentHelp("区 The 6-digit district code, for a district officer or auditor (offline set-up).", valueName: "code"))
    var district: String?

    @Option(help: ArgumentHelp("角色 collector (村干部, the default with --village), townApprover (the default with --town), districtOfficer (the default with --district) or auditor.", valueName: "role"))
    var role: String?

    @Option(help: ArgumentHelp("设备名称 A name for this laptop, e.g. 五星村笔记本 (default: the host name).", valueName: "name"))
    var device: String?

    @Option(help: ArgumentHelp("用户 Who uses it: the account name on the server, e.g. wuxing.collector.", valueName: "name"))
    var user: String

    @Flag(help: "从标准输入读密码 Read the store's password from the first line of standard input.")
    var passwordStdin = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Policy")
    var policyOptions: PolicyOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        if let server {
            _ = try LoginCommand.normalised(server)
            guard village == nil, town == nil, district == nil, role == nil else {
                throw ValidationError("--server 时角色和单位由服务器决定 with --server the server says the role and org unit: leave out --village, --town, --district and --role")
            }
            guard !user.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--user must not be empty") }
        } else {
            _ = try setup()
        }
    }

    /// The device name: --device, else the host name.
    var deviceName: String {
        if let device, !device.trimmingCharacters(in: .whitespaces).isEmpty { return device.trimmingCharacters(in: .whitespaces) }
        let host = ProcessInfo.processInfo.hostName
        return host.isEmpty ? "doudi" : host
    }

    /// The offline device setup the options describe.
    func setup() throws -> DeviceSetup {
        let org: OrgCode
        switch (village, town, district) {
        case (let v?, nil, nil):
            org = try Parse.orgCode(v, option: "--village")
            guard org.level == .village else { throw ValidationError("--village \(v) 不是村代码 is not a village: give the 12-digit code, e.g. 511011101201") }
        case (nil, let t?, nil):
            org = try Parse.orgCode(t, option: "--town")
            guard org.level == .town else { throw ValidationError("--town \(t) 不是镇代码 is not a town: give the 9-digit code, e.g. 511011101") }
        case (nil, nil, let d?):
            org = try Parse.orgCode(d, option: "--district")
            guard org.level == .district else { throw ValidationError("--district \(d) 不是区代码 is not a district: give the 6-digit code, e.g. 511011") }
        case (nil, nil, nil):
            throw ValidationError("请给出服务器或单位 give --server URL (recommended: the server says the role and unit), or offline --village CODE (12 digits) for a village cadre, --town CODE (9 digits) for a town approver, or --district CODE (6 digits) for the district")
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
        guard device != nil else { throw ValidationError("--device NAME is needed for an offline set-up (a name for this laptop, e.g. 五星村笔记本)") }
        guard !user.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--user must not be empty") }
        return DeviceSetup(name: deviceName, user: user.trimmingCharacters(in: .whitespaces), role: chosenRole, org: org)
    }

    func run() async throws {
        try await reportingFailures {
            try await output.run("init") { result in
                if let server {
                    try await InitFromServer(command: self, server: try LoginCommand.normalised(server)).run(&result)
                } else {
                    try runOffline(&result)
                }
            }
        }
    }

    /// `init` without `--server`: the options say the unit, local files the policy.
    func runOffline(_ result: inout CommandResult) throws {
        let setup = try setup()
        // read the policy first: a bad policy leaves no half-made store behind
        let book = try policyOptions.loadBook()
        let path = try storeOptions.resolvedPath()
        // and the password: none, or one too short, leaves no store behind either
        let password = try readPassword()
        try NewStore.create(at: path) { store in
            let device = try NewStore.setUp(store, setup, path: path)
            for version in book.versions { try store.installPolicy(version) }
            let protected = try store.protect(password: password)
            print("已初始化本地数据库 Store set up: \(path)")
            NewStore.describe(device, protected, policies: book.versions, result: &result, path: path)
            print("下一步 Next: " + NextStep.afterInit(device, loggedIn: false))
            result.detail("next", NextStep.afterInit(device, loggedIn: false))
        }
    }

    /// The store's password (the account's), checked as a new one.
    func readPassword() throws -> String {
        let password = try PasswordInput(fromStandardInput: passwordStdin)
            .read(prompt: "本地数据库密码（用你的账号密码）Store password (your account's): ", confirm: server == nil)
        try Keyring.checkNew(password)
        return password
    }
}
