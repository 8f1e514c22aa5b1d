import CompressNIO
import DoudiSync
import Foundation
import Hummingbird
import NIOCore

/// The server's JSON: every strategy set by hand (STYLE.md §8). Keys are sorted so
/// equal answers are equal bytes; there are no `Date` fields on the wire (clocks and
/// times are integers), so no date strategy can leak in.
enum WireJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dataEncodingStrategy = .base64
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }

    /// A JSON response; gzip-compressed when it is worth it and `request` accepts gzip.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, compressingFor request: Request? = nil) throws -> Response {
        try response(json: try encoder().encode(value), status: status, compressingFor: request)
    }

    /// A response of JSON already written; gzip-compressed (fastest level: JSON still shrinks
    /// about 8×, at a fraction of the CPU of the default level) when worth it and accepted.
    static func response(json: Data, status: HTTPResponse.Status = .ok, compressingFor request: Request? = nil) throws -> Response {
        var buffer = ByteBuffer(bytes: json)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let request, buffer.readableBytes >= 1024, Self.acceptsGzip(request.headers[values: .acceptEncoding]) {
            buffer = try buffer.compress(with: .gzip, configuration: ZlibConfiguration(compressionLevel: .fastestCompression))
            headers[.contentEncoding] = "gzip"
            headers[.vary] = "Accept-Encoding"
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// True when an `Accept-Encoding` header lists gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ values: [String]) -> Bool {
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let refused = parts.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "").range(of: #"^q=0(\.0*)?$"#, options: .regularExpression) != nil }
            if !refused { return true }
        }
        return false
    }

    /// A decoding failure in words, naming the field. It goes back to the client only
    /// (a model check may quote the client's own value); it is never logged, since
    /// bodies hold names and resident ID numbers.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "the body" : out
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) has the wrong type (expected \(type))"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) is null (expected \(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "the body cannot be read"
        }
    }
}
