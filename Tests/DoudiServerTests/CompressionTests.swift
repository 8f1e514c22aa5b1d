import CompressNIO
import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("gzip: compressed pushes in, compressed pages out")
struct CompressionTests {
    static func gzip(_ data: Data) throws -> Data {
        var buffer = ByteBuffer(bytes: data)
        return Data(try buffer.compress(with: .gzip()).readableBytesView)
    }

    static func gunzip(_ buffer: ByteBuffer) throws -> Data {
        var buffer = buffer
        return Data(try buffer.decompress(with: .gzip()).readableBytesView)
    }

    @Test("A gzip push is read; a pull asked with Accept-Encoding gzip comes back compressed, and identical once decompressed")
    func roundTrip() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            var device = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let sets = try (0..<20).map { _ in try device.register(Device.household(village: Org.wuxing)) }
            let body = try ServerFixture.encoder.encode(PushRequest(changeSets: sets))
            let pushed = try await f.send(.post, "/v1/push", token: token, body: try Self.gzip(body), headers: [.contentEncoding: "gzip"])
            #expect(pushed.status == .ok)
            #expect(try ServerFixture.decode(PushResponse.self, pushed).acknowledgements.allSatisfy { $0.status == .accepted })

            let plain = try await f.send(.get, "/v1/pull?after=0", token: token)
            #expect(plain.headers[.contentEncoding] == nil)
            let compressed = try await f.send(.get, "/v1/pull?after=0", token: token, headers: [.acceptEncoding: "br;q=1.0, gzip;q=0.8"])
            #expect(compressed.headers[.contentEncoding] == "gzip" && compressed.body.readableBytes < plain.body.readableBytes / 3)
            #expect(try Self.gunzip(compressed.body) == Data(plain.body.readableBytesView))
            let refused = try await f.send(.get, "/v1/pull?after=0", token: token, headers: [.acceptEncoding: "gzip;q=0"])
            #expect(refused.headers[.contentEncoding] == nil)
        }
    }

    @Test("A gzip body that decompresses beyond the limit is a 413; broken gzip a 400; another coding a 415")
    func refusals() async throws {
        try await ServerFixture.run(configure: { $0.http.maxBodyBytes = 64 * 1024 }) { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let bomb = try Self.gzip(Data(repeating: UInt8(ascii: " "), count: 1024 * 1024))
            #expect(bomb.count < 64 * 1024)
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: bomb, headers: [.contentEncoding: "gzip"]),
                              .contentTooLarge, "body-too-large")
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: Data("not gzip at all".utf8), headers: [.contentEncoding: "gzip"]),
                              .badRequest, "malformed-request")
            try f.expectError(try await f.send(.post, "/v1/push", token: token, body: Data("{}".utf8), headers: [.contentEncoding: "br"]),
                              .unsupportedMediaType, "unsupported-encoding")
        }
    }
}
