import CompressNIO
import DoudiSync
import Foundation
import Hummingbird
import NIOCore

/// Reads request bodies: bounded by `http.maxBodyBytes`, and read as JSON by one parser,
/// ``JSONValue/parse(_:limits:)`` within ``JSONLimits`` (Protocol/SPEC.md §3.5), before anything
/// else looks at them: a push through ``PushBody``, other messages then decoded with ``WireJSON``.
struct BodyReader: Sendable {
    let maxBytes: Int
    /// The oldest protocol version a login or push may speak (`sync.oldestProtocolVersion`).
    var oldestProtocolVersion: Int = readableProtocolVersions.lowerBound

    /// The body's bytes.
    ///
    /// - Throws: ``ServerError`` `body-too-large` beyond ``maxBytes`` (checked on the
    ///   declared length first, so a huge upload is refused before it is read, and on the
    ///   decompressed size of a gzip body); `malformed-request` for gzip that is not valid or
    ///   not whole (its trailer must match what it decompresses to); `unsupported-encoding`.
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
            let compressed = buffer
            do { buffer = try buffer.decompress(with: .gzip(), maxSize: maxBytes) } catch let error as CompressNIOError {
                if error == .bufferOverflow {
                    throw ServerError(.bodyTooLarge, "the request body decompresses to more than \(maxBytes) bytes: push fewer change sets at a time")
                }
                throw ServerError(.malformedRequest, "the request body is not valid gzip (\(error))")
            }
            // the inflater reads a body cut short as far as it goes: only its trailer shows it is whole
            guard GzipTrailer.matches(compressed: compressed, decompressed: buffer) else {
                throw ServerError(.malformedRequest, "the request body is not whole gzip: it is cut short or has bytes after its end (its CRC-32 and length trailer does not match): send the whole body again")
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
    ///
    /// The bytes are read by ``JSONValue/parse(_:limits:)`` first: what it refuses (too deep,
    /// not UTF-8, numbers that are not whole, …) never reaches `JSONDecoder`.
    func decode<T: Decodable>(_ type: T.Type, data: Data, versioned: Bool = true) throws -> T {
        guard data.count <= JSONLimits.maxDocumentBytes else {
            throw ServerError(.bodyTooLarge, "the request body has \(data.count) bytes; Doudi reads at most \(JSONLimits.maxDocumentBytes) bytes of JSON at once")
        }
        do { _ = try JSONValue.parse(data) } catch { throw Self.refusal(error) }
        let decoder = WireJSON.decoder()
        if versioned {
            let probe: VersionProbe
            do { probe = try decoder.decode(VersionProbe.self, from: data) } catch let error as DecodingError {
                throw ServerError(.malformedRequest, WireJSON.describe(error))
            }
            try probe.check(oldest: oldestProtocolVersion)
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ServerError(.malformedRequest, WireJSON.describe(error))
        }
    }
}

extension BodyReader {
    /// Reads a push body with ``PushBody``: the whole body's checks, then each change set on its
    /// own (one that cannot be read is rejected alone, §8.2).
    ///
    /// - Throws: ``ServerError`` `malformed-request`, `protocol-version` or `body-too-large`
    ///   when the push is refused whole (§8.1).
    func decodePush(from request: Request) async throws -> PushEnvelope {
        let data = try await bytes(of: request)
        let body: PushBody
        do throws(PushBodyError) {
            body = try PushBody.read(data)
        } catch {
            switch error.code {
            case .notJSON: throw error.parseError.map(Self.refusal) ?? ServerError(.malformedRequest, error.message)
            case .tooLarge: throw ServerError(.bodyTooLarge, error.message)
            case .protocolVersion: throw ServerError(.protocolVersion, error.message)
            case .malformed: throw ServerError(.malformedRequest, error.message)
            }
        }
        try VersionProbe(protocolVersion: body.protocolVersion).check(oldest: oldestProtocolVersion)
        return PushEnvelope(protocolVersion: body.protocolVersion, changeSets: body.changeSets.map(IncomingChangeSet.init))
    }

    /// Reads a resolution's body, `{"note": …, "changeSet"?: …}`: its change set read member by
    /// member like a push's (``ChangeSet/init(reading:)``), never by `Codable`.
    ///
    /// - Throws: ``ServerError`` `malformed-request` naming the member at fault, or
    ///   `protocol-version` for a change set of another version.
    func decodeResolve(from request: Request) async throws -> (note: String, changeSet: ChangeSet?) {
        let data = try await bytes(of: request)
        guard data.count <= JSONLimits.maxDocumentBytes else {
            throw ServerError(.bodyTooLarge, "the request body has \(data.count) bytes; Doudi reads at most \(JSONLimits.maxDocumentBytes) bytes of JSON at once")
        }
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw Self.refusal(error) }
        guard case .object(let o) = root else {
            throw ServerError(.malformedRequest, "the body must be a JSON object {\"note\": \"…\", \"changeSet\": {…}} (changeSet optional)")
        }
        for key in o.keys.sorted() where key != "note" && key != "changeSet" {
            throw ServerError(.malformedRequest, "a resolution has no member \"\(key)\" (it has note and changeSet)")
        }
        guard case .string(let note)? = o["note"] else {
            throw ServerError(.malformedRequest, "note: must be a string saying how the conflict was resolved")
        }
        guard let value = o["changeSet"], value != .null else { return (note, nil) }
        if case .object(let c) = value, case .int(let version)? = c["protocolVersion"] {
            // the change set speaks for its laptop: one older than the oldest version answered is told to update
            try VersionProbe(protocolVersion: Int(exactly: version) ?? Int.max).check(oldest: oldestProtocolVersion)
        }
        do throws(WireError) {
            return (note, try ChangeSet(reading: value))
        } catch {
            throw ServerError(.malformedRequest, "changeSet: the change set cannot be read: \(error.message)")
        }
    }

    /// A body the parser refused, as the server answers it: 400 naming the problem and where
    /// (Protocol/SPEC.md §3.5). (A body beyond the parser's size limit is refused 413 before.)
    static func refusal(_ error: JSONParseError) -> ServerError {
        ServerError(.malformedRequest, "the body is not JSON Doudi reads: \(error)")
    }
}

/// Only the protocol version of a message, read before the rest.
struct VersionProbe: Decodable {
    var protocolVersion: Int?

    /// Refuses a version outside `oldest`…``DoudiSync/protocolVersion``.
    ///
    /// - Throws: ``ServerError`` `protocol-version` saying which side to update.
    func check(oldest: Int = readableProtocolVersions.lowerBound) throws {
        guard let version = protocolVersion else { throw ServerError(.protocolVersion, ProtocolVersionText.missing) }
        guard (oldest...DoudiSync.protocolVersion).contains(version) else {
            throw ServerError(.protocolVersion, ProtocolVersionText.notSpoken(version, oldest: oldest))
        }
    }
}
