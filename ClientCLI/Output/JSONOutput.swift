import Foundation

/// The `--json` output of the read commands: pretty-printed, keys sorted, slashes
/// unescaped, money in integer fen, ids as lowercase UUID strings, resident ID
/// numbers masked. Keys declared ``Nullable`` are always present (`null` when empty).
enum JSONOutput {
    static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .useDefaultKeys
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .throw
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A UUID as the JSON output writes it.
    static func id(_ id: UUID) -> String { id.uuidString.lowercased() }
}

/// An optional value whose key is always written: `null` when there is none
/// (synthesised `Encodable` would leave the key out).
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}
