import DoudiModel
import Foundation

// The wire form of a change set built directly as a JSONValue: the field store writes
// one per user action, and going through JSONEncoder cost more than the SQLite writes.
// `ChangeSetCodingTests` checks that it equals the Codable form exactly.

extension HLCStamp {
    /// `{"counter":…,"node":…,"wallMillis":…}`
    public var jsonValue: JSONValue { .object(["wallMillis": .int(wallMillis), "counter": .int(Int64(counter)), "node": .string(node)]) }
}

extension Actor {
    /// `{"org":…,"role":…,"user":…}`
    public var jsonValue: JSONValue { .object(["user": .string(user), "role": .string(role.rawValue), "org": .string(org.value)]) }
}

extension FieldChange {
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name), "value": value, "stamp": stamp.jsonValue]
        if let previous { o["previous"] = .object(["value": previous.value, "stamp": previous.stamp.jsonValue]) }
        return .object(o)
    }
}

extension Change {
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "entity": .string(entity.rawValue), "record": .string(record.uuidString), "operation": .string(operation.rawValue),
            "village": .string(village.value), "fields": .array(fields.map(\.jsonValue)),
        ]
        if let household { o["household"] = .string(household.uuidString) }
        if let base { o["base"] = base.jsonValue }
        return .object(o)
    }
}

extension ChangeSet {
    /// The change set as JSON, identical to its `Codable` encoding.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id.uuidString), "protocolVersion": .int(Int64(protocolVersion)), "device": .string(device),
            "sequence": .int(sequence), "author": author.jsonValue, "action": .string(action), "stamp": stamp.jsonValue,
            "changes": .array(changes.map(\.jsonValue)), "resolves": .array(resolves.map { .string($0.uuidString) }),
        ]
        if let note { o["note"] = .string(note) }
        return .object(o)
    }
}
