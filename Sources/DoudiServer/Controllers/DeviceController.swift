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
/// - `POST /v1/device/keys`: ``DeviceKeysRequest`` → ``DeviceKeysResponse``: registers the
///   device's bundle keys when it has none (a laptop whose login could not send them: its store
///   was locked, or it logged in with an older doudi) and answers the server's (SPEC §15.2).
struct DeviceController {
    let store: any ServerStore
    let reader: BodyReader
    let keyRegistry: DeviceKeyRegistry

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("device") { _, context in try await self.status(context) }
        group.post("device/keys") { request, context in try await self.registerKeys(request, context) }
    }

    func registerKeys(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await reader.decode(DeviceKeysRequest.self, from: request)
        let keys = try DeviceKeyRegistry.validated(body.deviceKeys)
        // a laptop with other keys asks at every sync: the login's audit event says it once
        let serverKeys = try await keyRegistry.register(keys, device: identity.device, user: identity.actor, address: context.remoteAddress,
                                                        audited: false, logger: context.logger)
        return try WireJSON.response(DeviceKeysResponse(registered: serverKeys != nil, serverKeys: serverKeys))
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
