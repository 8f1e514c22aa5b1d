import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 12: bodies made to crash the server. Each is answered with a 400 `ErrorBody` naming
/// the problem, nothing is written, and the server still answers afterwards.
@Suite("Hostile bodies: deep nesting, broken escapes and encodings are a 400, never a crash")
struct HostileBodyTests {
    /// A valid push of one household whose address is `"MARKER"`, as text, for splicing.
    static func pushText(_ f: ServerFixture) throws -> String {
        var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
        let changeSet = try device.register(Device.household(village: Org.wuxing, address: "MARKER"))
        return String(decoding: try ServerFixture.encoder.encode(PushRequest(changeSets: [changeSet])), as: UTF8.self)
    }

    /// Sends `body` as a push and expects a 400 `malformed-request` whose message contains `words`;
    /// then checks that nothing was written and that the server still answers.
    static func expectRefused(_ f: ServerFixture, token: String, _ body: Data, _ words: String, headers: HTTPFields = [:],
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await f.snapshot()
        let error = try f.expectError(try await f.send(.post, "/v1/push", token: token, body: body, headers: headers), .badRequest, "malformed-request",
                                      sourceLocation: sourceLocation)
        #expect(error.message.contains(words), "\(error.message)", sourceLocation: sourceLocation)
        #expect(try await f.snapshot() == before, sourceLocation: sourceLocation)
        #expect(try await f.send(.get, "/v1/health").status == .ok, sourceLocation: sourceLocation)
    }

    @Test("5,000 nested [ as a push (10 kB) is a 400 naming the nesting limit; the server, on a real socket, still answers health")
    func deepArrays() async throws {
        try await ServerFixture.run(.live) { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            try await Self.expectRefused(f, token: token, Data(repeating: UInt8(ascii: "["), count: 5000), "nested deeper than")
            // a deep body that is otherwise well formed, too
            let closed = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
            try await Self.expectRefused(f, token: token, Data(closed.utf8), "nested deeper than")
        }
    }

    @Test("A 5,000-deep object inside a field value is a 400; so is one just past the limit; one within it is read")
    func deepFieldValue() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let text = try Self.pushText(f)
            func nested(_ depth: Int) -> String { String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth) }
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: #""MARKER""#, with: nested(5000)).utf8), "nested deeper than")
            // the address value sits 7 levels down (body, changeSets, change set, changes, change, fields, field)
            let outer = 7
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: #""MARKER""#, with: nested(JSONLimits.maxDepth - outer + 1)).utf8),
                                         "nested deeper than \(JSONLimits.maxDepth)")
            // within the limit the body is JSON: the change set is read and judged (an address must be text)
            let within = try await f.send(.post, "/v1/push", token: token,
                                          body: Data(text.replacingOccurrences(of: #""MARKER""#, with: nested(JSONLimits.maxDepth - outer)).utf8))
            #expect(within.status == .ok, "\(String(buffer: within.body))")
            let acks = try ServerFixture.decode(PushResponse.self, within).acknowledgements
            #expect(acks.map(\.status) == [.rejected])
        }
    }

    @Test("A high surrogate escape followed by a non-surrogate (\\uD800\\u0041) is a 400, not an arithmetic trap")
    func brokenSurrogatePair() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let text = try Self.pushText(f)
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: "MARKER", with: #"\uD800\u0041"#).utf8), "surrogate")
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: "MARKER", with: #"\uDC00"#).utf8), "surrogate")
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: "MARKER", with: #"\uD800"#).utf8), "surrogate")
            // a proper pair is read
            let pair = try await f.send(.post, "/v1/push", token: token, body: Data(text.replacingOccurrences(of: "MARKER", with: #"\uD83D\uDE00"#).utf8))
            #expect(pair.status == .ok, "\(String(buffer: pair.body))")
        }
    }

    @Test("Invalid escapes, raw control characters, invalid UTF-8, a byte-order mark and UTF-16 are 400s that say what to fix")
    func strictText() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let text = try Self.pushText(f)
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: "MARKER", with: #"\q"#).utf8), "escape")
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: "MARKER", with: "a\u{01}b").utf8), "control character")
            try await Self.expectRefused(f, token: token, Data(text.replacingOccurrences(of: "MARKER", with: "a\tb").utf8), "control character")
            var invalid = Data(text.utf8)
            let marker = try #require(invalid.range(of: Data("MARKER".utf8)))
            invalid.replaceSubrange(marker, with: [0xC0, 0xAF])  // an overlong "/"
            try await Self.expectRefused(f, token: token, invalid, "UTF-8")
            invalid = Data(text.utf8)
            invalid.replaceSubrange(marker, with: [0xED, 0xA0, 0x80])  // a surrogate written in UTF-8
            try await Self.expectRefused(f, token: token, invalid, "UTF-8")
            try await Self.expectRefused(f, token: token, Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), "byte-order mark")
            try await Self.expectRefused(f, token: token, try #require(text.data(using: .utf16LittleEndian)), "UTF-16")
            try await Self.expectRefused(f, token: token, try #require(text.data(using: .utf16)), "UTF-16")
        }
    }

    @Test("JSON that Doudi's values cannot hold (1e400, 2^63, 1.5, a member twice) inside one change set rejects that change set alone")
    func unsupportedInOneChangeSet() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let wall = #""wallMillis":\#(f.clock.now - 60_000)"#
            let cases: [(String, (String) -> String, String)] = [
                ("wallMillis 1e400", { $0.replacingOccurrences(of: wall, with: #""wallMillis":1e400"#) }, "whole"),
                ("wallMillis 2^63", { $0.replacingOccurrences(of: wall, with: #""wallMillis":9223372036854775808"#) }, "64-bit"),
                ("a field value 1.5", { $0.replacingOccurrences(of: #""MARKER""#, with: "1.5") }, "whole"),
                ("sequence twice", { $0.replacingOccurrences(of: #""sequence":"#, with: #""sequence":1,"sequence":"#) }, "twice"),
            ]
            for (what, spoil, words) in cases {
                let bad = try device.register(Device.household(village: Org.wuxing, address: "MARKER"))
                let good = try device.register(Device.household(village: Org.wuxing))
                let badText = spoil(String(decoding: try ServerFixture.encoder.encode(bad), as: UTF8.self))
                let goodText = String(decoding: try ServerFixture.encoder.encode(good), as: UTF8.self)
                let body = #"{"protocolVersion":1,"changeSets":["# + badText + "," + goodText + "]}"
                let response = try await f.send(.post, "/v1/push", token: token, body: Data(body.utf8))
                #expect(response.status == .ok, "\(what): \(String(buffer: response.body))")
                let acks = try ServerFixture.decode(PushResponse.self, response).acknowledgements
                #expect(acks.map(\.changeSet) == [bad.id, good.id], "\(what)")
                #expect(acks.map(\.status) == [.rejected, .accepted], "\(what)")
                #expect(acks.first?.code == "validation" && acks.first?.message?.contains(words) == true, "\(what): \(acks.first?.message ?? "")")
            }
            // outside the change sets it refuses the push
            try await Self.expectRefused(f, token: token, Data(#"{"protocolVersion":1.0,"changeSets":[]}"#.utf8), "whole")
            try await Self.expectRefused(f, token: token, Data(#"{"protocolVersion":1,"changeSets":[],"changeSets":[]}"#.utf8), "twice")
        }
    }

    @Test("Login, resolve and revoke bodies go through the same parser: deep nesting is a 400 there too")
    func otherEndpoints() async throws {
        try await ServerFixture.run { f in
            let deep = Data(repeating: UInt8(ascii: "["), count: 5000)
            let login = try f.expectError(try await f.send(.post, "/v1/login", body: deep), .badRequest, "malformed-request")
            #expect(login.message.contains("nested deeper than"))
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let resolve = try f.expectError(try await f.send(.post, "/v1/conflicts/\(UUID().uuidString)/resolve", token: token, body: deep),
                                            .badRequest, "malformed-request")
            #expect(resolve.message.contains("nested deeper than"))
            #expect(try await f.send(.get, "/v1/health").status == .ok)
        }
    }

    @Test("A gzip body without its trailer (truncated) is a 400, not read as if whole")
    func truncatedGzip() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let whole = try CompressionTests.gzip(Data(try Self.pushText(f).utf8))
            // the 8-byte trailer (CRC-32 and length) missing: the deflate stream itself is complete
            try await Self.expectRefused(f, token: token, whole.dropLast(8), "gzip", headers: [.contentEncoding: "gzip"])
            try await Self.expectRefused(f, token: token, whole.dropLast(3), "gzip", headers: [.contentEncoding: "gzip"])
            // cut inside the deflate stream
            try await Self.expectRefused(f, token: token, whole.prefix(whole.count / 2), "gzip", headers: [.contentEncoding: "gzip"])
            // the whole body is read
            let pushed = try await f.send(.post, "/v1/push", token: token, body: whole, headers: [.contentEncoding: "gzip"])
            #expect(pushed.status == .ok, "\(String(buffer: pushed.body))")
        }
    }
}
