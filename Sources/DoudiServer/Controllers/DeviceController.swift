import DoudiModel
import DoudiSync
import Foundation
import Hummingbird

/// The caller's own device.
///
/// - `GET /v1/device` → ``DeviceStatus``: whose the device is, the highest per-device
///   sequence the server accepted from it and when. A laptop restored from a backup asks
///   before pushing, to number its next change sets past it (SPEC §5.3). Served to a
///   password-change-only token too.
struct DeviceController {
    let store: any ServerStore

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("device") { _, context in try await self.status(context) }
    }

    func status(_ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let device = try await store.device(identity.device) else {
            throw ServerError(.notFound, "device \(identity.device) is not known here: log in again with POST /v1/login")
        }
        return try WireJSON.response(DeviceStatus(device: device.device, user: device.user, highestSequence: device.highestSequence,
                                                  lastPushAt: device.lastPushAt))
    }
}
