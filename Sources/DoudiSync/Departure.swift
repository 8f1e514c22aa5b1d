import DoudiModel
import Foundation

/// A record that left a scope: its household moved to a village outside it (`Protocol/SPEC.md` §9.7).
///
/// When a household's village changes, the merge moves every record of the household with it
/// (``MergeEngine``) and names each one, the household too, as a departure from the old
/// village. A pull of a scope that holds the old village but not the new one carries the
/// departures, and the laptop removes those records.
public struct Departure: Hashable, Sendable, Codable {
    public var entity: EntityKind
    public var record: UUID
    /// The village the record was kept under.
    public var from: OrgCode
    /// The village it is kept under now.
    public var to: OrgCode

    public init(entity: EntityKind, record: UUID, from: OrgCode, to: OrgCode) {
        self.entity = entity; self.record = record; self.from = from; self.to = to
    }

    /// What a pull carries: the record, not where it went (that is not the old scope's business).
    public var departed: DepartedRecord { DepartedRecord(entity: entity, record: record) }
}

/// A departure as a pull page carries it: the record that left, not where it went.
public struct DepartedRecord: Hashable, Sendable, Codable {
    public var entity: EntityKind
    public var record: UUID
    public init(entity: EntityKind, record: UUID) { self.entity = entity; self.record = record }

    /// Reads `{"entity": …, "record": …}`.
    ///
    /// - Throws: ``WireError`` naming what is missing.
    public init(wire value: JSONValue) throws {
        guard case .object(let o) = value, case .string(let e) = o["entity"] ?? .null, let entity = EntityKind(rawValue: e) else {
            throw WireError("entity is missing or unknown")
        }
        guard case .string(let r) = o["record"] ?? .null, let record = UUID(uuidString: r) else { throw WireError("record is not a UUID") }
        self.init(entity: entity, record: record)
    }

    public var jsonValue: JSONValue { .object(["entity": .string(entity.rawValue), "record": .string(record.uuidString)]) }
}
