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
    /// Replaces a user's password hash (the user's own choice): clears `mustChangePassword`
    /// and lifts the password-change-only limit of the user's tokens.
    func setPassword(of name: String, to password: PasswordHash) async throws
    /// Every user whose org unit lies within `org`, by name.
    func users(within org: OrgCode) async throws -> [UserAccount]
    /// Disables (revoking every token of the user, at once) or enables a user; a disabled
    /// user cannot log in. Returns how many tokens were revoked now.
    func setDisabled(_ name: String, _ disabled: Bool) async throws -> Int
    /// Replaces a user's password with a one-time password set by the district and revokes
    /// every token of the user: the user must change it (`mustChangePassword`) before the API
    /// serves them. Returns how many tokens were revoked now.
    func resetPassword(of name: String, to password: PasswordHash) async throws -> Int

    // MARK: devices (SPEC §5.2: a device belongs to one user)

    /// A login that passed its password check: binds the device to the user at its first
    /// login, or notes the login of the device's own user, and stores the token — all or
    /// nothing. A device bound to another user, or revoked, gets no token; nor does a user
    /// who was disabled or whose password changed since `verified` was read. The token is
    /// stored password-change-only when the user must change their password.
    func admitLogin(_ token: TokenRecord, verified: PasswordHash, at now: Int64) async throws -> DeviceAdmission
    /// A device, with what the ledger accepted from it.
    func device(_ id: String) async throws -> DeviceSummary?
    /// Every device whose user's org unit lies within `org`, by id.
    func devices(within org: OrgCode) async throws -> [DeviceSummary]
    /// Marks a device revoked (lost laptop) and revokes every token bound to it.
    /// Returns how many tokens were revoked now.
    func revokeDevice(_ id: String, at now: Int64) async throws -> Int
    /// Gives a device to another user (or back to its own, recovered): lifts a revocation,
    /// forgets its bundle keys (its next login registers new ones) and its last bundle (old ones
    /// no longer verify; a new store's first bundle is not older than anything), and revokes the
    /// tokens on it of every other user. Returns how many were revoked now.
    func assignDevice(_ id: String, to user: String) async throws -> Int
    /// After a push from `device`: when the highest sequence accepted from it has grown,
    /// notes it and `now` (what ``DeviceSummary/lastPushAt`` reports).
    func notePush(device: String, at now: Int64) async throws

    // MARK: bundle keys (SPEC §15.2)

    /// The server's bundle key pair: made at the first call and kept in the store, so every
    /// process sharing the store signs and opens bundles with the same keys.
    func serverBundleKeys() async throws -> BundlePrivateKeys
    /// The bundle keys a device registered at a login, if any.
    func deviceBundleKeys(_ device: String) async throws -> BundlePublicKeys?
    /// Registers a device's bundle keys when it has none (its first login that carries them);
    /// answers whether the keys it has are these. ``assignDevice(_:to:)`` forgets them.
    func registerDeviceBundleKeys(_ device: String, _ keys: BundlePublicKeys) async throws -> DeviceKeyRegistration
    /// Admits a request bundle of `device` made at `createdAt` (the laptop's clock): the newest
    /// one so far (or one made at the same moment) is noted and admitted, the same one again is
    /// admitted, an older one is not
    /// (a bundle file outlives what it carried: a change set since given up on the laptop must
    /// not be applied by a late upload of an old file).
    func admitBundle(device: String, id: UUID, createdAt: Int64) async throws -> BundleAdmission

    // MARK: login throttling (SPEC §11)

    /// The failed-login counts of these accounts (keys from ``LoginThrottle/accountKey(_:)``), where any.
    func loginThrottles(accounts: [String]) async throws -> [String: LoginThrottleState]
    /// Takes the next attempt of an account that is paying a wait: moves `nextAttemptAt` to
    /// `until` when it has come and the account is not locked. False when another attempt took it.
    func claimLoginAttempt(account: String, now: Int64, until: Int64) async throws -> Bool
    /// Counts a failed login of an account, atomically, by `rule`; returns the new state.
    func recordLoginFailure(account: String, atMillis: Int64, rule: LoginThrottle) async throws -> LoginThrottleState
    /// Forgets an account's failures and lock (a correct login, an unlock).
    /// Returns the state it had, if any.
    @discardableResult
    func clearLoginFailures(account: String) async throws -> LoginThrottleState?

    // MARK: audit log

    /// Appends an event to the audit log.
    func appendAuthEvent(_ event: AuthEventRecord) async throws
    /// Events of the log, newest first.
    func authEvents(_ query: AuthEventQuery) async throws -> [AuthEventRecord]

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
    /// Set by the district: the user cannot log in, and their tokens were revoked.
    public var disabled: Bool
    /// Set when the district reset the password: the user's tokens serve only to change it.
    public var mustChangePassword: Bool

    public init(name: String, role: Role, org: OrgCode, password: PasswordHash, disabled: Bool = false, mustChangePassword: Bool = false) {
        self.name = name; self.role = role; self.org = org; self.password = password
        self.disabled = disabled; self.mustChangePassword = mustChangePassword
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
    /// Issued after a password reset: it serves only `POST /v1/password` (and logout)
    /// until the user sets a password of their own.
    public var passwordChangeOnly: Bool

    public init(hash: String, user: String, device: String, role: Role, org: OrgCode, issuedAt: Int64, expiresAt: Int64, revoked: Bool = false,
                passwordChangeOnly: Bool = false) {
        self.hash = hash; self.user = user; self.device = device; self.role = role; self.org = org
        self.issuedAt = issuedAt; self.expiresAt = expiresAt; self.revoked = revoked; self.passwordChangeOnly = passwordChangeOnly
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

/// What ``ServerStore/registerDeviceBundleKeys(_:_:)`` found.
public enum DeviceKeyRegistration: Hashable, Sendable {
    /// The device had none: these are its keys now.
    case registered
    /// The device has these keys already.
    case unchanged
    /// The device has other keys: they stay.
    case different
}

/// What ``ServerStore/admitBundle(device:id:createdAt:)`` found.
public enum BundleAdmission: Hashable, Sendable {
    /// The newest bundle of the device so far, or the same one again.
    case admitted
    /// A newer bundle of the device (made at `newerAt`) was admitted already.
    case stale(newerAt: Int64)
}
