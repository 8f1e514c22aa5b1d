import DoudiSync
import Foundation
import Hummingbird
import Logging

/// Health and the org units.
///
/// - `GET /v1/health` (no token) → ``HealthResponse``; 503 `unavailable` when the store cannot be read.
/// - `GET /v1/org-units` → ``OrgUnitList``
struct ServiceController {
    let store: any ServerStore

    func addPublicRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("health") { _, context in try await self.health(context) }
    }

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("org-units") { _, _ in try WireJSON.response(OrgUnitList(units: try await self.store.orgUnits())) }
    }

    func health(_ context: DoudiRequestContext) async throws -> Response {
        let sequence: Int64
        do { sequence = try await store.highestSequence() } catch {
            context.logger.error("health check failed", metadata: ["error.type": "\(type(of: error))"])
            throw ServerError(.unavailable, "the store cannot be read: see the server log")
        }
        return try WireJSON.response(HealthResponse(status: "ok", protocolVersion: DoudiSync.protocolVersion, serverSequence: sequence))
    }
}
