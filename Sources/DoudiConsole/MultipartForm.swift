import Foundation
import Hummingbird

/// A posted form with a file (`multipart/form-data`, RFC 7578): its text fields and its files.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var name: String
        var fileName: String
        var data: Data
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    /// Largest upload the console reads (a bank's result file of a district is well under it).
    static let maxBytes = 16 * 1024 * 1024

    /// Reads the form of a request.
    ///
    /// - Throws: ``ConsoleError`` `badInput` for another content type, a body over ``maxBytes``
    ///   or parts that cannot be read.
    static func read(_ request: Request) async throws -> MultipartForm {
        let type = request.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"")), !boundary.isEmpty else {
            throw ConsoleError(.badInput, "表单应以文件上传方式提交 the form must be sent as multipart/form-data")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch {
            throw ConsoleError(.badInput, "文件过大 the upload is larger than \(maxBytes / 1_048_576) MiB")
        }
        return try MultipartForm(Data(buffer.readableBytesView), boundary: boundary)
    }

    init(_ body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Data] = []
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else {
            throw ConsoleError(.badInput, "上传的表单无法读取 the form has no parts")
        }
        cursor = first.upperBound
        while let next = body.range(of: delimiter, in: cursor..<body.endIndex) {
            parts.append(body[cursor..<next.lowerBound])
            cursor = next.upperBound
            if body[cursor...].starts(with: Data("--".utf8)) { break }
        }
        let crlf = Data("\r\n".utf8), headerEnd = Data("\r\n\r\n".utf8)
        for var part in parts {
            if part.starts(with: crlf) { part = part.dropFirst(2) }
            if part.suffix(2) == crlf { part = part.dropLast(2) }
            guard let split = part.range(of: headerEnd) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            let content = Data(part[split.upperBound...])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", in: String(disposition)) else { continue }
            if let fileName = Self.parameter("filename", in: String(disposition)) {
                files[name] = File(name: name, fileName: (fileName as NSString).lastPathComponent, data: content)
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    /// A text field, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// `name="value"` in a header's parameters.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard piece.lowercased().hasPrefix(key + "=") else { continue }
            return String(piece.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
