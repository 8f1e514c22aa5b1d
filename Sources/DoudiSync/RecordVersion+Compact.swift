import DoudiModel
import Foundation

/// Protocol version 2's form of a record version (SPEC §9.6): the stamp most fields carry once,
/// the fields whose stamps differ listed beside it, and the values alone. Version 1 writes a
/// `{"value", "stamp"}` object per field; the record is the same.
///
/// ```json
/// {"author":{…},"changeSet":"…","entity":"household","record":"…","serverSequence":12,
///  "stamp":{"counter":0,"node":"dev-3f9a2c1e","wallMillis":1593565200000},
///  "stamps":{"address":{"counter":0,"node":"dev-3f9a2c1e","wallMillis":1593566400000}},
///  "values":{"address":"五星村3组12/1号","id":"3B0F…",…},"village":"511011101201"}
/// ```
extension RecordVersion {
    /// The stamp most of the record's fields carry; on a tie the earliest of them. `nil` for a
    /// record without fields (which the server never stores).
    public var commonStamp: HLCStamp? {
        var counts: [HLCStamp: Int] = [:]
        for v in fields.values { counts[v.stamp, default: 0] += 1 }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// The record version in protocol 2's form: what the server stores and what a version-2
    /// pull page carries.
    public var compactJSONValue: JSONValue {
        var o: [String: JSONValue] = [
            "entity": .string(entity.rawValue), "record": .string(record.uuidString), "village": .string(village.value),
            "values": .object(fields.mapValues(\.value)), "serverSequence": .int(serverSequence),
        ]
        if let common = commonStamp {
            o["stamp"] = common.jsonValue
            var exceptions: [String: JSONValue] = [:]
            for (name, version) in fields where version.stamp != common { exceptions[name] = version.stamp.jsonValue }
            if !exceptions.isEmpty { o["stamps"] = .object(exceptions) }
        }
        if let household { o["household"] = .string(household.uuidString) }
        if let author { o["author"] = author.jsonValue }
        if let changeSet { o["changeSet"] = .string(changeSet.uuidString) }
        return .object(o)
    }

    /// The record version as a pull page of `version` carries it.
    public func jsonValue(forProtocol version: Int) -> JSONValue {
        version >= 2 ? compactJSONValue : jsonValue
    }

    /// The fields of a version-2 record: `values` with `stamp`, or the field's own entry in `stamps`.
    static func fields(values: [String: JSONValue], stamp: JSONValue?, stamps: JSONValue?) throws -> [String: FieldVersion] {
        var exceptions: [String: JSONValue] = [:]
        switch stamps {
        case nil, .null?: break
        case .object(let o)?: exceptions = o
        case _?: throw WireError("stamps is not an object")
        }
        for name in exceptions.keys where values[name] == nil { throw WireError("stamps.\(name) names no field in values") }
        guard !values.isEmpty else { return [:] }
        guard let common = HLCStamp(wire: stamp ?? .null) else { throw WireError("stamp is missing or not a stamp") }
        var fields: [String: FieldVersion] = [:]
        fields.reserveCapacity(values.count)
        for (name, value) in values {
            if let own = exceptions[name] {
                guard let stamp = HLCStamp(wire: own) else { throw WireError("stamps.\(name) is not a stamp") }
                fields[name] = FieldVersion(value: value, stamp: stamp)
            } else {
                fields[name] = FieldVersion(value: value, stamp: common)
            }
        }
        return fields
    }
}

extension PullResponse {
    /// The page as a pull of `version` answers it: version 2 carries its records in the compact
    /// form and says `"protocolVersion": 2`; version 1 is the `Codable` form.
    ///
    /// - Throws: when a conflict cannot be written as JSON.
    public func jsonValue(forProtocol version: Int) throws -> JSONValue {
        var o: [String: JSONValue] = [
            "conflicts": .array(try conflicts.map { try RecordFields.value(of: $0) }),
            "cursor": .int(cursor), "hasMore": .bool(hasMore),
            "records": .array(records.map { $0.jsonValue(forProtocol: version) }),
        ]
        if version >= 2 {
            o["protocolVersion"] = .int(Int64(version))
            if !departures.isEmpty { o["departures"] = .array(departures.map(\.jsonValue)) }
        }
        return .object(o)
    }
}
