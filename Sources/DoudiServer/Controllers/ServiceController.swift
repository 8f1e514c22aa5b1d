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
    /// `sync.oldestProtocolVersion`, told by `GET /v1/health`.
    var oldestProtocolVersion: Int = readableProtocolVersions.lowerBound
    /// The org-unit list as JSON, kept for a minute: every laptop asks for it on every sync,
    /// and org units change only when a server starts with a new bootstrap file.
    let orgUnitsJSON = Cache<(json: Data, at: Date)>()

    func addPublicRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("health") { _, context in try await self.health(context) }
    }

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("org-units") { request, _ in try WireJSON.response(json: try await self.orgUnits(), compressingFor: request) }
    }

    func orgUnits() async throws -> Data {
        if let cached = orgUnitsJSON.value, Date().timeIntervalSince(cached.at) < 60 { return cached.json }
        let json = try WireJSON.encoder().encode(OrgUnitList(units: try await store.orgUnits()))
        orgUnitsJSON.value = (json, Date())
        return json
    }

    func health(_ context: DoudiRequestContext) async throws -> Response {
        let sequence: Int64
        do { sequence = try await store.highestSequence() } catch {
            context.logger.error("health check failed", metadata: ["error.type": "\(type(of: error))"])
            throw ServerError(.unavailable, "the store cannot be read: see the server log")
        }
        return try WireJSON.response(HealthResponse(status: "ok", protocolVersion: DoudiSync.protocolVersion,
                                                    oldestProtocolVersion: oldestProtocolVersion, serverSequence: sequence))
    }
}
