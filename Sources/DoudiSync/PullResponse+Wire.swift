import DoudiModel
import Foundation

/// Reading a pull page straight from its JSON bytes with ``JSONValue/parse(_:)``, without
/// `Codable`: the hot path of an initial sync (every record of a town passes here).
extension PullResponse {
    /// Reads a `GET /v1/pull` answer.
    ///
    /// - Throws: ``WireError`` naming what is missing or malformed.
    public init(wire data: Data) throws {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw WireError("the pull answer is not JSON: \(error)") }
        try self.init(page: root)
    }

    /// Reads a pull answer already parsed (a page a reply bundle carries, §15.5).
    ///
    /// - Throws: ``WireError`` naming what is missing or malformed.
    public init(page root: JSONValue) throws {
        guard case .object(let o) = root else { throw WireError("the pull answer is not a JSON object") }
        // a version-2 page says so; a page of a newer version than this side reads is refused whole
        if case .int(let version)? = o["protocolVersion"], !ProtocolVersionText.isReadable(version) {
            throw WireError("the pull answer is of \(ProtocolVersionText.notSpoken(version))")
        }
        guard case .array(let records) = o["records"] ?? .null, case .array(let conflicts) = o["conflicts"] ?? .null,
              case .int(let cursor) = o["cursor"] ?? .null, case .bool(let hasMore) = o["hasMore"] ?? .null else {
            throw WireError("the pull answer lacks records, conflicts, cursor or hasMore")
        }
        self.init(records: try records.enumerated().map { i, r in
                      do { return try RecordVersion(wire: r) } catch let e as WireError { throw WireError("records[\(i)]: \(e.message)") }
                  },
                  conflicts: try conflicts.map { try RecordFields.value(ConflictRecord.self, from: $0) },
                  cursor: cursor, hasMore: hasMore, departures: try Self.departures(o["departures"]))
    }

    /// A page's `departures` (§9.7): absent means none.
    static func departures(_ value: JSONValue?) throws -> [DepartedRecord] {
        switch value ?? .null {
        case .null: return []
        case .array(let items):
            return try items.enumerated().map { i, item in
                do { return try DepartedRecord(wire: item) } catch let e as WireError { throw WireError("departures[\(i)]: \(e.message)") }
            }
        default: throw WireError("departures is not an array")
        }
    }
}

extension RecordVersion {
    /// A record version from its wire JSON, in either protocol's form: version 1's `fields`
    /// (``jsonValue``) or version 2's `values` with `stamp` and `stamps` (``compactJSONValue``).
    public init(wire value: JSONValue) throws {
        guard case .object(let o) = value else { throw WireError("is not an object") }
        guard case .string(let e) = o["entity"] ?? .null, let entity = EntityKind(rawValue: e) else { throw WireError("entity is missing or unknown") }
        guard case .string(let r) = o["record"] ?? .null, let record = UUID(uuidString: r) else { throw WireError("record is not a UUID") }
        guard case .string(let v) = o["village"] ?? .null, let village = try? OrgCode(v) else { throw WireError("village is not an org code") }
        guard case .int(let sequence) = o["serverSequence"] ?? .null else { throw WireError("serverSequence is missing") }
        var fields: [String: FieldVersion] = [:]
        if case .object(let values) = o["values"] ?? .null {
            // protocol 2: one stamp, the exceptions beside it
            guard o["fields"] == nil else { throw WireError("has both values (protocol 2) and fields (protocol 1)") }
            fields = try Self.fields(values: values, stamp: o["stamp"], stamps: o["stamps"])
        } else {
            guard case .object(let rawFields) = o["fields"] ?? .null else { throw WireError("values (protocol 2) or fields (protocol 1) is missing") }
            fields.reserveCapacity(rawFields.count)
            for (name, f) in rawFields {
                guard case .object(let fo) = f, let stamp = HLCStamp(wire: fo["stamp"] ?? .null) else {
                    throw WireError("fields.\(name) lacks its value or stamp")
                }
                fields[name] = FieldVersion(value: fo["value"] ?? .null, stamp: stamp)
            }
        }
        var household: UUID?
        if case .string(let h) = o["household"] ?? .null { household = UUID(uuidString: h) }
        var changeSet: UUID?
        if case .string(let c) = o["changeSet"] ?? .null { changeSet = UUID(uuidString: c) }
        self.init(entity: entity, record: record, village: village, household: household, fields: fields, serverSequence: sequence,
                  author: Actor(wire: o["author"] ?? .null), changeSet: changeSet)
    }
}

extension HLCStamp {
    /// A stamp from its wire form `{"wallMillis": …, "counter": …, "node": "…"}`; `nil` when it
    /// is not one (``init(reading:at:)`` says why).
    public init?(wire value: JSONValue) {
        guard let stamp = try? HLCStamp(reading: value, at: "stamp") else { return nil }
        self = stamp
    }
}

extension Actor {
    /// An actor from its wire form `{"user": …, "role": …, "org": …}`.
    public init?(wire value: JSONValue) {
        guard case .object(let o) = value, case .string(let user) = o["user"] ?? .null, case .string(let r) = o["role"] ?? .null,
              let role = Role(rawValue: r), case .string(let org) = o["org"] ?? .null, let code = try? OrgCode(org) else { return nil }
        self.init(user: user, role: role, org: code)
    }
}

/// A message from the server that does not have the protocol's shape.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
