import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// A store restored from a backup, until its first sync has re-based it.
public struct Restoration: Hashable, Sendable {
    /// Milliseconds since 1970 of the restore.
    public var restoredAt: Int64
    /// The backup file restored from.
    public var source: String
    /// Change sets numbered from here on were made after the restore.
    public var firstSequence: Int64
    /// When the first sync re-based the numbering (milliseconds since 1970); nil until then.
    public var rebasedAt: Int64?
    /// The highest sequence the server had accepted from this device, as it said then.
    public var serverHighestSequence: Int64?
}

/// What the re-base of a restored store did before its first push.
public struct RestoredRebase: Sendable, Codable, Hashable {
    /// The highest sequence the server had accepted from this device; nil when the server
    /// could not say (an older server): collisions are then re-made as the server reports them.
    public var serverHighestSequence: Int64?
    /// Change sets made after the restore, renumbered past the server's highest.
    public var renumbered: Int
    /// The device's next sequence number afterwards.
    public var nextSequence: Int64
}

extension FieldStore {
    /// The restore this store is waiting to re-base with the server, if any.
    public func pendingRestoration() throws -> Restoration? {
        try database.writer.read { db in try Self.restoration(db).flatMap { $0.rebasedAt == nil ? $0 : nil } }
    }

    /// The last restore of this store, re-based or not.
    public func lastRestoration() throws -> Restoration? {
        try database.writer.read { db in try Self.restoration(db) }
    }

    static func restoration(_ db: Database) throws -> Restoration? {
        try Row.fetchOne(db, sql: "SELECT * FROM restoration WHERE id = 1").map { row in
            Restoration(restoredAt: row["restoredAt"], source: row["source"], firstSequence: row["firstSequence"],
                        rebasedAt: row["rebasedAt"], serverHighestSequence: row["serverHighestSequence"])
        }
    }

    /// Re-bases a restored store's numbering on what the server has (SPEC §8.6), before it pushes.
    ///
    /// The change sets made since the restore were never pushed from anywhere: they are
    /// renumbered, in order, past the highest sequence the server accepted from this device
    /// (keeping their ids and stamps), and the device's next number moves past them. The change
    /// sets that were already waiting in the backup keep their numbers: the server may have them
    /// (pushed before the loss) and acknowledges them as duplicates; one whose number another
    /// change set took is re-made when the server says so (``rebase(_:reason:_:)``).
    ///
    /// - Parameter serverHighest: the server's answer to `GET /v1/device`, nil when it could not say.
    func rebaseRestored(serverHighest: Int64?) throws -> RestoredRebase? {
        try database.writer.write { db in
            guard let restoration = try Self.restoration(db), restoration.rebasedAt == nil,
                  var device = try Device.fetchOne(db) else { return nil }
            var renumbered = 0
            if let serverHighest, serverHighest >= restoration.firstSequence {
                let offset = serverHighest + 1 - restoration.firstSequence
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, sequence, body FROM changeSet WHERE device = ? AND sequence >= ? AND state = 'pending' ORDER BY sequence DESC
                    """, arguments: [device.id, restoration.firstSequence])
                for row in rows {
                    var changeSet = try storedChangeSet(body: row["body"])
                    changeSet.sequence += offset
                    try db.execute(sql: "UPDATE changeSet SET sequence = ?, body = ? WHERE id = ?",
                                   arguments: [changeSet.sequence, try storedBody(of: changeSet), changeSet.id.uuidString])
                    renumbered += 1
                }
                device.nextSequence = max(device.nextSequence + offset, serverHighest + 1)
                try device.update(db)
            }
            try db.execute(sql: "UPDATE restoration SET rebasedAt = ?, serverHighestSequence = ? WHERE id = 1",
                           arguments: [now(), serverHighest])
            return RestoredRebase(serverHighestSequence: serverHighest, renumbered: renumbered, nextSequence: device.nextSequence)
        }
    }

    /// Re-makes a change set whose sequence number the server says another change set of this
    /// device already has (`sequence`: the store was restored from a copy, or another copy of
    /// it pushed): **a new change set** with a new id, a new stamp and the device's next
    /// sequence, the same changes; its effects here stay. The old one is kept, marked
    /// "re-based as …". Not a failure for the user: the action is not lost, only renumbered.
    ///
    /// - Returns: the new change set, pending.
    func rebase(_ id: UUID, reason: String, _ db: Database) throws -> ChangeSet? {
        // only a change set still waiting: one answered (or re-based) already is not made again
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM changeSet WHERE id = ? AND state = 'pending'", arguments: [id.uuidString]),
              var device = try Device.fetchOne(db) else { return nil }
        let old = try storedChangeSet(body: body)
        var clock = HybridLogicalClock(last: HLCStamp(text: device.clock) ?? HLCStamp(wallMillis: 0, counter: 0, node: device.id))
        let stamp = clock.tick(now: now())
        let changes = old.changes.map { change in
            var change = change
            change.fields = change.fields.map { FieldChange(name: $0.name, value: $0.value, stamp: stamp, previous: $0.previous) }
            return change
        }
        let new = ChangeSet(id: makeID(), device: device.id, sequence: device.nextSequence, author: device.actor, action: old.action,
                            stamp: stamp, changes: changes, resolves: old.resolves, note: old.note)
        try insertPending(new, db)
        // the records here carry the new stamp, and their history the new change set
        for change in old.changes {
            try db.execute(sql: "UPDATE fieldStamp SET stamp = ? WHERE entity = ? AND record = ? AND stamp = ?",
                           arguments: [stamp.text, change.entity.rawValue, change.record.uuidString, old.stamp.text])
        }
        try db.execute(sql: "UPDATE history SET changeSet = ?, stamp = ? WHERE changeSet = ?",
                       arguments: [new.id.uuidString, stamp.text, old.id.uuidString])
        try db.execute(sql: "UPDATE changeSet SET state = 'superseded', reason = ?, resolution = ?, supersededBy = ? WHERE id = ?",
                       arguments: [reason, "re-based as #\(new.sequence) (\(Self.shortID(new.id)))", new.id.uuidString, id.uuidString])
        device.nextSequence += 1
        device.clock = clock.last.text
        try device.update(db)
        return new
    }
}
