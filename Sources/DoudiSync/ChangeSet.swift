import DoudiModel
import Foundation

/// The version of the sync protocol this code speaks (see `Protocol/SPEC.md`).
public let protocolVersion = 1

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

    public init(id: UUID, device: String, sequence: Int64, author: Actor, action: String, stamp: HLCStamp, changes: [Change]) {
        self.id = id; self.protocolVersion = DoudiSync.protocolVersion; self.device = device; self.sequence = sequence
        self.author = author; self.action = action; self.stamp = stamp; self.changes = changes
    }
}

/// The kinds of record that sync.
public enum EntityKind: String, Hashable, Sendable, Codable, CaseIterable {
    case household, member, obligor, visit, survey, application, workflow, decision, enrolment, payment, reserveFundEntry, policyVersion

    /// 户, 成员 … for history listings.
    public var chineseName: String {
        switch self {
        case .household: "家庭"
        case .member: "家庭成员"
        case .obligor: "赡养(抚养、扶养)义务人"
        case .visit: "入户调查"
        case .survey: "家庭经济状况调查"
        case .application: "申请"
        case .workflow: "审核审批流程"
        case .decision: "审批决定"
        case .enrolment: "保障"
        case .payment: "发放"
        case .reserveFundEntry: "备用金"
        case .policyVersion: "政策标准"
        }
    }

    /// Append-only kinds: each record is written once and never edited (only voided).
    public var isAppendOnly: Bool {
        switch self {
        case .visit, .survey, .decision, .payment, .reserveFundEntry: true
        default: false
        }
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

    public init(entity: EntityKind, record: UUID, operation: ChangeOperation, village: OrgCode, household: UUID?, fields: [FieldChange]) {
        self.entity = entity; self.record = record; self.operation = operation; self.village = village
        self.household = household; self.fields = fields
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
