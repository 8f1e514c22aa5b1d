import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging

/// Push and pull.
///
/// - `POST /v1/push`: ``PushRequest`` → ``PushResponse``, one acknowledgement per change
///   set in the order sent. A body of another protocol version is refused whole (400
///   `protocol-version`); a single change set of another version, or one that cannot be
///   read but has an id, is `rejected` on its own.
/// - `GET /v1/pull?after=&limit=&maxBytes=` → ``PullResponse`` within the token's scope.
struct SyncController {
    let ledger: SyncLedger
    let reader: BodyReader
    let sync: ServerConfiguration.Sync

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.post("push") { request, context in try await self.push(request, context) }
        group.get("pull") { request, context in try await self.pull(request, context) }
    }

    func push(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let envelope = try await reader.decodePush(from: request)
        guard envelope.changeSets.count <= sync.maxChangeSetsPerPush else {
            throw ServerError(.badParameter, "\(envelope.changeSets.count) change sets in one push; at most \(sync.maxChangeSetsPerPush): push the rest next")
        }
        let acknowledgements = try await Self.apply(envelope.changeSets, ledger: ledger, by: identity.caller)
        var counts: [String: Int] = [:]
        for ack in acknowledgements { counts[ack.status == .rejected ? "rejected.\(ack.code ?? "?")" : ack.status.rawValue, default: 0] += 1 }
        context.logger.info("push", metadata: ["changeSets": "\(acknowledgements.count)",
                                               "outcome": .dictionary(counts.mapValues { .stringConvertible($0) })])
        return try WireJSON.response(PushResponse(acknowledgements: acknowledgements), compressingFor: request)
    }

    /// Applies a push's change sets through the ledger and answers one acknowledgement per
    /// change set, in the order given: the readable ones are applied together (each atomic on
    /// its own), the unreadable ones rejected in their places. A push and a request bundle
    /// (§15) go through here alike.
    ///
    /// - Throws: ``ServerError`` `malformed-request` when a change set has no readable id
    ///   (nothing is applied: an answer names its change set); what the ledger throws.
    static func apply(_ entries: [IncomingChangeSet], ledger: SyncLedger, by caller: LedgerCaller) async throws -> [Acknowledgement] {
        for (i, entry) in entries.enumerated() {
            if case .unreadable(nil, _, let problem) = entry {
                throw ServerError(.malformedRequest, "changeSets[\(i)] has no readable id, so it cannot be acknowledged: \(problem)")
            }
        }
        let readable = entries.compactMap { entry -> ChangeSet? in
            if case .readable(let changeSet) = entry { return changeSet } else { return nil }
        }
        var applied = try await ledger.push(readable, by: caller).makeIterator()
        var acknowledgements: [Acknowledgement] = []
        for entry in entries {
            switch entry {
            case .readable(let changeSet):
                guard let answer = applied.next() else {
                    throw ServerError(.internal, "the ledger answered fewer change sets than it was given (none for \(changeSet.id))")
                }
                acknowledgements.append(answer)
            case .unreadable(let id?, _, _):
                let rejection = entry.rejection ?? (MergeRejection.Code.validation.rawValue, "the change set cannot be read")
                acknowledgements.append(Acknowledgement(changeSet: id, status: .rejected, code: rejection.code, message: rejection.message))
            case .unreadable(nil, _, _):
                continue   // refused above: a change set without an id fails the whole push
            }
        }
        return acknowledgements
    }

    func pull(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let query = request.uri.queryParameters
        func integer(_ name: String, default value: Int64, in range: ClosedRange<Int64>) throws -> Int64 {
            guard let text = query[Substring(name)] else { return value }
            guard let number = Int64(text), range.contains(number) else {
                throw ServerError(.badParameter, "\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return number
        }
        let after = try integer("after", default: 0, in: 0...Int64.max)
        let limit = try integer("limit", default: Int64(sync.defaultPullLimit), in: 1...Int64(sync.maxPullLimit))
        let maxBytes = try integer("maxBytes", default: Int64(sync.defaultPullBytes), in: 1024...Int64(sync.maxPullBytes))
        // a client of version 2 or later says so; one that says nothing speaks version 1 (SPEC §9)
        let version = try integer("protocolVersion", default: 1, in: 0...Int64(Int32.max))
        try VersionProbe(protocolVersion: Int(version)).check(oldest: sync.oldestProtocolVersion)
        let page = try await ledger.pull(scope: identity.actor.org, after: after, limit: Int(limit), maxBytes: Int(maxBytes),
                                         protocolVersion: Int(version))
        context.logger.info("pull", metadata: ["after": "\(after)", "cursor": "\(page.cursor)", "records": "\(page.records)",
                                               "protocolVersion": "\(version)", "device": "\(identity.device)",
                                               "conflicts": "\(page.conflicts)", "departures": "\(page.departures)", "hasMore": "\(page.hasMore)"])
        return try WireJSON.response(json: page.json, compressingFor: request)
    }
}
