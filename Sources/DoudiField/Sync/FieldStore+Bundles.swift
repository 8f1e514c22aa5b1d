import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension FieldError.Code {
    /// A bundle this store cannot make, or will not apply (Protocol/SPEC.md §15).
    public static let bundle = FieldError.Code(rawValue: "bundle")
}

/// A request bundle made by ``FieldStore/exportBundle()``: the file to carry to the town.
public struct ExportedBundle: Sendable {
    public var id: UUID
    /// The bundle file's bytes (signed by this device, sealed to the server).
    public var file: Data
    /// A file name for it: `doudi-DEVICE-YYYYMMDD-HHMMSS-ID8.bundle`.
    public var fileName: String
    /// Change sets in it, and pending ones left for the next bundle (one bundle carries at most
    /// ``FieldStore/maxBundlePayloadBytes``).
    public var changeSets: Int
    public var left: Int
    /// The pull cursor it carries: the reply brings what changed after it.
    public var cursor: Int64
    public var createdAt: Int64
}

/// What ``FieldStore/importBundle(_:)`` applied from a reply bundle.
public struct BundleImportReport: Sendable, Codable, Hashable {
    public var reply: UUID
    public var inReplyTo: UUID
    /// Acknowledgements of change sets still waiting here, by outcome.
    public var accepted = 0
    public var acceptedWithConflicts = 0
    public var rejected: [SyncClient.Rejected] = []
    public var retrying = 0
    public var rebased = 0
    /// Acknowledgements of change sets already answered here (by a sync or another reply): left as they are.
    public var alreadyAnswered = 0
    public var pulledRecords = 0
    public var pulledConflicts = 0
    /// Records of the reply left as they are here because change sets of this laptop not yet
    /// sent change them; they come again with the next bundle or sync.
    public var heldRecords = 0
    /// The reply's records were not applied: this store moved on since the bundle was made
    /// (it synced, or applied a later reply); the next bundle or sync brings what it lacks.
    public var pagesSkipped = false
    /// More changed than one reply carries: carry another bundle (or sync).
    public var hasMore = false
    public var cursor: Int64 = 0
}

/// One line of the bundle log (`doudi bundle list`).
public struct BundleLogEntry: Sendable, Codable, Hashable {
    public enum Direction: String, Sendable, Codable { case out, `in` }
    public var id: UUID
    public var direction: Direction
    public var createdAt: Int64
    public var inReplyTo: UUID?
    public var cursor: Int64
    public var changeSets: Int
    public var records: Int
    /// When a reply was applied here.
    public var appliedAt: Int64?
    /// For a request: the reply applied for it, once one was.
    public var answeredBy: UUID?
}

extension FieldStore {
    /// Most bytes of change sets one request bundle carries (the server takes 32 MiB bodies by default).
    public static let maxBundlePayloadBytes = 24 * 1024 * 1024

    /// This device's bundle keys, made (and kept sealed in the store) the first time they are asked for.
    ///
    /// - Throws: ``FieldError`` `locked` while the store is locked; `damaged` when the kept keys do not open.
    public func bundleKeys() throws -> BundlePrivateKeys {
        let keys = try requireKeys()
        return try database.writer.write { db in
            if let sealed = try String.fetchOne(db, sql: "SELECT bundleKeys FROM device") {
                let text = try keys.open(sealed, blob: .deviceBundleKeys)
                do throws(BundleError) { return try BundlePrivateKeys(storedText: text) } catch {
                    throw FieldError(.damaged, "this device's bundle keys cannot be read (\(error.message)): restore the store from a backup")
                }
            }
            guard try Device.fetchOne(db) != nil else {
                throw FieldError(.notInitialised, "this store is not set up: run `doudi init` first")
            }
            let made = BundlePrivateKeys.generate()
            try db.execute(sql: "UPDATE device SET bundleKeys = ?", arguments: [keys.seal(made.storedText, blob: .deviceBundleKeys)])
            return made
        }
    }

    /// Keeps bundle keys made before the store was set up (`doudi init --server` registers them
    /// at its first login, before the store exists), and the server's keys that login answered.
    ///
    /// - Throws: ``FieldError`` `bundle` when the store has bundle keys already; `locked`.
    public func adoptBundleKeys(_ made: BundlePrivateKeys, server: BundlePublicKeys?) throws {
        let keys = try requireKeys()
        try database.writer.write { db in
            guard try String.fetchOne(db, sql: "SELECT bundleKeys FROM device") == nil else {
                throw FieldError(.bundle, "this store has bundle keys already: a device keeps the keys it registered first")
            }
            try db.execute(sql: "UPDATE device SET bundleKeys = ?", arguments: [keys.seal(made.storedText, blob: .deviceBundleKeys)])
        }
        if let server { try saveServerBundleKeys(server) }
    }

    /// The server's bundle keys, as its last login gave them after registering this device's.
    public func serverBundleKeys() throws -> BundlePublicKeys? {
        try database.writer.read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT serverKeys FROM syncState") else { return nil }
            return try? JSONDecoder().decode(BundlePublicKeys.self, from: Data(text.utf8))
        }
    }

    /// Forgets the server's bundle keys: the server has other keys for this device, so its
    /// bundles would be refused (export says what to do).
    func forgetServerBundleKeys() throws {
        try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET serverKeys = NULL") }
    }

    /// Keeps the server's bundle keys after a login that registered this device's.
    func saveServerBundleKeys(_ keys: BundlePublicKeys) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(keys), as: UTF8.self)
        try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET serverKeys = ?", arguments: [text]) }
    }

    /// Makes a request bundle of the outbox's pending change sets (oldest first, as many as
    /// ``maxBundlePayloadBytes`` hold) and the pull cursor, signed with this device's key and
    /// sealed to the server's. The change sets stay pending until a reply (or a sync) answers
    /// them, so a bundle that is lost loses nothing: export again.
    ///
    /// - Throws: ``FieldError`` `bundle` when the store has not logged in with this version
    ///   (no server key), or was restored from a backup and must sync over the network first;
    ///   `locked` while the store is locked.
    /// - Parameter deliver: writes the bundle where it goes (the stick); the bundle is noted as
    ///   made only once it returns, so a bundle that could not be written leaves no trace.
    public func exportBundle(deliver: (ExportedBundle) throws -> Void = { _ in }) throws -> ExportedBundle {
        guard let state = try syncState(), let server = try serverBundleKeys() else {
            throw FieldError(.bundle, "this store has no key of the server to seal a bundle to: sync (or log in) once over the network with this version of doudi, then export. If it still says so, the server has other keys for this device (a store restored from a backup older than its keys, or set up again under the same id): ask the district to re-assign the device (doudi admin device assign), then sync once")
        }
        if try pendingRestoration() != nil {
            throw FieldError(.bundle, "this store was restored from a backup: sync over the network once (doudi sync) so its change sets are numbered past what the server has, then carry bundles")
        }
        let recipient: BundlePublicKeys = server
        let device = try device()
        let keys = try bundleKeys()
        let pending = try pendingChangeSets(limit: Int.max)
        // each change set written once: measured, then carried as written
        var taken: [String] = []
        var bytes = 0
        for changeSet in pending {
            let text = changeSet.jsonValue.canonicalText
            if !taken.isEmpty, bytes + text.utf8.count > Self.maxBundlePayloadBytes { break }
            taken.append(text); bytes += text.utf8.count
        }
        // never before this store's previous bundle, whatever the clock did since: the server
        // refuses a bundle older than one of the device it applied (bundle-stale)
        let previous = try database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT max(createdAt) FROM bundle WHERE direction = 'out'") }
        let createdAt = max(now(), (previous ?? 0) + 1)
        let payload = BundleRequest.payload(device: device.id, cursor: state.cursor, changeSetTexts: taken)
        let header = BundleHeader(kind: .request, id: makeID(), device: device.id, createdAt: createdAt,
                                  signer: keys.publicKeys.signing, recipient: recipient.agreement)
        let file = try Self.reading { () throws(BundleError) in
            try SealedBundle.seal(payload, header: header, signedBy: keys, to: try recipient.agreementKey())
        }
        let exported = ExportedBundle(id: header.id, file: file, fileName: Self.bundleFileName(device: device.id, at: createdAt, id: header.id),
                                      changeSets: taken.count, left: pending.count - taken.count, cursor: state.cursor, createdAt: createdAt)
        try deliver(exported)
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO bundle(id, direction, createdAt, cursor, changeSets, lastSequence) VALUES (?, 'out', ?, ?, ?, ?)",
                           arguments: [header.id.uuidString, createdAt, state.cursor, taken.count, device.nextSequence - 1])
        }
        return exported
    }

    /// `doudi-DEVICE-YYYYMMDD-HHMMSS-ID8.bundle`, the time in the laptop's time zone; `prefix`
    /// `doudi-reply` for replies.
    public static func bundleFileName(device: String, at millis: Int64, id: UUID, prefix: String = "doudi") -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let safe = String(device.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return "\(prefix)-\(safe)-\(formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000)))-\(id.uuidString.prefix(8).lowercased()).bundle"
    }

    /// Applies a reply bundle the server made for a bundle of this store's, as a sync would:
    /// the acknowledgements (change sets accepted, set aside, re-made), then the records the
    /// scope gained, then the district's org units — all in one transaction, so an import that
    /// stops half-way leaves nothing and another command (a sync) waits for it. Checked whole
    /// first — made by this store's server (its signature), sealed to this device, answering a
    /// bundle this store made, not applied before — and refused with nothing changed otherwise.
    ///
    /// An acknowledgement of a change set already answered here (a sync got there first) is left
    /// alone. The records (and org units) are applied only when the store is where the bundle left
    /// it: the same cursor, and no reply applied since it was made (a reply of a server restored
    /// from a backup starts again from 0). Records that change sets of this laptop would change —
    /// still waiting, or made after the bundle left and accepted since — are held back, and the
    /// cursor set short of them, so no edit made on the laptop meanwhile is overwritten by an
    /// older version; they come again with the next bundle or sync.
    ///
    /// - Throws: ``FieldError`` `bundle` saying why the file is refused; `locked`.
    public func importBundle(_ file: Data) throws -> BundleImportReport {
        let bundle = try Self.reading { () throws(BundleError) in try SealedBundle(reading: file) }
        let header = bundle.header
        let device = try device()
        guard header.kind == .reply else {
            throw FieldError(.bundle, "this is a bundle a laptop sends (made by device \(header.device)), not a reply: carry it to the town, where `doudi bundle upload` sends it to the server")
        }
        guard header.device == device.id else {
            throw FieldError(.bundle, "this reply is for device \(header.device), not this laptop (\(device.id)): carry it to that laptop; nothing was changed")
        }
        guard let server = try serverBundleKeys() else {
            throw FieldError(.bundle, "this store has no key of the server to check the reply with: sync (or log in) once over the network")
        }
        let agreement = try bundleKeys().agreement
        let reply = try Self.reading { () throws(BundleError) in
            try bundle.verify(signedBy: try server.signingKey())
            return try BundleReply(reading: try bundle.open(with: agreement))
        }
        guard reply.device == device.id, let answered = header.inReplyTo, reply.inReplyTo == answered else {
            throw FieldError(.bundle, "the reply's contents do not match its header (device or request): nothing was changed")
        }
        let keys = try requireKeys()
        return try database.writer.write { db in
            if let applied = try Int64.fetchOne(db, sql: "SELECT appliedAt FROM bundle WHERE id = ? AND direction = 'in'", arguments: [header.id.uuidString]) {
                throw FieldError(.bundle, "this reply was applied already, on \(Self.isoTime(applied)): nothing was changed (a reply is applied once)")
            }
            guard let request = try Row.fetchOne(db, sql: "SELECT cursor, lastSequence FROM bundle WHERE id = ? AND direction = 'out'",
                                                 arguments: [answered.uuidString]) else {
                throw FieldError(.bundle, "this reply answers bundle \(answered.uuidString.prefix(8).lowercased()), which this store did not make (restored from an older backup?): nothing was changed")
            }
            let exportedAt: Int64 = request["cursor"]
            let exportedUpTo: Int64 = request["lastSequence"] ?? Int64.max
            let storeCursor = try Int64.fetchOne(db, sql: "SELECT cursor FROM syncState") ?? 0
            // a reply applied after the bundle was made: its records may be newer than this reply's
            // while the cursor stayed (records held back), so this one's would put older versions back
            let replySince = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM bundle WHERE direction = 'in' AND rowid > (SELECT rowid FROM bundle WHERE id = ? AND direction = 'out')
                """, arguments: [answered.uuidString]) ?? false

            var report = BundleImportReport(reply: header.id, inReplyTo: answered)
            // only what still waits here: a sync (or another reply) may have answered the rest
            let waiting = try pendingChangeSets(db)
            let sent = Dictionary(waiting.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let acknowledgements = reply.acknowledgements.filter { sent[$0.changeSet] != nil }
            report.alreadyAnswered = reply.acknowledgements.count - acknowledgements.count
            let outcome = try record(acknowledgements, countRetry: true, db)
            for ack in acknowledgements {
                switch ack.status {
                case .accepted: report.accepted += 1
                case .acceptedWithConflicts: report.acceptedWithConflicts += 1
                case .rejected: break
                }
            }
            report.rejected = outcome.setAside.map {
                SyncClient.Rejected(changeSet: $0.id, sequence: sent[$0.id]?.sequence ?? 0, action: sent[$0.id]?.action ?? "?", code: $0.code, message: $0.message)
            }
            report.retrying = outcome.retrying.count
            report.rebased = outcome.rebased.count

            // the records, where the store still stands where the bundle left it
            var cursor = storeCursor
            // the store still stands where the bundle left it: its cursor (a sync since moved it, or
            // reset it after a server restore) and no reply applied since
            if storeCursor == exportedAt, reply.fromCursor == exportedAt || reply.reset, !replySince {
                var held = Set(try pendingChangeSets(db).flatMap { $0.changes.map(\.record) })
                // made after the bundle left and already accepted (a brief link pushed them): the
                // reply may hold an older version of what they changed
                for body in try String.fetchAll(db, sql: "SELECT body FROM changeSet WHERE state = 'accepted' AND sequence > ?", arguments: [exportedUpTo]) {
                    held.formUnion(try storedChangeSet(body: body).changes.map(\.record))
                }
                var heldBack: Int64?
                for page in reply.pages {
                    if let skipped = try apply(page, holding: held, movingCursor: false, keys: keys, db) { heldBack = min(heldBack ?? skipped, skipped) }
                    let kept = page.records.filter { held.contains($0.record) }.count
                    report.heldRecords += kept
                    report.pulledRecords += page.records.count - kept
                    report.pulledConflicts += page.conflicts.count
                }
                cursor = heldBack.map { min(reply.cursor, max(reply.fromCursor, $0 - 1)) } ?? reply.cursor
                report.hasMore = reply.hasMore
                if !reply.orgUnits.isEmpty { try Self.saveOrgUnits(reply.orgUnits, db) }
                try db.execute(sql: "UPDATE syncState SET cursor = ?", arguments: [cursor])
            } else {
                report.pagesSkipped = true
            }
            try db.execute(sql: """
                INSERT INTO bundle(id, direction, createdAt, inReplyTo, cursor, changeSets, records, appliedAt) VALUES (?, 'in', ?, ?, ?, ?, ?, ?)
                """, arguments: [header.id.uuidString, header.createdAt, answered.uuidString, cursor, reply.acknowledgements.count,
                                 report.pulledRecords, now()])
            try db.execute(sql: "UPDATE bundle SET answeredBy = COALESCE(answeredBy, ?) WHERE id = ? AND direction = 'out'",
                           arguments: [header.id.uuidString, answered.uuidString])
            report.cursor = cursor
            return report
        }
    }

    /// The bundles this store made and the replies it applied, newest first.
    public func bundleLog() throws -> [BundleLogEntry] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bundle ORDER BY createdAt DESC, direction").map { row in
                BundleLogEntry(id: try StoredValue.uuid(row["id"], "bundle"), direction: BundleLogEntry.Direction(rawValue: row["direction"]) ?? .out,
                               createdAt: row["createdAt"], inReplyTo: (row["inReplyTo"] as String?).flatMap(UUID.init(uuidString:)),
                               cursor: row["cursor"], changeSets: row["changeSets"], records: row["records"], appliedAt: row["appliedAt"],
                               answeredBy: (row["answeredBy"] as String?).flatMap(UUID.init(uuidString:)))
            }
        }
    }

    /// What `body` answers, a bundle error said for the cadre (``refusal(_:)``).
    static func reading<T>(_ body: () throws(BundleError) -> T) throws(FieldError) -> T {
        do { return try body() } catch { throw refusal(error) }
    }

    /// A bundle refused, said for the cadre.
    static func refusal(_ error: BundleError) -> FieldError {
        switch error.code {
        case .signature: FieldError(.bundle, "\(error.message). The file was changed, or is not from this store's server (or the server's keys changed: sync once over the network); ask the town for the reply again")
        case .recipient: FieldError(.bundle, "\(error.message); nothing was changed")
        default: FieldError(.bundle, "\(error.message); nothing was changed")
        }
    }
}
