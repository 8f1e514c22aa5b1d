import CompressNIO
import DoudiSync
import Foundation
import Hummingbird
import NIOCore

/// Reads request bodies: bounded by `http.maxBodyBytes`, decoded with ``WireJSON``.
struct BodyReader: Sendable {
    let maxBytes: Int

    /// The body's bytes.
    ///
    /// - Throws: ``ServerError`` `body-too-large` beyond ``maxBytes`` (checked on the
    ///   declared length first, so a huge upload is refused before it is read).
    func bytes(of request: Request) async throws -> Data {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw ServerError(.bodyTooLarge, "the request body has \(declared) bytes; this server takes at most \(maxBytes): push fewer change sets at a time")
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw ServerError(.bodyTooLarge, "the request body is larger than \(maxBytes) bytes: push fewer change sets at a time")
        }
        switch request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity":
            break
        case "gzip", "x-gzip":
            // the limit holds for the body as decompressed, so a small bomb cannot blow up
            do { buffer = try buffer.decompress(with: .gzip(), maxSize: maxBytes) } catch let error as CompressNIOError {
                if error == .bufferOverflow {
                    throw ServerError(.bodyTooLarge, "the request body decompresses to more than \(maxBytes) bytes: push fewer change sets at a time")
                }
                throw ServerError(.malformedRequest, "the request body is not valid gzip (\(error))")
            }
        case let other?:
            throw ServerError(.unsupportedEncoding, "Content-Encoding \(other) is not accepted: send gzip or an uncompressed body")
        }
        return Data(buffer.readableBytesView)
    }

    /// Decodes the body as `T`, after checking its `protocolVersion` (when `T` has one).
    ///
    /// - Throws: ``ServerError`` `malformed-request` for a body that is not JSON or not
    ///   the expected shape, `protocol-version` for another protocol version.
    func decode<T: Decodable>(_ type: T.Type, from request: Request, versioned: Bool = true) async throws -> T {
        try decode(type, data: try await bytes(of: request), versioned: versioned)
    }

    /// Decodes bytes already read as `T`, after checking its `protocolVersion`.
    func decode<T: Decodable>(_ type: T.Type, data: Data, versioned: Bool = true) throws -> T {
        let decoder = WireJSON.decoder()
        if versioned {
            let probe: VersionProbe
            do { probe = try decoder.decode(VersionProbe.self, from: data) } catch let error as DecodingError {
                throw ServerError(.malformedRequest, WireJSON.describe(error))
            }
            try probe.check()
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ServerError(.malformedRequest, WireJSON.describe(error))
        }
    }
}

extension BodyReader {
    /// Reads a push body: with the byte parser and ``ChangeSet/init(wire:)`` on the hot path,
    /// falling back to `Codable` (and its precise messages) for a body or a change set that
    /// does not read that way.
    func decodePush(from request: Request) async throws -> PushEnvelope {
        let data = try await bytes(of: request)
        guard let root = try? JSONValue.parse(data), case .object(let o) = root, case .int(let version) = o["protocolVersion"] ?? .null,
              version == Int64(DoudiSync.protocolVersion), case .array(let items) = o["changeSets"] ?? .null else {
            return try decode(PushEnvelope.self, data: data)
        }
        var changeSets: [IncomingChangeSet] = []
        changeSets.reserveCapacity(items.count)
        for item in items {
            if let changeSet = ChangeSet(wire: item) {
                changeSets.append(.readable(changeSet))
            } else {
                do {
                    changeSets.append(try WireJSON.decoder().decode(IncomingChangeSet.self, from: Data(item.canonicalText.utf8)))
                } catch let error as DecodingError {
                    throw ServerError(.malformedRequest, WireJSON.describe(error))
                }
            }
        }
        return PushEnvelope(protocolVersion: Int(version), changeSets: changeSets)
    }
}

/// Only the protocol version of a message, read before the rest.
struct VersionProbe: Decodable {
    var protocolVersion: Int?

    func check() throws {
        guard let version = protocolVersion else {
            throw ServerError(.protocolVersion, "the message has no protocolVersion: this server speaks protocol \(DoudiSync.protocolVersion); upgrade doudi")
        }
        guard version == DoudiSync.protocolVersion else {
            throw ServerError(.protocolVersion, "protocol version \(version) is not spoken here (this server speaks \(DoudiSync.protocolVersion)): upgrade doudi")
        }
    }
}
