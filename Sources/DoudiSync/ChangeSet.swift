import DoudiModel
import Foundation

/// One user action as it travels: every record it wrote, field by field, with
/// a clock stamp per field and the version each field had before.
///
/// A change set is applied atomically everywhere and identified by its ``id``,
/// so a retry never applies it twice. ``sequence`` numbers a device's change
/// sets 1, 2, 3 … without gaps.
public struct ChangeSet: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var protocolVersion: Int
    /// The device that made it.
    public var device: String
    /// Per-device sequence number, from 1.
    public var sequence: Int64
    /// Who acted, in which role and where.
    public var author: Actor
    /// What the user did, e.g. `household.register` (for history and audit).
    public var action: String
    /// When (the device's hybrid-logical-clock stamp for the whole action).
    public var stamp: HLCStamp
    public var changes: [Change]
    /// Conflicts this change set resolves (a resolution is a change set like any other).
    public var resolves: [UUID]
    /// The person's note on the resolution (or on the action), if any.
    public var note: String?

    public init(id: UUID, device: String, sequence: Int64, author: Actor, action: String, stamp: HLCStamp, changes: [Change], resolves: [UUID] = [], note: String? = nil) {
        self.id = id; self.protocolVersion = DoudiSync.protocolVersion; self.device = device; self.sequence = sequence
        self.author = author; self.action = action; self.stamp = stamp; self.changes = changes; self.resolves = resolves
        self.note = note
    }

    enum CodingKeys: String, CodingKey { case id, protocolVersion, device, sequence, author, action, stamp, changes, resolves, note }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        protocolVersion = try c.decode(Int.self, forKey: .protocolVersion)
        guard readableProtocolVersions.contains(protocolVersion) else {
            throw DecodingError.dataCorruptedError(forKey: .protocolVersion, in: c, debugDescription: ProtocolVersionText.notSpoken(protocolVersion))
        }
        id = try c.decode(UUID.self, forKey: .id)
        device = try c.decode(String.self, forKey: .device)
        sequence = try c.decode(Int64.self, forKey: .sequence)
        author = try c.decode(Actor.self, forKey: .author)
        action = try c.decode(String.self, forKey: .action)
        stamp = try c.decode(HLCStamp.self, forKey: .stamp)
        changes = try c.decode([Change].self, forKey: .changes)
        resolves = try c.decodeIfPresent([UUID].self, forKey: .resolves) ?? []
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}

/// What a change does to its record.
public enum ChangeOperation: String, Hashable, Sendable, Codable {
    /// A new record: every field is given.
    case create
    /// Some fields of an existing record change.
    case update
    /// The record is voided with a reason (never deleted).
    case void
    /// A voided record is restored (恢复): `voidReason` becomes null (a household's `status`
    /// active again); the reason is the change set's `note`.
    case restore
}

/// The change to one record within a change set.
public struct Change: Hashable, Sendable, Codable {
    public var entity: EntityKind
    public var record: UUID
    public var operation: ChangeOperation
    /// The village the record belongs to, for scoping pulls and pushes.
    public var village: OrgCode
    /// The household it belongs to, if any.
    public var household: UUID?
    public var fields: [FieldChange]
    /// For an update or a void: the latest stamp of any field of the record as the
    /// author's device held it. Edits stamped later were made without the author
    /// seeing them (a void must not silently beat them).
    public var base: HLCStamp?

    public init(entity: EntityKind, record: UUID, operation: ChangeOperation, village: OrgCode, household: UUID?,
                fields: [FieldChange], base: HLCStamp? = nil) {
        self.entity = entity; self.record = record; self.operation = operation; self.village = village
        self.household = household; self.fields = fields; self.base = base
    }
}

/// A new value of one field, its stamp, and the version it replaces (the base
/// a concurrent edit is judged against).
public struct FieldChange: Hashable, Sendable, Codable {
    public var name: String
    public var value: JSONValue
    public var stamp: HLCStamp
    /// The field's value and stamp before this change; `nil` for a new record.
    public var previous: FieldVersion?

    public init(name: String, value: JSONValue, stamp: HLCStamp, previous: FieldVersion?) {
        self.name = name; self.value = value; self.stamp = stamp; self.previous = previous
    }
}

/// A value of a field as of a stamp.
public struct FieldVersion: Hashable, Sendable, Codable {
    public var value: JSONValue
    public var stamp: HLCStamp
    public init(value: JSONValue, stamp: HLCStamp) { self.value = value; self.stamp = stamp }
}
