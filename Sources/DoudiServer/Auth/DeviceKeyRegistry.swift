import DoudiModel
import DoudiSync
import Logging

/// Registers devices' bundle keys (Protocol/SPEC.md §15.2), at a login or at
/// `POST /v1/device/keys`, and answers the server's own keys to a device whose keys stand.
///
/// A device keeps the keys it registered first. Other keys (a store restored from a backup made
/// before its keys, or set up again under the same id) are not registered and get no server
/// keys: that laptop syncs over the network as before but carries no bundles until the
/// district re-assigns the device (`doudi admin device assign`), which forgets the old keys.
struct DeviceKeyRegistry: Sendable {
    let store: any ServerStore
    let serverKeys: ServerBundleKeys
    let audit: AuditLog

    /// Registers `keys` for `device` of `user` when it has none; answers the server's public keys
    /// when the device's keys are these, nil when it has others.
    /// - Parameter audited: whether other keys than the registered ones are written to the audit
    ///   log (at a login; not at every sync's `POST /v1/device/keys`).
    func register(_ keys: BundlePublicKeys, device: String, user: Actor, address: String?, audited: Bool = true,
                  logger: Logger) async throws -> BundlePublicKeys? {
        switch try await store.registerDeviceBundleKeys(device, keys) {
        case .registered:
            await audit.record(.deviceKeyRegistered, user: user.user, org: user.org, device: device, address: address, logger: logger)
        case .unchanged:
            break
        case .different:
            logger.notice("bundle keys differ from those registered: no bundles for this device", metadata: ["device": "\(device)"])
            guard audited else { return nil }
            await audit.record(.deviceKeyDiffers, user: user.user, org: user.org, device: device, address: address,
                               detail: "the laptop's bundle keys differ from those registered: its bundles are refused until the device is re-assigned",
                               logger: logger)
            return nil
        }
        return try await serverKeys.current().publicKeys
    }

    /// Keys as a client sent them, checked and in canonical base64.
    ///
    /// - Throws: ``ServerError`` `bad-parameter` naming the key at fault.
    static func validated(_ sent: BundlePublicKeys) throws -> BundlePublicKeys {
        do throws(BundleError) { return try sent.validated() } catch {
            throw ServerError(.badParameter, "deviceKeys: \(error.message)")
        }
    }
}
