import Foundation

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
