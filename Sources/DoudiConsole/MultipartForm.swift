import Foundation
import Hummingbird

/// A posted form with a file (`multipart/form-data`, RFC 7578): its text fields and its files.
/// A body that cannot be read whole (no closing boundary, a part without its headers or its
/// name) is refused with what is wrong, never read in part.
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
        guard type.lowercased().hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: type), !boundary.isEmpty else {
            throw ConsoleError(.badInput, "表单应以文件上传方式提交 the form must be sent as multipart/form-data with a boundary")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch {
            throw ConsoleError(.badInput, "文件过大 the upload is larger than \(maxBytes / 1_048_576) MiB")
        }
        return try MultipartForm(Data(buffer.readableBytesView), boundary: boundary)
    }

    /// Parses a body; lines may end in CRLF (as browsers send) or LF alone.
    ///
    /// - Throws: ``ConsoleError`` `badInput` saying what is missing.
    init(_ body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Data] = []
        guard let first = body.range(of: delimiter) else {
            throw ConsoleError(.badInput, "上传的表单无法读取：没有分隔符 the form has no part with its boundary")
        }
        var cursor = first.upperBound
        var closed = false
        while let next = body.range(of: delimiter, in: cursor..<body.endIndex) {
            parts.append(body[cursor..<next.lowerBound])
            cursor = next.upperBound
            if body[cursor...].starts(with: Data("--".utf8)) { closed = true; break }
        }
        guard closed else {
            throw ConsoleError(.badInput, "上传不完整（缺少结束分隔符），请重新上传 the upload is incomplete (no closing boundary): send it again")
        }
        for (number, var part) in parts.enumerated() {
            part = Self.trimmingLineEnd(part, atStart: true)
            part = Self.trimmingLineEnd(part, atStart: false)
            guard let split = part.range(of: Data("\r\n\r\n".utf8)) ?? part.range(of: Data("\n\n".utf8)) else {
                throw ConsoleError(.badInput, "上传的表单第 \(number + 1) 部分没有头部 part \(number + 1) of the form has no headers")
            }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            let content = Data(part[split.upperBound...])
            guard let disposition = headers.split(whereSeparator: \.isNewline).first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", in: String(disposition)) else {
                throw ConsoleError(.badInput, "上传的表单第 \(number + 1) 部分没有字段名 part \(number + 1) of the form has no Content-Disposition name")
            }
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

    /// One CRLF (or LF) off the start or the end of a part.
    private static func trimmingLineEnd(_ part: Data, atStart: Bool) -> Data {
        for end in [Data("\r\n".utf8), Data("\n".utf8)] {
            if atStart, part.starts(with: end) { return part.dropFirst(end.count) }
            if !atStart, part.suffix(end.count).elementsEqual(end) { return part.dropLast(end.count) }
        }
        return part
    }

    /// `key=value` or `key="value"` among a header's `;`-separated parameters; a quoted value
    /// may hold `;` and `\"`.
    static func parameter(_ key: String, in header: String) -> String? {
        var rest = Substring(header)
        // skip the header's name and its value before the first parameter
        guard let firstSemicolon = rest.firstIndex(of: ";") else { return nil }
        rest = rest[rest.index(after: firstSemicolon)...]
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            let nameEnd = rest.firstIndex(where: { $0 == "=" || $0 == ";" }) ?? rest.endIndex
            let name = rest[..<nameEnd].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[nameEnd...]
            var value = ""
            if rest.first == "=" {
                rest = rest.dropFirst().drop(while: { $0 == " " })
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    var escaped = false
                    while let c = rest.first {
                        rest = rest.dropFirst()
                        if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { value.append(c) }
                    }
                    rest = rest.drop(while: { $0 != ";" })
                } else {
                    let end = rest.firstIndex(of: ";") ?? rest.endIndex
                    value = rest[..<end].trimmingCharacters(in: .whitespaces)
                    rest = rest[end...]
                }
            }
            if rest.first == ";" { rest = rest.dropFirst() }
            if name == key.lowercased() { return value }
        }
        return nil
    }
}
