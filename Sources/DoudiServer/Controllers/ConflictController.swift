import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging

/// Conflicts within the caller's scope.
///
/// - `GET /v1/conflicts?includeResolved=true&limit=N` → ``ConflictList``
/// - `GET /v1/conflicts/{id}` → ``ConflictRecord``
/// - `POST /v1/conflicts/{id}/resolve`: ``ResolveRequest`` → ``ResolveResponse``. The
///   resolution gets a new server sequence, so it reaches every device by pull.
struct ConflictController {
    let ledger: SyncLedger
    let reader: BodyReader

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.get("conflicts") { request, context in try await self.list(request, context) }
        group.get("conflicts/{id}") { _, context in try await self.show(context) }
        group.post("conflicts/{id}/resolve") { request, context in try await self.resolve(request, context) }
    }

    func conflictID(_ context: DoudiRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw ServerError(.notFound, "a conflict id is a UUID")
        }
        return id
    }

    func list(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let query = request.uri.queryParameters
        var includeResolved = false
        if let text = query["includeResolved"] {
            guard let flag = Bool(String(text)) else { throw ServerError(.badParameter, "includeResolved is true or false") }
            includeResolved = flag
        }
        var limit = 1000
        if let text = query["limit"] {
            guard let n = Int(text), (1...10_000).contains(n) else { throw ServerError(.badParameter, "limit must be a whole number in 1…10000") }
            limit = n
        }
        let conflicts = try await ledger.conflicts(scope: identity.actor.org, includeResolved: includeResolved, limit: limit)
        return try WireJSON.response(ConflictList(conflicts: conflicts), compressingFor: request)
    }

    func show(_ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try conflictID(context)
        guard let conflict = try await ledger.conflict(id, scope: identity.actor.org) else {
            throw ServerError(.notFound, "no conflict \(id) within \(identity.actor.org)")
        }
        return try WireJSON.response(conflict)
    }

    func resolve(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try conflictID(context)
        let body = try await reader.decodeResolve(from: request)
        let note = body.note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(note.count) else {
            throw ServerError(.badParameter, "note must say how the conflict was resolved (1–2000 characters)")
        }
        guard let changeSet = body.changeSet else {
            let conflict = try await ledger.resolve(id, by: identity.caller, note: note)
            context.logger.info("conflict resolved", metadata: ["conflict": "\(id)", "kind": "\(conflict.kind.rawValue)"])
            return try WireJSON.response(ResolveResponse(conflict: conflict))
        }
        guard changeSet.resolves.contains(id) else {
            throw ServerError(.badParameter, "the change set must list conflict \(id) in resolves")
        }
        guard let before = try await ledger.conflict(id, scope: identity.actor.org) else {
            throw ServerError(.notFound, "no conflict \(id) within \(identity.actor.org)")
        }
        if let resolution = before.resolution {
            throw ServerError(.alreadyResolved, "conflict \(id) was resolved already by change set \(resolution.changeSet)")
        }
        guard let ack = try await ledger.push([changeSet], by: identity.caller, note: note).first else {
            throw ServerError(.internal, "the change set was not answered")
        }
        if ack.status == .rejected {
            throw ServerError(ServerError.Code(rawValue: ack.code ?? ServerError.Code.rejected.rawValue), ack.message ?? "the change set was rejected")
        }
        guard let conflict = try await ledger.conflict(id, scope: identity.actor.org) else {
            throw ServerError(.notFound, "no conflict \(id) within \(identity.actor.org)")
        }
        context.logger.info("conflict resolved", metadata: ["conflict": "\(id)", "kind": "\(conflict.kind.rawValue)",
                                                            "serverSequence": "\(ack.serverSequence ?? 0)"])
        return try WireJSON.response(ResolveResponse(conflict: conflict, acknowledgement: ack))
    }
}
