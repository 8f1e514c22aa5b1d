/// The byte parser behind ``JSONValue/parse(_:limits:)`` and ``JSONValue/checkSyntax(_:limits:)``.
///
/// Strict RFC 8259 over UTF-8 (Protocol/SPEC.md §3.5): no byte-order mark, no UTF-16 or
/// UTF-32, UTF-8 validated as Unicode defines it (Table 3-7: no overlong forms, no surrogates,
/// nothing beyond U+10FFFF) in every string that is not plain ASCII, only JSON's escapes, `\u`
/// surrogates in pairs, no raw control characters in strings, numbers in JSON's grammar, within
/// ``JSONLimits``. Every arithmetic step is checked; recursion is at most ``JSONLimits/depth``
/// levels deep; a string without escapes is made straight from the input, one with escapes in a
/// buffer reused for the whole text, so the parser allocates nothing per byte.
///
/// Doudi's values hold whole numbers within 64 bits and each member once per object. JSON beyond
/// that (a fraction, an exponent, a larger number, a member given twice) is a *problem* of kind
/// ``JSONParseError/Kind/unsupported``, noted where it is met and the reading carried on, so
/// that a syntax error anywhere wins over it: an `unsupported` refusal means the text is JSON.
/// In ``Mode/strict`` the first problem is thrown at the end of the text; in ``Mode/lenient``
/// the problems are listed (``problems``) and the value holds `null` for such a number and the
/// last of repeated members, for a reader that wants to tell which part of a text is at fault.
struct JSONParser {
    enum Mode { case strict, lenient }
    /// The problems a lenient reading lists at most (a push holds at most 5,000 change sets).
    static let maxProblems = 10_000

    private let bytes: UnsafeBufferPointer<UInt8>
    private let count: Int
    private let maxDepth: Int
    private let maxStringBytes: Int
    private let maxDocumentBytes: Int
    private let mode: Mode
    private var i = 0
    private var depth = 0
    /// The bytes of a string with escapes, reused from one string to the next.
    private var scratch: [UInt8] = []
    /// JSON that Doudi's values cannot hold: the first only when strict (thrown once the whole
    /// text is known to be JSON), up to ``maxProblems`` when lenient.
    private(set) var problems: [JSONParseError] = []
    /// The root object's member whose array elements' byte ranges are kept in ``spans``.
    private let spanMember: String?
    /// Where each element of the root's ``spanMember`` array lies in the text.
    private(set) var spans: [Range<Int>] = []

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits, mode: Mode, spansOf member: String? = nil) {
        self.bytes = bytes
        self.count = bytes.count
        self.maxDepth = max(0, min(limits.depth, JSONLimits.depthCeiling))
        self.maxStringBytes = max(0, limits.stringBytes)
        self.maxDocumentBytes = max(0, limits.documentBytes)
        self.mode = mode
        self.spanMember = member
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// The one value of the whole text.
    mutating func document() throws(JSONParseError) -> JSONValue {
        try checkEncoding()
        let value = try value()
        skipSpace()
        guard i == count else { throw syntax("\(describe(bytes[i])) after the JSON value: a JSON text holds one value (send one object)") }
        if mode == .strict, let first = problems.first { throw first }
        return value
    }

    // MARK: - encoding and size of the whole text

    /// Refuses a text too large, or in another encoding than UTF-8, before reading it.
    private func checkEncoding() throws(JSONParseError) {
        guard count <= maxDocumentBytes else {
            throw JSONParseError(.limit, offset: 0, message: "the JSON text is \(count) bytes; Doudi reads at most \(maxDocumentBytes) bytes at once: send less at a time")
        }
        func refuse(_ message: String) -> JSONParseError { JSONParseError(.encoding, offset: 0, message: message) }
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw refuse("the text starts with a byte-order mark (EF BB BF): send UTF-8 without a byte-order mark")
        }
        if count >= 4, (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0) {
            throw refuse("the text is UTF-32 (it starts with a byte-order mark): send UTF-8")
        }
        if count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            throw refuse("the text is UTF-16 (it starts with a byte-order mark): send UTF-8")
        }
        if count >= 2, bytes[0] == 0 || bytes[1] == 0 {
            throw refuse("the text starts with zero bytes, as UTF-16 or UTF-32 text does: send UTF-8")
        }
    }

    // MARK: - values

    @inline(__always)
    private mutating func skipSpace() {
        while i < count {
            let b = bytes[i]
            // canonical JSON has no white space: one comparison for every token
            guard b <= 0x20, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// A value; with `keepingSpans`, an array's elements' ranges are kept in ``spans``.
    private mutating func value(keepingSpans: Bool = false) throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard i < count else { throw end("a value") }
        switch bytes[i] {
        case Self.quote: return .string(try string())
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array(keepingSpans: keepingSpans)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case let b: throw syntax("\(describe(b)) cannot start a value (a value is an object, an array, a string in double quotes, a number, true, false or null)")
        }
    }

    /// One level deeper, refused beyond the limit before anything is read at that level.
    @inline(__always)
    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= maxDepth else {
            throw JSONParseError(.limit, offset: i, message: "arrays and objects nested deeper than \(maxDepth) levels: Doudi reads at most \(maxDepth)")
        }
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1
        var object: [String: JSONValue] = [:]
        skipSpace()
        if i < count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipSpace()
            guard i < count else { throw end("a member name in double quotes") }
            guard bytes[i] == Self.quote else { throw syntax("expected a member name in double quotes, found \(describe(bytes[i]))") }
            let keyStart = i
            let key = try string()
            skipSpace()
            guard i < count else { throw end("':'") }
            guard bytes[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after a member name, found \(describe(bytes[i]))") }
            i += 1
            let member = try spanMember != nil && depth == 1 && key == spanMember ? value(keepingSpans: true) : value()
            let members = object.count
            object[key] = member
            if object.count == members {
                note(JSONParseError(.unsupported, offset: keyStart, message: "the member \(Self.printable(key)) is given twice in one object: give each member once"))
            }
            skipSpace()
            guard i < count else { throw end("',' or '}'") }
            switch bytes[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"):
                i += 1
                depth -= 1
                return .object(object)
            case let b: throw syntax("expected ',' or '}' after an object member, found \(describe(b))")
            }
        }
    }

    private mutating func array(keepingSpans: Bool = false) throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1
        var array: [JSONValue] = []
        skipSpace()
        if i < count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(array)
        }
        while true {
            if keepingSpans {
                skipSpace()
                let start = i
                array.append(try value())
                spans.append(start..<i)
            } else {
                array.append(try value())
            }
            skipSpace()
            guard i < count else { throw end("',' or ']'") }
            switch bytes[i] {
            case UInt8(ascii: ","):
                i += 1
                skipSpace()
                if i < count, bytes[i] == UInt8(ascii: "]") { throw syntax("a ',' before ']': remove the trailing comma") }
            case UInt8(ascii: "]"):
                i += 1
                depth -= 1
                return .array(array)
            case let b: throw syntax("expected ',' or ']' after an array element, found \(describe(b))")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        let text = UnsafeBufferPointer(start: word.utf8Start, count: n)
        var k = 0
        while k < n {
            guard i + k < count, bytes[i + k] == text[k] else { throw syntax("expected \(word) (true, false and null are written in full, in lower case)") }
            k += 1
        }
        i += n
    }

    // MARK: - numbers

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// A number in JSON's grammar; in ``Mode/values`` a whole number within 64 bits.
    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = i
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < count, Self.isDigit(bytes[i]) else {
            throw JSONParseError(.syntax, offset: start, message: "'-' must be followed by digits")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < count, Self.isDigit(bytes[i]) {
                throw JSONParseError(.syntax, offset: start, message: "a number does not start with 0 (write 12, not 012)")
            }
        } else {
            while i < count, Self.isDigit(bytes[i]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] &- UInt8(ascii: "0")))
                if o1 || o2 { overflow = true } else { magnitude = sum }
                i += 1
            }
        }
        var whole = true
        if i < count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < count, Self.isDigit(bytes[i]) else { throw JSONParseError(.syntax, offset: start, message: "a '.' in a number must be followed by digits") }
            while i < count, Self.isDigit(bytes[i]) { i += 1 }
            whole = false
        }
        if i < count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < count, Self.isDigit(bytes[i]) else { throw JSONParseError(.syntax, offset: start, message: "an exponent in a number must have digits") }
            while i < count, Self.isDigit(bytes[i]) { i += 1 }
            whole = false
        }
        guard whole else {
            note(JSONParseError(.unsupported, offset: start,
                                message: "numbers must be whole: \(numberText(start)) has a fraction or an exponent (write 100, not 1e2 or 100.0; money is a string of yuan)"))
            return .null
        }
        // -2^63 is the one magnitude beyond Int64.max that fits
        if !overflow, negative, magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
        guard !overflow, magnitude <= UInt64(Int64.max) else {
            note(JSONParseError(.unsupported, offset: start, message: "the number \(numberText(start)) is beyond the 64-bit range (±9223372036854775807)"))
            return .null
        }
        let value = Int64(magnitude)
        return .int(negative ? -value : value)
    }

    /// A number's text for a message, cut short.
    private func numberText(_ start: Int) -> String {
        let end = min(i, start + 32)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) + (i > end ? "…" : "")
    }

    // MARK: - strings

    /// A string, `i` at its opening quote.
    private mutating func string() throws(JSONParseError) -> String {
        let open = i
        i += 1
        let start = i
        // the fast path: no escapes; `seen` gathers the bits of every byte, so ASCII needs no validation
        var seen: UInt8 = 0
        while i < count {
            let b = bytes[i]
            if b == Self.quote || b == Self.backslash || b < 0x20 { break }
            seen |= b
            i += 1
        }
        guard i < count else { throw unterminated(open) }
        switch bytes[i] {
        case Self.quote:
            let length = i - start
            guard length <= maxStringBytes else { throw tooLong(open, length) }
            let span = UnsafeBufferPointer(rebasing: bytes[start..<i])
            // `String(validating:)` is generic, and slow: validated here, `String(decoding:)` repairs nothing
            if seen >= 0x80, Self.firstInvalidUTF8(in: span) != nil { throw invalidUTF8(start..<i) }
            i += 1
            return String(decoding: span, as: UTF8.self)
        case Self.backslash:
            return try escapedString(open: open, start: start)
        case let b:
            throw controlCharacter(b)
        }
    }

    /// The rest of a string with escapes, `i` at its first backslash.
    private mutating func escapedString(open: Int, start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var segment = start
        while true {
            guard i < count else { throw unterminated(open) }
            let b = bytes[i]
            if b == Self.quote {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<i]))
                break
            }
            if b < 0x20 { throw controlCharacter(b) }
            guard b == Self.backslash else {
                i += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<i]))
            i += 1
            guard i < count else { throw unterminated(open) }
            switch bytes[i] {
            case Self.quote: scratch.append(Self.quote)
            case Self.backslash: scratch.append(Self.backslash)
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"): try unicodeEscape()
            case let e:
                throw JSONParseError(.syntax, offset: i - 1, message: "\\\(Self.printable(byte: e)) is not a JSON escape: use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits")
            }
            i += 1
            segment = i
            guard scratch.count <= maxStringBytes else { throw tooLong(open, scratch.count) }
        }
        let close = i
        i += 1
        guard scratch.count <= maxStringBytes else { throw tooLong(open, scratch.count) }
        let valid = scratch.withUnsafeBufferPointer { Self.firstInvalidUTF8(in: $0) == nil }
        guard valid else { throw invalidUTF8(start..<close) }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// A `\u` escape (and its pair, for a surrogate), `i` at the `u`; leaves `i` at the last hex digit.
    private mutating func unicodeEscape() throws(JSONParseError) {
        let escape = i - 1
        let unit = try hex4(after: i)
        i += 4
        var scalar = unit
        switch unit {
        case 0xD800...0xDBFF:
            guard i + 6 < count, bytes[i + 1] == Self.backslash, bytes[i + 2] == UInt8(ascii: "u") else { throw loneSurrogate(escape, unit) }
            let low = try hex4(after: i + 2)
            guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(escape, unit) }
            i += 6
            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw loneSurrogate(escape, unit)
        default:
            break
        }
        appendUTF8(scalar)
    }

    /// The 4 hex digits after `u` at `at`.
    private func hex4(after at: Int) throws(JSONParseError) -> UInt32 {
        guard at + 4 < count else { throw JSONParseError(.syntax, offset: at - 1, message: "\\u must be followed by 4 hex digits") }
        var value: UInt32 = 0
        for k in 1...4 {
            let c = bytes[at + k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A")) + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a")) + 10
            default: throw JSONParseError(.syntax, offset: at - 1, message: "\\u must be followed by 4 hex digits (0-9, a-f)")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// A Unicode scalar (never a surrogate) as UTF-8.
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(truncatingIfNeeded: scalar))
        case ..<0x800:
            scratch.append(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        }
    }

    // MARK: - errors

    /// JSON that Doudi's values cannot hold: kept (the first, or up to ``maxProblems``), and the reading goes on.
    private mutating func note(_ problem: JSONParseError) {
        switch mode {
        case .strict: if problems.isEmpty { problems.append(problem) }
        case .lenient: if problems.count < Self.maxProblems { problems.append(problem) }
        }
    }

    private func syntax(_ message: String) -> JSONParseError { JSONParseError(.syntax, offset: i, message: message) }

    private func end(_ expected: String) -> JSONParseError {
        JSONParseError(.syntax, offset: count, message: "the text ends too soon: expected \(expected) (was the body cut short?)")
    }

    private func unterminated(_ open: Int) -> JSONParseError {
        JSONParseError(.syntax, offset: open, message: "a string is not closed: end it with '\"'")
    }

    private func tooLong(_ open: Int, _ length: Int) -> JSONParseError {
        JSONParseError(.limit, offset: open, message: "a string of \(length) bytes; Doudi reads at most \(maxStringBytes) bytes in one string: shorten it")
    }

    private func controlCharacter(_ b: UInt8) -> JSONParseError {
        let hex = String(b, radix: 16, uppercase: true)
        return JSONParseError(.syntax, offset: i, message: "a raw control character (U+\(String(repeating: "0", count: 4 - hex.count))\(hex)) in a string: write it as an escape such as \\n, \\t or \\u00\(b < 0x10 ? "0" : "")\(hex)")
    }

    private func loneSurrogate(_ escape: Int, _ unit: UInt32) -> JSONParseError {
        let hex = String(unit, radix: 16, uppercase: true)
        let what = unit < 0xDC00 ? "a high surrogate not followed by a low one (\\uDC00–\\uDFFF)" : "a low surrogate without a high one before it"
        return JSONParseError(.encoding, offset: escape, message: "\\u\(hex) is \(what): a lone surrogate is not a character; write the character itself in UTF-8, or both halves of its pair")
    }

    /// The first byte of `range` that is not UTF-8, and why.
    private func invalidUTF8(_ range: Range<Int>) -> JSONParseError {
        let (offset, why) = Self.firstInvalidUTF8(in: UnsafeBufferPointer(rebasing: bytes[range])) ?? (0, "a sequence that is not UTF-8")
        return JSONParseError(.encoding, offset: range.lowerBound + offset,
                              message: "invalid UTF-8 in a string (byte \(Self.hex(bytes[range.lowerBound + offset])): \(why)): send text as UTF-8")
    }

    /// Where `span` stops being UTF-8 as Unicode defines it (Table 3-7), and why; `nil` when it is UTF-8.
    static func firstInvalidUTF8(in span: UnsafeBufferPointer<UInt8>) -> (offset: Int, reason: String)? {
        var k = 0
        while k < span.count {
            let lead = span[k]
            if lead < 0x80 {
                k += 1
                continue
            }
            let trailing: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: trailing = 1
            case 0xE0: trailing = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: trailing = 2
            case 0xED: trailing = 2; upper = 0x9F
            case 0xF0: trailing = 3; lower = 0x90
            case 0xF1...0xF3: trailing = 3
            case 0xF4: trailing = 3; upper = 0x8F
            case 0x80...0xBF: return (k, "a continuation byte without a lead byte")
            case 0xC0, 0xC1: return (k, "an overlong form")
            default: return (k, "a byte that never occurs in UTF-8")
            }
            guard k + 1 < span.count else { return (k, "a sequence cut short") }
            let second = span[k + 1]
            guard second >= lower, second <= upper else {
                if lead == 0xED, second >= 0xA0, second <= 0xBF { return (k, "a surrogate (U+D800–U+DFFF) written in UTF-8") }
                if (lead == 0xE0 && second < 0xA0) || (lead == 0xF0 && second < 0x90) { return (k, second >= 0x80 ? "an overlong form" : "a sequence cut short") }
                if lead == 0xF4, second >= 0x90, second <= 0xBF { return (k, "a code point beyond U+10FFFF") }
                return (k, "a sequence cut short")
            }
            var n = 2
            while n <= trailing {
                guard k + n < span.count, span[k + n] >= 0x80, span[k + n] <= 0xBF else { return (k, "a sequence cut short") }
                n += 1
            }
            k += trailing + 1
        }
        return nil
    }

    /// A byte for a message: itself when printable ASCII, else its hex value.
    private func describe(_ b: UInt8) -> String {
        b > 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte \(Self.hex(b))"
    }

    private static func printable(byte b: UInt8) -> String {
        b > 0x20 && b < 0x7F ? String(Character(Unicode.Scalar(b))) : "(byte \(hex(b)))"
    }

    /// `0x0C`
    private static func hex(_ b: UInt8) -> String {
        let digits = String(b, radix: 16, uppercase: true)
        return "0x" + (b < 0x10 ? "0" : "") + digits
    }

    /// A member name for a message: quoted when short printable ASCII (protocol and field names are), else not named.
    private static func printable(_ key: String) -> String {
        let utf8 = key.utf8
        guard utf8.count <= 64, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return "(a name)" }
        return "\"\(key)\""
    }
}
