import DoudiModel
import Foundation

/// `GET /v1/device`: what the server knows of the caller's own device (the device its
/// token is bound to).
///
/// A laptop restored from a backup asks for it before pushing, to number its next change
/// sets past what the server already accepted from it (SPEC §5.3, §11).
public struct DeviceStatus: Hashable, Sendable, Codable {
    /// The device id (``ChangeSet/device``).
    public var device: String
    /// The user the device belongs to (SPEC §5.2: one user per device).
    public var user: String
    /// The highest per-device `sequence` of any change set the server accepted from this
    /// device; 0 when none.
    public var highestSequence: Int64
    /// Seconds since 1970 when the server received the change set numbered
    /// ``highestSequence``; absent when the device never pushed one, or pushed it before the
    /// server recorded push times.
    public var lastPushAt: Int64?

    public init(device: String, user: String, highestSequence: Int64, lastPushAt: Int64? = nil) {
        self.device = device; self.user = user; self.highestSequence = highestSequence; self.lastPushAt = lastPushAt
    }
}

/// `POST /v1/device/keys`: the caller's device's bundle keys (SPEC §15.2).
public struct DeviceKeysRequest: Hashable, Sendable, Codable {
    public var protocolVersion: Int
    public var deviceKeys: BundlePublicKeys
    public init(deviceKeys: BundlePublicKeys) { self.protocolVersion = DoudiSync.protocolVersion; self.deviceKeys = deviceKeys }
}

/// The answer to ``DeviceKeysRequest``: whether the device's keys are the ones registered (now or
/// before), and then the server's keys; `false` and no server keys when the device registered
/// other keys first (it carries no bundles until the district re-assigns it).
public struct DeviceKeysResponse: Hashable, Sendable, Codable {
    public var registered: Bool
    public var serverKeys: BundlePublicKeys?
    public init(registered: Bool, serverKeys: BundlePublicKeys?) { self.registered = registered; self.serverKeys = serverKeys }
}
