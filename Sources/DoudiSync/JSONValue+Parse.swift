import Foundation

extension JSONValue {
    /// Parses JSON text straight into a value, without going through `Codable`: the hot path
    /// of change capture and merge (every record becomes fields), and the one reader of every
    /// JSON text that comes from outside (request bodies, pull pages, stored records).
    ///
    /// Strict (Protocol/SPEC.md §3.5): UTF-8 only (no byte-order mark, no UTF-16 or UTF-32,
    /// no overlong forms or surrogates), only JSON's escapes with `\u` surrogates in pairs, no
    /// raw control characters in strings, whole numbers within 64 bits, each member once per
    /// object, and the ``JSONLimits`` on nesting, string and text size.
    ///
    /// ```swift
    /// let value = try JSONValue.parse(Data(#"{"address":"3组12号"}"#.utf8))
    /// ```
    ///
    /// - Parameters:
    ///   - data: the JSON text, in UTF-8.
    ///   - limits: the limits to read within; ``JSONLimits/standard`` unless a test asks for others.
    /// - Throws: ``JSONParseError`` at the first byte that is not JSON Doudi accepts; its
    ///   ``JSONParseError/kind`` tells text that is not JSON from JSON beyond Doudi's rules.
    public static func parse(_ data: Data, limits: JSONLimits = .standard) throws(JSONParseError) -> JSONValue {
        try read(data, limits: limits, mode: .strict).value
    }

    /// Checks that `data` is JSON text (RFC 8259) in UTF-8 within `limits`, without Doudi's rules
    /// on values: numbers with a fraction or an exponent or beyond 64 bits, and members given
    /// twice, pass here (where ``parse(_:limits:)`` refuses them as
    /// ``JSONParseError/Kind/unsupported``).
    ///
    /// For tests and diagnostics: it tells "not JSON" from "JSON that Doudi does not accept".
    ///
    /// - Throws: ``JSONParseError`` of kind ``JSONParseError/Kind/syntax``,
    ///   ``JSONParseError/Kind/encoding`` or ``JSONParseError/Kind/limit``.
    public static func checkSyntax(_ data: Data, limits: JSONLimits = .standard) throws(JSONParseError) {
        _ = try read(data, limits: limits, mode: .lenient)
    }

    /// A lenient reading: JSON within the limits is read whole, with `null` for each number
    /// Doudi cannot hold and the last of repeated members, and those problems listed; the byte
    /// ranges of the elements of the root's array member `member` are kept. For telling which
    /// change set of a push is at fault (``PushBody``).
    static func readLeniently(_ data: Data, limits: JSONLimits = .standard, spansOf member: String? = nil) throws(JSONParseError)
        -> (value: JSONValue, problems: [JSONParseError], spans: [Range<Int>]) {
        try read(data, limits: limits, mode: .lenient, spansOf: member)
    }

    private static func read(_ data: Data, limits: JSONLimits, mode: JSONParser.Mode, spansOf member: String? = nil) throws(JSONParseError)
        -> (value: JSONValue, problems: [JSONParseError], spans: [Range<Int>]) {
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<(JSONValue, [JSONParseError], [Range<Int>]), JSONParseError> in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self), limits: limits, mode: mode, spansOf: member)
            do throws(JSONParseError) {
                let value = try parser.document()
                return .success((value, parser.problems, parser.spans))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension JSONValue {
    /// Canonical JSON text (keys sorted, no spaces), written directly: the fast path
    /// for storing values (history, stamps, the server's records) without `JSONEncoder`.
    public var canonicalText: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (k, member) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            for b in bytes {
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 0x0F)])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
