import Foundation
import Testing
@testable import DoudiSync

/// The rules of `JSONValue.parse` (Protocol/SPEC.md §3.5), one test per rule: each would fail on
/// the parser before issue 12 (which recursed without bound, trapped on `\uD800\u0041`, and
/// accepted invalid escapes, raw control characters, invalid UTF-8 and UTF-16).
@Suite("JSON parser: limits and strictness")
struct JSONParserTests {
    static func parse(_ text: String, limits: JSONLimits = .standard) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(Data(text.utf8), limits: limits)
    }

    static func parse(bytes: [UInt8]) throws(JSONParseError) -> JSONValue { try JSONValue.parse(Data(bytes)) }

    /// The error `body` throws, or a recorded issue.
    static func refusal(_ sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> JSONValue) -> JSONParseError? {
        do {
            let value = try body()
            Issue.record("read as \(value.canonicalText.prefix(80)), expected a refusal", sourceLocation: sourceLocation)
            return nil
        } catch let error as JSONParseError {
            return error
        } catch {
            Issue.record("not a JSONParseError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func nested(_ depth: Int, open: String = "[", close: String = "]", inner: String = "1") -> String {
        String(repeating: open, count: depth) + inner + String(repeating: close, count: depth)
    }

    // MARK: nesting

    @Test("Nesting: 64 levels are read, 65 are refused as a limit, 100,000 unclosed [ without a crash")
    func depth() throws {
        #expect(JSONLimits.maxDepth == 64)
        _ = try Self.parse(Self.nested(64))
        _ = try Self.parse(Self.nested(64, open: #"{"a":"#, close: "}"))
        let tooDeep = try #require(Self.refusal { try Self.parse(Self.nested(65)) })
        #expect(tooDeep.kind == .limit && tooDeep.offset == 64 && tooDeep.message.contains("nested deeper than 64"))
        #expect(Self.refusal { try Self.parse(Self.nested(65, open: #"{"a":"#, close: "}")) }?.kind == .limit)
        #expect(Self.refusal { try Self.parse(String(repeating: "[", count: 100_000)) }?.kind == .limit)
        #expect(Self.refusal { try Self.parse(String(repeating: #"[{"":"#, count: 50_000)) }?.kind == .limit)
        // siblings do not add up: only the depth counts
        _ = try Self.parse("[" + Array(repeating: Self.nested(60), count: 1000).joined(separator: ",") + "]")
        // a limit of one's own, and never deeper than the ceiling
        #expect(Self.refusal { try Self.parse(Self.nested(4), limits: JSONLimits(depth: 3)) }?.message.contains("deeper than 3") == true)
        #expect(Self.refusal { try Self.parse(Self.nested(600), limits: JSONLimits(depth: 100_000)) }?.message.contains("deeper than \(JSONLimits.depthCeiling)") == true)
    }

    @Test("Nesting through Codable: JSONValue read by JSONDecoder stops at the same depth instead of recursing on")
    func depthThroughCodable() throws {
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(Self.nested(60).utf8)) == Self.parse(Self.nested(60)))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JSONValue.self, from: Data(Self.nested(65).utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(Self.nested(5000).utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(String(repeating: "[", count: 5000).utf8)) }
    }

    // MARK: strings

    @Test("Surrogate escapes: a pair is one character; \\uD800\\u0041, a lone high or low surrogate are refused, not trapped on")
    func surrogates() throws {
        #expect(try Self.parse(#"["\uD83D\uDE00"]"#) == .array([.string("😀")]))
        #expect(try Self.parse(#"["\ud83d\ude00x"]"#) == .array([.string("😀x")]))
        for text in [#"["\uD800\u0041"]"#, #"["\uD800"]"#, #"["\uDC00"]"#, #"["\uDBFF\uDBFF"]"#, #"["a\uD800b"]"#, #"["\uDE00\uD83D"]"#, #""\uD800""#] {
            let error = try #require(Self.refusal { try Self.parse(text) }, "\(text)")
            #expect(error.kind == .encoding && error.message.contains("surrogate"), "\(text): \(error)")
        }
        #expect(Self.refusal { try Self.parse(#"["\uD800\u004"]"#) }?.kind == .syntax)
    }

    @Test("Escapes: only JSON's; each decodes to its character")
    func escapes() throws {
        #expect(try Self.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u4E2D\u0000""#) == .string("\"\\/\u{08}\u{0C}\n\r\tAé中\u{0}"))
        for bad in [#""\q""#, #""\x41""#, #""\U0041""#, #""\'""#, #""\a""#, #""\0""#, "\"\\\u{09}\"", #""\u12""#, #""\uGHIJ""#, #""\"#] {
            let error = try #require(Self.refusal { try Self.parse(bad) }, "\(bad)")
            #expect(error.kind == .syntax, "\(bad): \(error)")
        }
        #expect(Self.refusal { try Self.parse(#"["ok","\q"]"#) }?.offset == 7)
        #expect(Self.refusal { try Self.parse(#""\q""#) }?.message.contains("not a JSON escape") == true)
    }

    @Test("Raw control characters U+0000–U+001F in a string are refused (escaped they are read); U+007F is not a control here")
    func controlCharacters() throws {
        for byte in UInt8(0)..<0x20 {
            let error = try #require(Self.refusal { try Self.parse(bytes: [0x22, 0x61, byte, 0x22]) }, "\(byte)")
            #expect(error.kind == .syntax && error.offset == 2 && error.message.contains("control character"), "\(byte): \(error)")
            // after an escape too (the slow path)
            #expect(Self.refusal { try Self.parse(bytes: [0x22, 0x5C, 0x6E, byte, 0x22]) }?.offset == 3)
        }
        #expect(try Self.parse(bytes: [0x22, 0x7F, 0x22]) == .string("\u{7F}"))
        #expect(try Self.parse(#""a\u0001\u001fb""#) == .string("a\u{01}\u{1F}b"))
    }

    @Test("UTF-8: any character is read; invalid, overlong, surrogate and beyond-U+10FFFF sequences are refused with their offset")
    func utf8() throws {
        #expect(try Self.parse("\"五星村 3组12号 é ﷽ 😀 \u{FFFF}\u{2028}\"") == .string("五星村 3组12号 é ﷽ 😀 \u{FFFF}\u{2028}"))
        let invalid: [(String, [UInt8])] = [
            ("overlong /", [0xC0, 0xAF]), ("overlong 2", [0xC1, 0xBF]), ("overlong 3", [0xE0, 0x80, 0xAF]), ("overlong 4", [0xF0, 0x80, 0x80, 0xAF]),
            ("surrogate", [0xED, 0xA0, 0x80]), ("low surrogate", [0xED, 0xBF, 0xBF]), ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("F5", [0xF5, 0x80, 0x80, 0x80]), ("stray continuation", [0x80]), ("FF", [0xFF]), ("FE", [0xFE]),
            ("cut short", [0xE4, 0xB8]), ("cut short 4", [0xF0, 0x9F, 0x98]), ("Latin-1 é", [0xE9]),
        ]
        for (what, sequence) in invalid {
            let bytes: [UInt8] = [0x22, 0x61] + sequence + [0x62, 0x22]
            let error = try #require(Self.refusal { try Self.parse(bytes: bytes) }, "\(what)")
            #expect(error.kind == .encoding && error.offset == 2 && error.message.contains("UTF-8"), "\(what): \(error)")
            // behind an escape (the slow path) the offset is the same byte of the text
            let escaped: [UInt8] = [0x22, 0x5C, 0x6E] + sequence + [0x22]
            #expect(Self.refusal { try Self.parse(bytes: escaped) }?.offset == 3, "\(what)")
        }
        #expect(Self.refusal { try Self.parse(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]) }?.message.contains("surrogate") == true)
    }

    @Test("Encodings: a byte-order mark, UTF-16 and UTF-32 are refused as such, with a message saying to send UTF-8")
    func encodings() throws {
        let text = #"{"a":"五"}"#
        let cases: [(String, Data, String)] = [
            ("BOM", Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), "byte-order mark"),
            ("UTF-16 with BOM", try #require(text.data(using: .utf16)), "UTF-16"),
            ("UTF-16LE", try #require(text.data(using: .utf16LittleEndian)), "UTF-16"),
            ("UTF-16BE", try #require(text.data(using: .utf16BigEndian)), "UTF-16"),
            ("UTF-32 with BOM", Data([0xFF, 0xFE, 0, 0]) + (try #require(text.data(using: .utf32LittleEndian))), "UTF-32"),
            ("UTF-32BE", try #require(text.data(using: .utf32BigEndian)), "UTF-16 or UTF-32"),
        ]
        for (what, data, words) in cases {
            let error = try #require(Self.refusal { try JSONValue.parse(data) }, "\(what)")
            #expect(error.kind == .encoding && error.offset == 0 && error.message.contains(words) && error.message.contains("send UTF-8"), "\(what): \(error)")
            #expect(error.isNotJSON)
        }
    }

    @Test("A string is at most 64 KiB once its escapes are read, on both paths")
    func stringSize() throws {
        let limit = JSONLimits.maxStringBytes
        #expect(limit == 64 * 1024)
        _ = try Self.parse("\"" + String(repeating: "a", count: limit) + "\"")
        _ = try Self.parse("\"\\n" + String(repeating: "a", count: limit - 1) + "\"")
        _ = try Self.parse("\"" + String(repeating: "中", count: limit / 3) + "\"")
        for text in ["\"" + String(repeating: "a", count: limit + 1) + "\"", "\"\\n" + String(repeating: "a", count: limit) + "\"",
                     "\"" + String(repeating: "\\u4e2d", count: limit / 3 + 1) + "\"", "{\"" + String(repeating: "k", count: limit + 1) + "\":1}"] {
            let error = try #require(Self.refusal { try Self.parse(text) })
            #expect(error.kind == .limit && error.message.contains("at most \(limit) bytes in one string"), "\(error)")
        }
        #expect(Self.refusal { try Self.parse(#"["abcdef"]"#, limits: JSONLimits(stringBytes: 5)) }?.offset == 1)
    }

    @Test("A whole text is at most 64 MiB; a smaller limit of one's own is kept")
    func documentSize() throws {
        #expect(JSONLimits.maxDocumentBytes == 64 * 1024 * 1024)
        let error = try #require(Self.refusal { try Self.parse("[1,2,3]", limits: JSONLimits(documentBytes: 6)) })
        #expect(error.kind == .limit && error.offset == 0 && error.message.contains("at most 6 bytes"))
        _ = try Self.parse("[1,2,3]", limits: JSONLimits(documentBytes: 7))
    }

    // MARK: numbers and members

    @Test("Numbers: whole numbers within 64 bits are read; fractions, exponents and larger numbers are JSON Doudi refuses")
    func numbers() throws {
        #expect(try Self.parse("[0,-0,7,-12,9223372036854775807,-9223372036854775808]")
            == .array([.int(0), .int(0), .int(7), .int(-12), .int(.max), .int(.min)]))
        for text in ["1.5", "1.0", "1e2", "1E+2", "-0.0", "2e-3", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890"] {
            let error = try #require(Self.refusal { try Self.parse("[\(text)]") }, "\(text)")
            #expect(error.kind == .unsupported && error.offset == 1 && error.message.contains(text.prefix(20)), "\(text): \(error)")
            #expect(!error.isNotJSON)
            try JSONValue.checkSyntax(Data("[\(text)]".utf8))
        }
        #expect(Self.refusal { try Self.parse("[1.5]") }?.message.contains("whole") == true)
        for text in ["01", "-", "-01", "1.", ".5", "+1", "1e", "1e+", "0x10", "1_000", "Infinity", "NaN", "-Infinity", "1.5.2"] {
            let error = try #require(Self.refusal { try Self.parse("[\(text)]") }, "\(text)")
            #expect(error.kind == .syntax, "\(text): \(error)")
        }
    }

    @Test("A member given twice is refused (JSONDecoder kept the first, the parser the last); the syntax check accepts it")
    func duplicateMembers() throws {
        let error = try #require(Self.refusal { try Self.parse(#"{"sequence":1,"sequence":2}"#) })
        #expect(error.kind == .unsupported && error.offset == 14 && error.message.contains("\"sequence\" is given twice"))
        try JSONValue.checkSyntax(Data(#"{"sequence":1,"sequence":2}"#.utf8))
        #expect(try Self.parse(#"[{"a":1},{"a":2}]"#) == .array([.object(["a": .int(1)]), .object(["a": .int(2)])]))
    }

    @Test("A syntax error anywhere wins over an unsupported value before it: unsupported means the text is JSON")
    func syntaxFirst() throws {
        #expect(Self.refusal { try Self.parse("[1.5,") }?.kind == .syntax)
        #expect(Self.refusal { try Self.parse(#"{"a":1,"a":2"#) }?.kind == .syntax)
        #expect(Self.refusal { try Self.parse("[1.5, 2e3]") }?.offset == 1)
        #expect(Self.refusal { try Self.parse("[1.5, \"\u{01}\"]") }?.kind == .syntax)
    }

    // MARK: structure

    @Test("Structure: one value, JSON white space only, literals in full, no trailing commas, messages that say what to fix")
    func structure() throws {
        #expect(try Self.parse(" \t\r\n{ \"a\" : [ true , false , null ] } \n") == .object(["a": .array([.bool(true), .bool(false), .null])]))
        let refused: [(String, String)] = [
            ("", "ends too soon"), (" ", "ends too soon"), ("[1,]", "trailing comma"), (#"{"a":1,}"#, "member name"), ("[1 2]", "expected ','"),
            ("{} {}", "one value"), ("[tru]", "true"), ("[True]", "cannot start a value"), ("{'a':1}", "double quotes"), ("[1]\u{0C}", "after the JSON value"),
            (#"{"a" 1}"#, "':'"), (#"["a"#, "not closed"), ("/* */ 1", "cannot start"), ("\u{A0}1", "cannot start"),
        ]
        for (text, words) in refused {
            let error = try #require(Self.refusal { try Self.parse(text) }, "\(text)")
            #expect(error.kind == .syntax && error.message.contains(words), "\(text): \(error)")
        }
        #expect(Self.refusal { try Self.parse("[1,\n 2,\n x]") }?.offset == 9)
    }

    @Test("Canonical text reads back to the same value, for any string")
    func roundTrip() throws {
        let value = JSONValue.object([
            "text": .string("\"quoted\" \\ / \u{0}\u{08}\u{0C}\n\r\t\u{1F}\u{7F} 中文 😀 \u{2028}\u{FFFF}"),
            "numbers": .array([.int(.min), .int(.max), .int(0)]), "nested": .object(["": .null, "b": .bool(false)]),
        ])
        #expect(try JSONValue.parse(Data(value.canonicalText.utf8)) == value)
    }
}
