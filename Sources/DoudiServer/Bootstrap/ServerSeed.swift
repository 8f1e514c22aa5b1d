import DoudiModel
import DoudiSync
import Foundation
import Logging

/// A first user, as `ServerConfig/users.json` lists them.
///
/// The initial password is in clear in that file only: it is hashed on the first
/// start and must be changed by the user (`POST /v1/password`) on first use.
public struct SeedUser: Hashable, Sendable, Codable {
    /// Account name: lowercase letters, digits, `.`, `_`, `-` (not a person's name).
    public var name: String
    public var role: Role
    public var org: OrgCode
    public var initialPassword: String

    public init(name: String, role: Role, org: OrgCode, initialPassword: String) {
        self.name = name; self.role = role; self.org = org; self.initialPassword = initialPassword
    }
}

/// What the store is seeded from on every start: org units, first users, policy versions.
///
/// Seeding adds what is missing and never overwrites: a user keeps the password they
/// set, a published policy version stays as published (a new one is a new file with a
/// new id and a later `effectiveFrom`). Org units are updated (names, populations).
public struct ServerSeed: Sendable {
    public var orgUnits: [OrgUnit]
    public var users: [SeedUser]
    public var policies: [PolicyVersion]

    public init(orgUnits: [OrgUnit], users: [SeedUser], policies: [PolicyVersion]) {
        self.orgUnits = orgUnits; self.users = users; self.policies = policies
    }

    struct OrgUnitsFile: Codable { var units: [OrgUnit] }
    struct UsersFile: Codable { var users: [SeedUser] }

    /// Reads and checks the bootstrap files the configuration names.
    ///
    /// - Throws: ``DocumentError`` naming the file and the field at fault: a unit without
    ///   its parent, a user at an unknown unit or at a unit of the wrong level for the
    ///   role, a short password, a policy version that does not validate.
    public static func load(_ configuration: ServerConfiguration) throws(DocumentError) -> ServerSeed {
        let unitsPath = configuration.resolve(configuration.bootstrap.orgUnits)
        let units = try read(OrgUnitsFile.self, unitsPath).units
        let tree: OrgTree
        do { tree = try OrgTree(units) } catch { throw DocumentError(document: unitsPath, field: "units", message: error.message) }

        let usersPath = configuration.resolve(configuration.bootstrap.users)
        let users = try read(UsersFile.self, usersPath).users
        var names = Set<String>()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        for (i, user) in users.enumerated() {
            let field = "users[\(i)]"
            guard !user.name.isEmpty, user.name.count <= 64, user.name.allSatisfy(allowed.contains) else {
                throw DocumentError(document: usersPath, field: "\(field).name", message: "must be 1–64 lowercase letters, digits, . _ - (an account name, not a person's name)")
            }
            guard names.insert(user.name).inserted else {
                throw DocumentError(document: usersPath, field: "\(field).name", message: "\(user.name) appears twice")
            }
            guard tree[user.org] != nil else {
                throw DocumentError(document: usersPath, field: "\(field).org", message: "\(user.org) is not in \(unitsPath)")
            }
            guard user.role == .auditor || user.org.level == user.role.level else {
                throw DocumentError(document: usersPath, field: "\(field).org",
                                    message: "a \(user.role.rawValue) works at a \(user.role.level.rawValue) unit, but \(user.org) is a \(user.org.level.rawValue)")
            }
            guard user.initialPassword.count >= 10 else {
                throw DocumentError(document: usersPath, field: "\(field).initialPassword", message: "must have at least 10 characters")
            }
        }

        let policyPath = configuration.resolve(configuration.bootstrap.policies)
        var policies: [PolicyVersion] = []
        for file in try policyFiles(policyPath) {
            let version = try PolicyVersion.load(json: try data(file), document: file)
            guard tree[version.district] != nil else {
                throw DocumentError(document: file, field: "district", message: "\(version.district) is not in \(unitsPath)")
            }
            policies.append(version)
        }
        do { _ = try PolicyBook(policies) } catch { throw DocumentError(error, document: policyPath) }
        return ServerSeed(orgUnits: units, users: users, policies: policies)
    }

    /// Puts what is missing into the store.
    public func apply(to store: any ServerStore, ledger: SyncLedger, hasher: PasswordHasher, logger: Logger) async throws {
        try await store.saveOrgUnits(orgUnits)
        var added = 0, kept = 0
        for user in users {
            if try await store.user(named: user.name) != nil { kept += 1; continue }
            let account = UserAccount(name: user.name, role: user.role, org: user.org, password: try await hasher.hash(user.initialPassword))
            if try await store.insertUserIfMissing(account) { added += 1 } else { kept += 1 }
        }
        var published = 0
        for version in policies where try await ledger.publish(version) { published += 1 }
        logger.info("store seeded", metadata: ["orgUnits": "\(orgUnits.count)", "users.added": "\(added)", "users.kept": "\(kept)",
                                               "policies.published": "\(published)", "policies": "\(policies.count)"])
        if added > 0 {
            logger.notice("users were created with the initial passwords of the users file: each must change it (POST /v1/password)",
                          metadata: ["users.added": "\(added)"])
        }
    }

    static func data(_ path: String) throws(DocumentError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentError(document: path, field: "", message: "cannot be read: check the bootstrap paths in the server configuration")
        }
        return data
    }

    static func read<T: Codable>(_ type: T.Type, _ path: String) throws(DocumentError) -> T {
        let data = try data(path)
        let value = try DocumentError.decode(T.self, from: data, document: path)
        try DocumentError.rejectUnknownFields(in: data, decoded: value, document: path, reference: "docs/SERVER.md")
        return value
    }

    /// A policy file, or the `*.json` files directly inside a directory, by name.
    static func policyFiles(_ path: String) throws(DocumentError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DocumentError(document: path, field: "", message: "no such policy file or directory: check bootstrap.policies in the server configuration")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let files = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            .map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
        guard !files.isEmpty else {
            throw DocumentError(document: path, field: "", message: "holds no policy files (*.json): see docs/POLICY-FILE.md")
        }
        return files
    }
}
