import DoudiModel
import Foundation

/// A device as the server knows it (SPEC §5.2): the one user it belongs to, when it was
/// first and last seen, and what the ledger accepted from it.
public struct DeviceRecord: Hashable, Sendable {
    /// The device id (``ChangeSet/device``).
    public var id: String
    /// The user it belongs to: bound at its first login, changed only by the district.
    public var user: String
    /// That user's role and org unit (read with the device).
    public var role: Role
    public var org: OrgCode
    /// Seconds since 1970 of its first login.
    public var firstSeenAt: Int64
    /// Seconds since 1970 of its last login.
    public var lastLoginAt: Int64
    /// The highest per-device sequence of a change set the ledger accepted from it (0: none).
    public var highestSequence: Int64
    /// Seconds since 1970 when the server received the change set numbered
    /// ``highestSequence`` (`nil`: never, or before the server noted push times).
    public var lastPushAt: Int64?
    /// Seconds since 1970 when the district revoked it (lost laptop); it cannot log in.
    public var revokedAt: Int64?

    public init(id: String, user: String, role: Role, org: OrgCode, firstSeenAt: Int64, lastLoginAt: Int64, highestSequence: Int64,
                lastPushAt: Int64? = nil, revokedAt: Int64? = nil) {
        self.id = id; self.user = user; self.role = role; self.org = org; self.firstSeenAt = firstSeenAt; self.lastLoginAt = lastLoginAt
        self.highestSequence = highestSequence; self.lastPushAt = lastPushAt; self.revokedAt = revokedAt
    }
}

/// What a login that passed its password check may do with its device.
public enum DeviceAdmission: Hashable, Sendable {
    /// The token is stored; `firstLogin` when the device was bound to the user now.
    case admitted(firstLogin: Bool)
    /// The device belongs to another user: no token.
    case assignedToOther(user: String)
    /// The device was revoked: no token.
    case revoked(at: Int64)
    /// The user was disabled, or their password changed, while the password was checked: no token.
    case userChanged
}
