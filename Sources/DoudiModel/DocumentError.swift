import Foundation

/// A JSON document (policy file, household document, config) that could not be read,
/// with the path of the field at fault and what to do about it.
///
/// The CLI prints ``description`` as one line and exits non-zero.
public struct DocumentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which document, e.g. a file name.
    public var document: String
    /// Dotted path of the field, e.g. `dibao.classifiedAid.tiers[2]`; empty for the whole document.
    public var field: String
    public var message: String

    public init(document: String, field: String, message: String) {
        self.document = document; self.field = field; self.message = message
    }

    /// Translates a `DecodingError` into a one-line error naming the field.
    public init(_ error: DecodingError, document: String) {
        self.document = document
        switch error {
        case .keyNotFound(let key, let context):
            field = Self.path(context.codingPath + [key])
            message = "is missing: add it"
        case .typeMismatch(let type, let context):
            field = Self.path(context.codingPath)
            message = "has the wrong type: expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            field = Self.path(context.codingPath)
            message = "is null: expected \(Self.typeName(type))"
        case .dataCorrupted(let context):
            field = Self.path(context.codingPath)
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            message = context.codingPath.isEmpty
                ? "is not valid JSON\(underlying.map { " (\($0))" } ?? "")"
                : context.debugDescription
        @unknown default:
            field = ""
            message = "\(error)"
        }
    }

    /// Translates a model rule violation found after decoding.
    public init(_ error: ModelError, document: String) {
        self.document = document
        field = error.field ?? ""
        message = error.message
    }

    public var description: String {
        field.isEmpty ? "\(document): \(message)" : "\(document): \(field) \(message)"
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "a list [...]"
                : String(describing: type).hasPrefix("Dictionary") ? "an object {...}" : "\(type)"
        }
    }

    /// Finds keys in a document that the decoded value does not have, at any depth:
    /// re-encoding the value yields every key it knows, so anything else in the file
    /// was misspelt or is unknown, and is refused rather than silently ignored.
    ///
    /// - Throws: ``DocumentError`` naming the first unknown field.
    public static func rejectUnknownFields<T: Encodable>(in data: Data, decoded value: T, document: String, reference: String) throws(DocumentError) {
        guard let original = try? JSONSerialization.jsonObject(with: data),
              let reencoded = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(value))
        else { return }
        if let path = firstUnknownKey(original, reencoded, path: "") {
            throw DocumentError(document: document, field: path, message: "is not a known field: check its spelling against \(reference)")
        }
    }

    private static func firstUnknownKey(_ a: Any, _ b: Any, path: String) -> String? {
        if let a = a as? [String: Any] {
            let b = b as? [String: Any] ?? [:]
            for (key, av) in a.sorted(by: { $0.key < $1.key }) {
                let sub = path.isEmpty ? key : "\(path).\(key)"
                if av is NSNull { continue }
                guard let bv = b[key] else { return sub }
                if let found = firstUnknownKey(av, bv, path: sub) { return found }
            }
        } else if let a = a as? [Any], let b = b as? [Any] {
            for (i, pair) in zip(a, b).enumerated() {
                if let found = firstUnknownKey(pair.0, pair.1, path: "\(path)[\(i)]") { return found }
            }
        }
        return nil
    }

    /// Decodes a JSON document, translating every failure into a ``DocumentError``.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, document: String) throws(DocumentError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw DocumentError(error, document: document)
        } catch let error as ModelError {
            throw DocumentError(error, document: document)
        } catch {
            throw DocumentError(document: document, field: "", message: "\(error)")
        }
    }
}

/// A coding key for any name, used to see every key of an object.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}
