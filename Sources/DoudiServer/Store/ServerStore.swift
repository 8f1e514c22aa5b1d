import DoudiModel
import DoudiSync
import Foundation

/// The central store behind the HTTP API: the rows of the sync ledger (``LedgerStorage``,
/// driven by DoudiSync's ``SyncLedger``, the one home of the protocol's server side) and
/// the accounts (org units, users, tokens). The embedded SQLite store
/// (``SQLiteServerStore``) is the default; ``PostgresServerStore`` serves a district that
/// outgrows one machine, shared by several server processes.
public protocol ServerStore: LedgerStorage {
    // MARK: org units and users

    /// Adds org units that are missing and updates names and populations of the others.
    func saveOrgUnits(_ units: [OrgUnit]) async throws
    /// Every org unit, sorted by code.
    func orgUnits() async throws -> [OrgUnit]
    /// The user with this name.
    func user(named name: String) async throws -> UserAccount?
    /// Adds a user unless one with that name exists. Returns true when added.
    func insertUserIfMissing(_ user: UserAccount) async throws -> Bool
    /// Replaces a user's password hash.
    func setPassword(of name: String, to password: PasswordHash) async throws

    // MARK: tokens

    func insertToken(_ token: TokenRecord) async throws
    /// The token with this hash, revoked or expired or not.
    func token(hash: String) async throws -> TokenRecord?
    /// Revokes the tokens selected. Returns how many were revoked now.
    func revokeTokens(_ selection: TokenSelection) async throws -> Int

    // MARK: health

    /// The highest server sequence of any district (what `/v1/health` reports).
    func highestSequence() async throws -> Int64
}

/// A user account; the password only as a hash.
public struct UserAccount: Hashable, Sendable {
    public var name: String
    public var role: Role
    /// The unit the user works for: their jurisdiction.
    public var org: OrgCode
    public var password: PasswordHash

    public init(name: String, role: Role, org: OrgCode, password: PasswordHash) {
        self.name = name; self.role = role; self.org = org; self.password = password
    }

    public var actor: Actor { Actor(user: name, role: role, org: org) }
}

/// A bearer token as stored: its hash, who and which device it is for, and its life.
public struct TokenRecord: Hashable, Sendable {
    public var hash: String
    public var user: String
    public var device: String
    public var role: Role
    public var org: OrgCode
    /// Seconds since 1970.
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var revoked: Bool

    public init(hash: String, user: String, device: String, role: Role, org: OrgCode, issuedAt: Int64, expiresAt: Int64, revoked: Bool = false) {
        self.hash = hash; self.user = user; self.device = device; self.role = role; self.org = org
        self.issuedAt = issuedAt; self.expiresAt = expiresAt; self.revoked = revoked
    }

    public var actor: Actor { Actor(user: user, role: role, org: org) }
}

/// Which tokens to revoke.
public struct TokenSelection: Hashable, Sendable {
    /// One token, by its hash.
    public var hash: String?
    /// Every token of a user.
    public var user: String?
    /// Every token bound to a device.
    public var device: String?
    /// Only tokens whose scope lies within this unit (the revoker's jurisdiction).
    public var within: OrgCode?
    /// Keep this token (e.g. the caller's own, after a password change).
    public var except: String?

    public init(hash: String? = nil, user: String? = nil, device: String? = nil, within: OrgCode? = nil, except: String? = nil) {
        self.hash = hash; self.user = user; self.device = device; self.within = within; self.except = except
    }
}


extension ServerStore {
    /// The codes of every org unit (``SyncLedger`` keeps them for a minute).
    public func knownOrgCodes() async throws -> Set<OrgCode> { Set(try await orgUnits().map(\.code)) }
}
