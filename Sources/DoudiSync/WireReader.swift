import Foundation

/// Reading protocol members out of parsed JSON with errors that name the member
/// (`changes[2].fields[0].stamp.counter`) and say what it must be.
enum WireReader {
    static func object(_ value: JSONValue?, at path: String) throws(WireError) -> [String: JSONValue] {
        guard case .object(let o) = value ?? .null else { throw WireError("\(label(path))must be a JSON object, not \(kind(value))") }
        return o
    }

    static func array(_ value: JSONValue?, at path: String) throws(WireError) -> [JSONValue] {
        guard case .array(let a) = value ?? .null else { throw WireError("\(label(path))must be an array, not \(kind(value))") }
        return a
    }

    static func optionalArray(_ value: JSONValue?, at path: String) throws(WireError) -> [JSONValue]? {
        guard let value, value != .null else { return nil }
        return try array(value, at: path)
    }

    static func string(_ value: JSONValue?, at path: String) throws(WireError) -> String {
        guard case .string(let s) = value ?? .null else { throw WireError("\(label(path))must be a string, not \(kind(value))") }
        return s
    }

    static func optionalString(_ value: JSONValue?, at path: String) throws(WireError) -> String? {
        guard let value, value != .null else { return nil }
        return try string(value, at: path)
    }

    static func int(_ value: JSONValue?, at path: String) throws(WireError) -> Int64 {
        guard case .int(let i) = value ?? .null else { throw WireError("\(label(path))must be a whole number, not \(kind(value))") }
        return i
    }

    static func uuid(_ value: JSONValue?, at path: String) throws(WireError) -> UUID {
        let text = try string(value, at: path)
        guard let id = UUID(uuidString: text) else { throw WireError("\(label(path))\(quoted(text)) is not a UUID") }
        return id
    }

    /// Refuses members the protocol does not define (a misspelt optional member must not be lost silently).
    static func onlyMembers(_ o: [String: JSONValue], _ known: Set<String>, at path: String) throws(WireError) {
        for key in o.keys.sorted() where !known.contains(key) {
            throw WireError("\(label(path))has no member \(quoted(key)) (it has \(known.sorted().joined(separator: ", ")))")
        }
    }

    static func label(_ path: String) -> String { path.isEmpty ? "" : "\(path): " }

    /// A value quoted for a message, cut short when long.
    static func quoted(_ text: String) -> String {
        let cut = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"\(cut.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())\""
    }

    static func kind(_ value: JSONValue?) -> String {
        switch value {
        case nil: "missing"
        case .null?: "null"
        case .bool?: "a boolean"
        case .int?: "a number"
        case .string?: "a string"
        case .array?: "an array"
        case .object?: "an object"
        }
    }
}

extension HLCStamp {
    /// A stamp from its wire form `{"wallMillis": …, "counter": …, "node": "…"}`, member by member.
    ///
    /// - Throws: ``WireError`` when a member is missing, of the wrong type, or outside the
    ///   range a stamp may have (``WireLimits``): a counter beyond 32 bits, a time before
    ///   1970 or after 9999, a node that is not a device id.
    public init(reading value: JSONValue, at path: String) throws(WireError) {
        let o = try WireReader.object(value, at: path)
        try WireReader.onlyMembers(o, ["wallMillis", "counter", "node"], at: path)
        let wall = try WireReader.int(o["wallMillis"], at: "\(path).wallMillis")
        let counter = try WireReader.int(o["counter"], at: "\(path).counter")
        let node = try WireReader.string(o["node"], at: "\(path).node")
        guard (0...WireLimits.maxWallMillis).contains(wall) else {
            throw WireError("\(path).wallMillis: \(wall) is not a time between 1970 and 9999 in milliseconds: set the device's date and time correctly")
        }
        guard (0...Int64(WireLimits.maxCounter)).contains(counter) else {
            throw WireError("\(path).counter: \(counter) is outside 0…\(WireLimits.maxCounter)")
        }
        guard DeviceID.isValid(node) else {
            throw WireError("\(path).node: \(WireReader.quoted(node)) is not a device id (\(DeviceID.rule))")
        }
        self.init(wallMillis: wall, counter: Int32(counter), node: node)
    }
}
