import Foundation
import Hummingbird

/// A posted HTML form (`application/x-www-form-urlencoded`, or `multipart/form-data` when it
/// carries a file): its fields by name, a name that repeats keeping every value in order, and
/// its files.
struct FormBody: Sendable {
    private(set) var values: [String: [String]] = [:]
    /// The form's files (``MultipartForm``), by field name.
    private(set) var files: [String: MultipartForm.File] = [:]

    /// Largest form of text fields the console reads: its forms are a few fields of text.
    static let maxBytes = 64 * 1024

    init(values: [String: [String]], files: [String: MultipartForm.File]) {
        self.values = values; self.files = files
    }

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    /// Reads the form of a request, of either encoding.
    ///
    /// - Throws: ``ConsoleError`` `badInput` for a body over ``maxBytes`` (a multipart one over
    ///   ``MultipartForm/maxBytes``), not UTF-8, or multipart parts that cannot be read.
    static func read(_ request: Request) async throws -> FormBody {
        if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") {
            let form = try await MultipartForm.read(request)
            return FormBody(values: form.fields.mapValues { [$0] }, files: form.files)
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch {
            throw ConsoleError(.badInput, "表单过大 the form is larger than \(maxBytes / 1024) KiB")
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) else {
            throw ConsoleError(.badInput, "表单无法读取 the form is not UTF-8 text")
        }
        return FormBody(text)
    }

    /// The field's value, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let v = values[name]?.last?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// Every value of a repeated field.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// A required field.
    func require(_ name: String, _ label: String) throws -> String {
        guard let v = self[name] else { throw ConsoleError(.badInput, field: name, "请填写「\(label)」 \(name) is required") }
        return v
    }

    /// A required count (0 or more).
    func count(_ name: String, _ label: String) throws -> Int {
        let text = try require(name, label)
        guard let n = Int(text), n >= 0 else { throw ConsoleError(.badInput, field: name, "「\(label)」应为人数（0 或以上的整数），不是 \(text)") }
        return n
    }

    private static func decode(_ s: Substring) -> String {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }
}
