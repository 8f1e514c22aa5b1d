import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

/// What the laptop reads from the server (issue 12: no path that decodes JSON from outside may be
/// crashed by depth or content): pull pages go through `JSONValue.parse`, push answers and error
/// bodies through `JSONDecoder`, whose `JSONValue`s stop at the parser's depth.
@Suite("Untrusted JSON on the laptop: pull pages and answers are refused, never trapped on")
struct UntrustedJSONTests {
    static let record = #"{"entity":"household","fields":{"address":{"stamp":{"counter":0,"node":"dev-a","wallMillis":1593561600000},"value":VALUE}},"# +
        #""record":"6F1C2D3E-0000-4000-8000-000000000002","serverSequence":2,"village":"511011101201"}"#

    static func page(value: String) -> Data {
        Data((#"{"conflicts":[],"cursor":2,"hasMore":false,"records":["# + record.replacingOccurrences(of: "VALUE", with: value) + "]}").utf8)
    }

    @Test("A pull page is read; one nested 5,000 deep, with a broken surrogate, raw control characters or invalid UTF-8 is a WireError")
    func pullPages() throws {
        let page = try PullResponse(wire: Self.page(value: #""五星村3组12号""#))
        #expect(page.records.first?.fields["address"]?.value == .string("五星村3组12号"))
        let hostile = [String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000), #""\uD800\u0041""#, "\"a\u{01}b\"",
                       String(repeating: #"{"a":"#, count: 5000) + "1" + String(repeating: "}", count: 5000), "1e400"]
        for value in hostile {
            #expect(throws: WireError.self, "\(value.prefix(20))") { try PullResponse(wire: Self.page(value: value)) }
        }
        var invalid = Self.page(value: #""MARKER""#)
        let marker = try #require(invalid.range(of: Data("MARKER".utf8)))
        invalid.replaceSubrange(marker, with: [0xED, 0xA0, 0x80])
        #expect(throws: WireError.self) { try PullResponse(wire: invalid) }
        #expect(throws: WireError.self) { try PullResponse(wire: Data(String(repeating: "[", count: 100_000).utf8)) }
    }

    @Test("Push answers and conflicts read with JSONDecoder: deep values are an error, not a stack overflow")
    func answers() throws {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(PushResponse.self, from: Data(#"{"acknowledgements":"#.utf8) + Data(deep.utf8) + Data("}".utf8))
        }
        // a conflict's kept value is a JSONValue: read within the parser's depth, refused beyond it
        let shallow = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let tooDeep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        for (value, readable) in [(shallow, true), (tooDeep, false)] {
            let text = #"{"kept":"# + value + "}"
            let result = Result { try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)) }
            #expect(((try? result.get()) != nil) == readable, "\(value.count)")
        }
    }
}
