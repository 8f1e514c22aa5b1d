import Foundation

/// A JSON value, used for the value of one field in a change.
///
/// Numbers are integers only: Doudi has no floating-point fields (money is a
/// string of yuan, clocks and sequences are integers), and a fractional number
/// on the wire is refused rather than rounded.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Reads a value through `Codable` (a message decoded with `JSONDecoder`), at most
    /// ``JSONLimits/maxDepth`` levels down from the message's root, as ``parse(_:limits:)`` reads.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for a value nested deeper, or a number that is
    ///   not whole; an error inside an array or object comes out with its path.
    public init(from decoder: any Decoder) throws {
        // the levels above this value count too: a field value inside a push is 7 levels down
        guard decoder.codingPath.count <= JSONLimits.maxDepth else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "arrays and objects nested deeper than \(JSONLimits.maxDepth) levels: Doudi reads at most \(JSONLimits.maxDepth)"))
        }
        let c = try decoder.singleValueContainer()
        // most values are strings: try the likely types first (each miss costs an error)
        if c.decodeNil() { self = .null; return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let i = try? c.decode(Int64.self) { self = .int(i); return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        // an array or an object: a failure inside one (too deep, a number not whole) is passed on
        do {
            self = .array(try c.decode([JSONValue].self))
            return
        } catch DecodingError.typeMismatch {}
        do {
            self = .object(try c.decode([String: JSONValue].self))
        } catch DecodingError.typeMismatch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value Doudi accepts (numbers must be whole)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Turns records into their fields and back, through their `Codable` form, so that
/// a change can carry field-level values and stamps for any record kind.
public enum RecordFields {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// The record's top-level fields.
    ///
    /// Encoded straight into values (``JSONValueEncoder``); a record holding what ``JSONValue``
    /// does not (a floating-point number, a date) goes through `JSONEncoder`, as it always did.
    public static func fields<R: Encodable>(of record: R) throws -> [String: JSONValue] {
        if case .object(let o)? = try? JSONValueEncoder.encode(record) { return o }
        let data = try encoder.encode(record)
        guard case .object(let o) = try JSONValue.parse(data) else {
            throw EncodingError.invalidValue(record, .init(codingPath: [], debugDescription: "a record must encode as a JSON object"))
        }
        return o
    }

    /// Rebuilds a record from its fields (validating it as any document is validated).
    public static func record<R: Decodable>(_ type: R.Type, from fields: [String: JSONValue]) throws -> R {
        try value(R.self, from: .object(fields))
    }

    /// Any encodable value as a JSON value (as ``fields(of:)`` encodes).
    public static func value<T: Encodable>(of value: T) throws -> JSONValue {
        if let direct = try? JSONValueEncoder.encode(value) { return direct }
        return try JSONValue.parse(encoder.encode(value))
    }

    /// A JSON value as a decodable type.
    ///
    /// Decoded straight from the value; on an error, again through `JSONDecoder`, whose
    /// messages (field paths, descriptions) are the ones users and tests see.
    public static func value<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        if let fast = try? JSONValueDecoder.decode(T.self, from: value, codingPath: []) { return fast }
        return try JSONDecoder().decode(T.self, from: encoder.encode(value))
    }

    /// Canonical JSON text of a value (sorted keys), for storage and hashing.
    public static func canonicalJSON<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
