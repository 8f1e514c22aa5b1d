import DoudiModel
import Foundation

// Reading change sets straight from parsed JSON, and writing record versions and
// acknowledgements straight to JSON, without `Codable`: the server's push path reads every
// change set and writes every record it merges. A value that does not have exactly the
// expected shape is answered `nil` here, so the caller can fall back to `Codable` for the
// precise message. `ChangeSetCodingTests` checks both forms agree.

extension ChangeSet {
    /// A change set from its wire JSON; `nil` when anything is missing or malformed
    /// (``init(reading:)`` says what).
    public init?(wire value: JSONValue) {
        guard let changeSet = try? ChangeSet(reading: value) else { return nil }
        self = changeSet
    }

    /// A change set from its wire JSON, member by member.
    ///
    /// - Throws: ``WireError`` naming the member (`changes[2].fields[0].stamp.counter`) and
    ///   what is wrong with it. Only the shape is read here; the limits of
    ///   ``WireLimits`` are checked by ``checkLimits()``, so that a change set with an
    ///   id is answered on its own.
    public init(reading value: JSONValue) throws(WireError) {
        let o = try WireReader.object(value, at: "")
        try WireReader.onlyMembers(o, ["protocolVersion", "id", "device", "sequence", "author", "action", "stamp", "changes", "resolves", "note"], at: "")
        let version = try WireReader.int(o["protocolVersion"], at: "protocolVersion")
        guard ProtocolVersionText.isReadable(version) else { throw WireError("protocolVersion: \(ProtocolVersionText.notSpoken(version))") }
        let id = try WireReader.uuid(o["id"], at: "id")
        let device = try WireReader.string(o["device"], at: "device")
        let sequence = try WireReader.int(o["sequence"], at: "sequence")
        guard let author = Actor(wire: o["author"] ?? .null) else { throw WireError("author: must be {user, role, org} with a known role and an org code") }
        let action = try WireReader.string(o["action"], at: "action")
        let stamp = try HLCStamp(reading: o["stamp"] ?? .null, at: "stamp")
        let rawChanges = try WireReader.array(o["changes"], at: "changes")
        var changes: [Change] = []
        changes.reserveCapacity(rawChanges.count)
        for (i, c) in rawChanges.enumerated() { changes.append(try Change(reading: c, at: "changes[\(i)]")) }
        var resolves: [UUID] = []
        if let items = try WireReader.optionalArray(o["resolves"], at: "resolves") {
            for (i, item) in items.enumerated() { resolves.append(try WireReader.uuid(item, at: "resolves[\(i)]")) }
        }
        let note = try WireReader.optionalString(o["note"], at: "note")
        self.init(id: id, device: device, sequence: sequence, author: author, action: action, stamp: stamp, changes: changes,
                  resolves: resolves, note: note)
        protocolVersion = Int(version)   // a change set made under version 1 stays one (its hash, its answer)
    }
}

extension Change {
    /// A change from its wire JSON; `nil` when anything is missing or malformed.
    public init?(wire value: JSONValue) {
        guard let change = try? Change(reading: value, at: "change") else { return nil }
        self = change
    }

    /// A change from its wire JSON, member by member; `path` prefixes the member names in errors.
    public init(reading value: JSONValue, at path: String) throws(WireError) {
        let o = try WireReader.object(value, at: path)
        try WireReader.onlyMembers(o, ["entity", "record", "operation", "village", "household", "fields", "base"], at: path)
        let e = try WireReader.string(o["entity"], at: "\(path).entity")
        guard let entity = EntityKind(rawValue: e) else {
            throw WireError("\(path).entity: \(WireReader.quoted(e)) is not a record kind (\(EntityKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let record = try WireReader.uuid(o["record"], at: "\(path).record")
        let op = try WireReader.string(o["operation"], at: "\(path).operation")
        guard let operation = ChangeOperation(rawValue: op) else {
            throw WireError("\(path).operation: \(WireReader.quoted(op)) is not create, update or void")
        }
        let v = try WireReader.string(o["village"], at: "\(path).village")
        guard let village = try? OrgCode(v) else { throw WireError("\(path).village: \(WireReader.quoted(v)) is not an org code") }
        let household = try WireReader.optionalString(o["household"], at: "\(path).household").map { text throws(WireError) in
            try WireReader.uuid(.string(text), at: "\(path).household")
        }
        var base: HLCStamp?
        if let b = o["base"], b != .null { base = try HLCStamp(reading: b, at: "\(path).base") }
        let rawFields = try WireReader.array(o["fields"], at: "\(path).fields")
        var fields: [FieldChange] = []
        fields.reserveCapacity(rawFields.count)
        for (i, f) in rawFields.enumerated() {
            let at = "\(path).fields[\(i)]"
            let fo = try WireReader.object(f, at: at)
            try WireReader.onlyMembers(fo, ["name", "value", "stamp", "previous"], at: at)
            let name = try WireReader.string(fo["name"], at: "\(at).name")
            guard let value = fo["value"] else { throw WireError("\(at).value: missing (write null to clear a field)") }
            let stamp = try HLCStamp(reading: fo["stamp"] ?? .null, at: "\(at).stamp")
            var previous: FieldVersion?
            if let p = fo["previous"], p != .null {
                let po = try WireReader.object(p, at: "\(at).previous")
                guard let pv = po["value"] else { throw WireError("\(at).previous.value: missing") }
                previous = FieldVersion(value: pv, stamp: try HLCStamp(reading: po["stamp"] ?? .null, at: "\(at).previous.stamp"))
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
