import DoudiModel
import Foundation

// Reading change sets straight from parsed JSON, and writing record versions and
// acknowledgements straight to JSON, without `Codable`: the server's push path reads every
// change set and writes every record it merges. A value that does not have exactly the
// expected shape is answered `nil` here, so the caller can fall back to `Codable` for the
// precise message. `ChangeSetCodingTests` checks both forms agree.

extension ChangeSet {
    /// A change set from its wire JSON; `nil` when anything is missing or malformed.
    public init?(wire value: JSONValue) {
        guard case .object(let o) = value, case .int(let version) = o["protocolVersion"] ?? .null, version == Int64(DoudiSync.protocolVersion),
              case .string(let idText) = o["id"] ?? .null, let id = UUID(uuidString: idText),
              case .string(let device) = o["device"] ?? .null, case .int(let sequence) = o["sequence"] ?? .null,
              let author = Actor(wire: o["author"] ?? .null), case .string(let action) = o["action"] ?? .null,
              let stamp = HLCStamp(wire: o["stamp"] ?? .null), case .array(let rawChanges) = o["changes"] ?? .null else { return nil }
        var changes: [Change] = []
        changes.reserveCapacity(rawChanges.count)
        for c in rawChanges {
            guard let change = Change(wire: c) else { return nil }
            changes.append(change)
        }
        var resolves: [UUID] = []
        switch o["resolves"] ?? .null {
        case .null: break
        case .array(let items):
            for item in items {
                guard case .string(let t) = item, let u = UUID(uuidString: t) else { return nil }
                resolves.append(u)
            }
        default: return nil
        }
        var note: String?
        switch o["note"] ?? .null {
        case .null: break
        case .string(let s): note = s
        default: return nil
        }
        let known: Set<String> = ["protocolVersion", "id", "device", "sequence", "author", "action", "stamp", "changes", "resolves", "note"]
        guard o.keys.allSatisfy(known.contains) else { return nil }
        self.init(id: id, device: device, sequence: sequence, author: author, action: action, stamp: stamp, changes: changes,
                  resolves: resolves, note: note)
    }
}

extension Change {
    /// A change from its wire JSON; `nil` when anything is missing or malformed.
    public init?(wire value: JSONValue) {
        guard case .object(let o) = value, case .string(let e) = o["entity"] ?? .null, let entity = EntityKind(rawValue: e),
              case .string(let r) = o["record"] ?? .null, let record = UUID(uuidString: r),
              case .string(let op) = o["operation"] ?? .null, let operation = ChangeOperation(rawValue: op),
              case .string(let v) = o["village"] ?? .null, let village = try? OrgCode(v),
              case .array(let rawFields) = o["fields"] ?? .null else { return nil }
        var household: UUID?
        switch o["household"] ?? .null {
        case .null: break
        case .string(let h): guard let u = UUID(uuidString: h) else { return nil }; household = u
        default: return nil
        }
        var base: HLCStamp?
        if let b = o["base"], b != .null { guard let s = HLCStamp(wire: b) else { return nil }; base = s }
        var fields: [FieldChange] = []
        fields.reserveCapacity(rawFields.count)
        for f in rawFields {
            guard case .object(let fo) = f, case .string(let name) = fo["name"] ?? .null, let value = fo["value"],
                  let stamp = HLCStamp(wire: fo["stamp"] ?? .null) else { return nil }
            var previous: FieldVersion?
            if let p = fo["previous"], p != .null {
                guard case .object(let po) = p, let pv = po["value"], let ps = HLCStamp(wire: po["stamp"] ?? .null) else { return nil }
                previous = FieldVersion(value: pv, stamp: ps)
            }
            fields.append(FieldChange(name: name, value: value, stamp: stamp, previous: previous))
        }
        self.init(entity: entity, record: record, operation: operation, village: village, household: household, fields: fields, base: base)
    }
}

extension RecordVersion {
    /// The record version as JSON, identical to its `Codable` encoding (what the server stores
    /// and splices into pull pages).
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "entity": .string(entity.rawValue), "record": .string(record.uuidString), "village": .string(village.value),
            "fields": .object(fields.mapValues { .object(["value": $0.value, "stamp": $0.stamp.jsonValue]) }),
            "serverSequence": .int(serverSequence),
        ]
        if let household { o["household"] = .string(household.uuidString) }
        if let author { o["author"] = author.jsonValue }
        if let changeSet { o["changeSet"] = .string(changeSet.uuidString) }
        return .object(o)
    }
}

extension Acknowledgement {
    /// The acknowledgement as JSON, identical to its `Codable` encoding.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["changeSet": .string(changeSet.uuidString), "status": .string(status.rawValue),
                                      "conflicts": .array(conflicts.map { .string($0.uuidString) })]
        if let serverSequence { o["serverSequence"] = .int(serverSequence) }
        if let code { o["code"] = .string(code) }
        if let message { o["message"] = .string(message) }
        return .object(o)
    }
}
