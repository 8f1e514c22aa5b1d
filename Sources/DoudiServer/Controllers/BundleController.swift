import DoudiModel
import DoudiSync
import Foundation
import Hummingbird
import Logging

/// Bundles carried by hand (Protocol/SPEC.md §15): a village with no link sends its change sets
/// on a USB stick, and whoever has a link brings them here.
///
/// - `POST /v1/bundles` (body: the request bundle file, `application/octet-stream`) →
///   ``BundleUploadResponse``: the reply bundle to carry back, and counts.
///
/// The carrier's token authenticates the upload; the bundle itself is authorised by the
/// device that signed it: its Ed25519 key as registered at the device's login, the device not
/// revoked and its user enabled. Its change sets go through the same ledger as a push, as that
/// device and its user, so however often the same bundle arrives each change set is applied
/// once and answered the same way. The reply holds the acknowledgements and the records the
/// device's scope gained since the bundle's cursor, signed by the server and sealed to the
/// device: the carrier cannot read it.
struct BundleController {
    let store: any ServerStore
    let ledger: SyncLedger
    let reader: BodyReader
    let sync: ServerConfiguration.Sync
    let clock: ServerClock
    let audit: AuditLog
    let serverKeys: ServerBundleKeys

    /// Most bytes of pages one reply carries (well under the 64 MiB a laptop reads as one JSON
    /// text, §3.5); more waits for the next bundle.
    static let maxReplyPageBytes = 32 * 1024 * 1024
    /// Most bytes of one page of a reply, whatever `sync.maxPullBytes` allows.
    static let maxPageBytes = 8 * 1024 * 1024

    init(store: any ServerStore, ledger: SyncLedger, reader: BodyReader, sync: ServerConfiguration.Sync, clock: ServerClock,
         serverKeys: ServerBundleKeys) {
        self.store = store; self.ledger = ledger; self.reader = reader; self.sync = sync; self.clock = clock; self.serverKeys = serverKeys
        self.audit = AuditLog(store: store, clock: clock)
    }

    func addRoutes(to group: RouterGroup<DoudiRequestContext>) {
        group.post("bundles") { request, context in try await self.receive(request, context) }
    }

    func receive(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let data = try await reader.bytes(of: request)
        let bundle: SealedBundle
        do throws(BundleError) { bundle = try SealedBundle(reading: data) } catch { throw Self.refusal(error) }
        let header = bundle.header
        var metadata: Logger.Metadata = ["bundle": "\(header.id)", "device": "\(header.device)"]
        func refused(_ error: ServerError, org: OrgCode? = nil) async -> ServerError {
            context.logger.notice("bundle refused", metadata: metadata.merging(["why": "\(error.code)"]) { $1 })
            await audit.record(.bundleRefused, org: org, device: header.device, actor: identity.actor.user, detail: error.message, logger: context.logger)
            return error
        }
        // the device id first: every message after this one names it
        do { try AuthController.validateDevice(header.device) } catch {
            throw ServerError(.bundleMalformed, "the bundle's header names no valid device id: the file is damaged or not made by doudi")
        }
        guard header.kind == .request else {
            throw ServerError(.bundleMalformed, "this is a reply bundle (from the server to device \(header.device)): carry it to that laptop and run `doudi bundle import` there")
        }
        // the carrier: the device's own user, or anyone with jurisdiction over its unit; a device
        // outside that is answered as one not known (nobody learns which ids exist, or where)
        let unknown = ServerError(.notFound, "no device \(header.device) within your jurisdiction: a bundle is carried by its own laptop's user or by the town or district it belongs to, and a laptop must have logged in once over the network (doudi login)")
        guard let device = try await store.device(header.device) else { throw unknown }
        guard identity.device == device.device || identity.actor.hasJurisdiction(over: device.org) else {
            throw await refused(unknown, org: device.org)
        }
        if device.revokedAt != nil {
            throw await refused(ServerError(.deviceRevoked, "device \(device.device) was revoked by the district (reported lost): its bundles are refused"), org: device.org)
        }
        guard let user = try await store.user(named: device.user), !user.disabled else {
            throw await refused(ServerError(.accountDisabled, "the account of device \(device.device) (\(device.user)) is disabled: its bundles are refused until the district enables it"), org: device.org)
        }
        guard let keys = try await store.deviceBundleKeys(device.device) else {
            throw await refused(ServerError(.deviceKey, "device \(device.device) has no bundle key registered here: that laptop must log in once over the network with this version of doudi (doudi login), then export again"), org: device.org)
        }
        let serverKeys = try await self.serverKeys.current()
        let payload: Data
        do throws(BundleError) {
            try bundle.verify(signedBy: try keys.signingKey())
            payload = try bundle.open(with: serverKeys.agreement)
        } catch {
            throw await refused(Self.refusal(error), org: device.org)
        }
        let body: BundleRequest
        do throws(BundleError) { body = try BundleRequest(reading: payload) } catch { throw await refused(Self.refusal(error), org: device.org) }
        // a laptop older than the oldest version answered gets no reply it could not read (§4)
        do { try VersionProbe(protocolVersion: body.protocolVersion).check(oldest: sync.oldestProtocolVersion) } catch let error as ServerError {
            throw await refused(ServerError(.bundleVersion, error.message), org: device.org)
        }
        guard body.device == device.device else {
            throw await refused(ServerError(.bundleMalformed, "the bundle's payload names device \(body.device), its header \(device.device)"), org: device.org)
        }
        // every change set must have an id before anything is admitted: an answer names its change set
        for (i, entry) in body.changeSets.enumerated() {
            if case .unreadable(nil, _, let problem) = entry {
                throw await refused(ServerError(.malformedRequest, "changeSets[\(i)] has no readable id, so it cannot be acknowledged: \(problem)"), org: device.org)
            }
        }
        // an older bundle than one received already is not applied: what it carried went with the
        // newer one, or was answered since — and a change set given up on the laptop since must
        // not come back from an old file
        if case .stale(let newerAt) = try await store.admitBundle(device: device.device, id: header.id, createdAt: header.createdAt) {
            let when = Date(timeIntervalSince1970: Double(newerAt) / 1000).formatted(.iso8601)
            throw await refused(ServerError(.bundleStale, "device \(device.device) sent a newer bundle (made \(when)) that this server received already: this older one is not applied; carry the laptop's newest bundle (upload that one again if it did not go through)"), org: device.org)
        }
        // no count limit as for a push: the body is bounded in bytes (http.maxBodyBytes), the ledger
        // applies it in slices, and a laptop's backlog of weeks must fit in one bundle

        // the change sets as that device and its user pushed them: the same ledger, the same answers
        let caller = LedgerCaller(actor: user.actor, device: device.device)
        let acknowledgements = try await SyncController.apply(body.changeSets.map(IncomingChangeSet.init), ledger: ledger, by: caller)
        try await store.notePush(device: device.device, at: clock.nowSeconds)

        // what the device's scope gained since its cursor, as far as one reply carries
        var pages: [PullPageJSON] = []
        var fromCursor = body.cursor, reset = false
        var cursor = body.cursor, bytes = 0, records = 0, conflicts = 0
        let pageBytes = min(sync.maxPullBytes, Self.maxPageBytes)
        while true {
            let page: PullPageJSON
            do {
                page = try await ledger.pull(scope: user.org, after: cursor, limit: sync.maxPullLimit, maxBytes: pageBytes,
                                             protocolVersion: body.protocolVersion)
            } catch let error as LedgerError where error.code == .badParameter && pages.isEmpty && !reset {
                // the server was restored from a backup: the laptop starts again from 0, as a sync does (§9.1)
                context.logger.notice("bundle cursor ahead of the server: the reply starts from 0", metadata: metadata.merging(["cursor": "\(body.cursor)"]) { $1 })
                reset = true; fromCursor = 0; cursor = 0
                continue
            }
            pages.append(page)
            bytes += page.json.count; records += page.records; conflicts += page.conflicts
            cursor = page.cursor
            if !page.hasMore || bytes + pageBytes > Self.maxReplyPageBytes { break }
        }
        let units = try await store.orgUnits()
        let replyPayload = try BundleReply.payload(device: device.device, inReplyTo: header.id, acknowledgements: acknowledgements,
                                                   fromCursor: fromCursor, pages: pages, orgUnits: units, reset: reset,
                                                   protocolVersion: body.protocolVersion)
        let replyHeader = BundleHeader(kind: .reply, device: device.device, createdAt: clock.nowMillis(), inReplyTo: header.id,
                                       signer: serverKeys.publicKeys.signing, recipient: keys.agreement, protocolVersion: body.protocolVersion)
        let reply: Data
        do throws(BundleError) {
            reply = try SealedBundle.seal(replyPayload, header: replyHeader, signedBy: serverKeys, to: try keys.agreementKey())
        } catch {
            throw ServerError(.internal, "the reply bundle could not be sealed: \(error.message)")
        }

        var counts = (accepted: 0, withConflicts: 0, rejected: 0)
        for ack in acknowledgements {
            switch ack.status {
            case .accepted: counts.accepted += 1
            case .acceptedWithConflicts: counts.withConflicts += 1
            case .rejected: counts.rejected += 1
            }
        }
        let hasMore = pages.last?.hasMore ?? false
        metadata["changeSets"] = "\(acknowledgements.count)"
        metadata["records"] = "\(records)"
        context.logger.info("bundle applied", metadata: metadata)
        await audit.record(.bundleApplied, user: device.user, org: device.org, device: device.device, actor: identity.actor.user,
                           detail: "bundle \(header.id): \(acknowledgements.count) change sets (\(counts.accepted + counts.withConflicts) accepted, \(counts.rejected) rejected); reply \(replyHeader.id) with \(records) records", logger: context.logger)
        return try WireJSON.response(BundleUploadResponse(
            reply: reply.base64EncodedString(), replyID: replyHeader.id, device: device.device, changeSets: acknowledgements.count,
            accepted: counts.accepted, acceptedWithConflicts: counts.withConflicts, rejected: counts.rejected,
            records: records, conflicts: conflicts, hasMore: hasMore), compressingFor: request)
    }

    /// A bundle refusal as the server answers it (400 with the bundle's code).
    static func refusal(_ error: BundleError) -> ServerError {
        ServerError(ServerError.Code(rawValue: error.code.rawValue), error.message)
    }
}

extension IncomingChangeSet {
    /// A change set as ``PushBody`` read it.
    init(_ entry: PushBody.Entry) {
        switch entry {
        case .readable(let changeSet): self = .readable(changeSet)
        case .unreadable(let id, let version, let problem): self = .unreadable(id: id, protocolVersion: version, problem: problem)
        }
    }
}
