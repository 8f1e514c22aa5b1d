import DoudiModel
import Foundation

// Messages of the district's device and user administration (`/v1/admin/…`, SPEC §11):
// a district officer, within their jurisdiction; every action is audited.

/// A device as the district sees it (`GET /v1/admin/devices`).
public struct DeviceSummary: Hashable, Sendable, Codable {
    public var device: String
    /// The user it belongs to, and their role and org unit.
    public var user: String
    public var role: Role
    public var org: OrgCode
    /// Seconds since 1970 of its first and of its last login.
    public var firstSeenAt: Int64
    public var lastLoginAt: Int64
    /// The highest per-device sequence the server accepted from it (0: none).
    public var highestSequence: Int64
    /// Seconds since 1970 when the server received that change set, when known.
    public var lastPushAt: Int64?
    /// Seconds since 1970 when the district revoked it; a revoked device cannot log in.
    public var revokedAt: Int64?

    public init(device: String, user: String, role: Role, org: OrgCode, firstSeenAt: Int64, lastLoginAt: Int64, highestSequence: Int64,
                lastPushAt: Int64? = nil, revokedAt: Int64? = nil) {
        self.device = device; self.user = user; self.role = role; self.org = org; self.firstSeenAt = firstSeenAt
        self.lastLoginAt = lastLoginAt; self.highestSequence = highestSequence; self.lastPushAt = lastPushAt; self.revokedAt = revokedAt
    }
}

/// `GET /v1/admin/devices`: the devices of the users within the caller's jurisdiction, by id.
public struct DeviceList: Hashable, Sendable, Codable {
    public var devices: [DeviceSummary]
    public init(devices: [DeviceSummary]) { self.devices = devices }
}

/// A user account as the district sees it (`GET /v1/admin/users`); never the password.
public struct UserSummary: Hashable, Sendable, Codable {
    public var user: String
    public var role: Role
    public var org: OrgCode
    /// Disabled by the district: cannot log in.
    public var disabled: Bool
    /// Locked after too many failed logins: only the district can unlock it.
    public var locked: Bool
    /// Failed logins in a row so far (they start again after a correct login or a quiet hour).
    public var failedLogins: Int
    /// The password was reset and not yet changed by the user.
    public var mustChangePassword: Bool

    public init(user: String, role: Role, org: OrgCode, disabled: Bool, locked: Bool, failedLogins: Int, mustChangePassword: Bool) {
        self.user = user; self.role = role; self.org = org; self.disabled = disabled; self.locked = locked
        self.failedLogins = failedLogins; self.mustChangePassword = mustChangePassword
    }
}

/// `GET /v1/admin/users`: the users within the caller's jurisdiction, by name.
public struct UserList: Hashable, Sendable, Codable {
    public var users: [UserSummary]
    public init(users: [UserSummary]) { self.users = users }
}

/// The answer to `POST /v1/admin/devices/{device}/revoke` (a lost laptop): its tokens are
/// dead, it can no longer log in, and how far the server got with it.
public struct DeviceRevokeResponse: Hashable, Sendable, Codable {
    public var device: String
    /// The user it belonged to.
    public var user: String
    /// Tokens revoked now.
    public var revokedTokens: Int
    /// The last sequence number the server received from the device (0: none).
    public var highestSequence: Int64
    /// Seconds since 1970 when it was received, when known.
    public var lastPushAt: Int64?
    /// What this means, in words: change sets made on the laptop after ``highestSequence``
    /// are lost unless the laptop is recovered.
    public var note: String

    public init(device: String, user: String, revokedTokens: Int, highestSequence: Int64, lastPushAt: Int64?, note: String) {
        self.device = device; self.user = user; self.revokedTokens = revokedTokens; self.highestSequence = highestSequence
        self.lastPushAt = lastPushAt; self.note = note
    }
}

/// `POST /v1/admin/devices/{device}/assign`: gives the device to another user (or back to
/// its own user, once a revoked laptop is recovered).
public struct DeviceAssignRequest: Hashable, Sendable, Codable {
    public var user: String
    public init(user: String) { self.user = user }
}

/// The answer to a device assignment.
public struct DeviceAssignResponse: Hashable, Sendable, Codable {
    public var device: String
    public var previousUser: String
    public var user: String
    /// Tokens of other users on the device revoked now.
    public var revokedTokens: Int
    public init(device: String, previousUser: String, user: String, revokedTokens: Int) {
        self.device = device; self.previousUser = previousUser; self.user = user; self.revokedTokens = revokedTokens
    }
}

/// The answer to `POST /v1/admin/users/{user}/disable`, `…/enable` and `…/unlock`.
public struct UserAdminResponse: Hashable, Sendable, Codable {
    /// The account as it stands now.
    public var user: UserSummary
    /// Tokens revoked now (disable).
    public var revokedTokens: Int
    /// False when there was nothing to do (already so).
    public var changed: Bool
    public init(user: UserSummary, revokedTokens: Int, changed: Bool) {
        self.user = user; self.revokedTokens = revokedTokens; self.changed = changed
    }
}

/// The answer to `POST /v1/admin/users/{user}/reset-password`: a one-time password to give
/// the user (by hand, not by e-mail), which they must replace at their next login.
public struct PasswordResetResponse: Hashable, Sendable, Codable {
    public var user: String
    public var oneTimePassword: String
    /// Tokens revoked now.
    public var revokedTokens: Int
    public init(user: String, oneTimePassword: String, revokedTokens: Int) {
        self.user = user; self.oneTimePassword = oneTimePassword; self.revokedTokens = revokedTokens
    }
}

/// One line of the audit log (`GET /v1/admin/audit`).
public struct AuthEvent: Hashable, Sendable, Codable {
    /// What happened; stable on the wire.
    public struct Kind: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        public var description: String { rawValue }

        /// A correct login; a token was issued.
        public static let login = Kind(rawValue: "login")
        /// The first login of a device: it now belongs to the user.
        public static let deviceBound = Kind(rawValue: "device-bound")
        /// A wrong user name or password.
        public static let loginFailed = Kind(rawValue: "login-failed")
        /// A correct password, refused all the same (`detail`: disabled, locked, the device is another user's or revoked).
        public static let loginRefused = Kind(rawValue: "login-refused")
        /// Locked after too many failed logins.
        public static let accountLocked = Kind(rawValue: "account-locked")
        public static let accountUnlocked = Kind(rawValue: "account-unlocked")
        public static let userDisabled = Kind(rawValue: "user-disabled")
        public static let userEnabled = Kind(rawValue: "user-enabled")
        /// The district set a one-time password.
        public static let passwordReset = Kind(rawValue: "password-reset")
        /// The user set their own password.
        public static let passwordChanged = Kind(rawValue: "password-changed")
        public static let logout = Kind(rawValue: "logout")
        /// Tokens revoked by `POST /v1/tokens/revoke`.
        public static let tokensRevoked = Kind(rawValue: "tokens-revoked")
        /// A lost laptop: its tokens revoked, it cannot log in.
        public static let deviceRevoked = Kind(rawValue: "device-revoked")
        /// A device given to another user (or back to its own).
        public static let deviceAssigned = Kind(rawValue: "device-assigned")
        /// A device's bundle keys registered at its login (§15.2).
        public static let deviceKeyRegistered = Kind(rawValue: "device-key-registered")
        /// A login whose bundle keys differ from those registered: let in, but no bundles until the device is re-assigned.
        public static let deviceKeyDiffers = Kind(rawValue: "device-key-differs")
        /// A request bundle carried to the server and applied (§15.6); `actor` is whoever carried it.
        public static let bundleApplied = Kind(rawValue: "bundle-applied")
        /// A bundle refused (`detail` says why): tampered, another device's key, a revoked device …
        public static let bundleRefused = Kind(rawValue: "bundle-refused")
    }

    public var id: Int64
    /// Seconds since 1970.
    public var at: Int64
    public var kind: Kind
    public var user: String?
    public var org: OrgCode?
    public var device: String?
    public var address: String?
    /// Who did it (administration).
    public var actor: String?
    public var detail: String?

    public init(id: Int64, at: Int64, kind: Kind, user: String? = nil, org: OrgCode? = nil, device: String? = nil, address: String? = nil,
                actor: String? = nil, detail: String? = nil) {
        self.id = id; self.at = at; self.kind = kind; self.user = user; self.org = org; self.device = device
        self.address = address; self.actor = actor; self.detail = detail
    }
}

/// `GET /v1/admin/audit?before=&limit=&user=&device=`: audit events, newest first.
public struct AuthEventList: Hashable, Sendable, Codable {
    public var events: [AuthEvent]
    /// Pass as `before` for the next page of older events; absent at the oldest.
    public var before: Int64?
    public init(events: [AuthEvent], before: Int64? = nil) { self.events = events; self.before = before }
}
