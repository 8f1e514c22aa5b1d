import Foundation

/// Reads CSV text (RFC 4180): quoted fields with `""` escapes, commas and line
/// breaks inside quotes, CRLF or LF line ends, and a UTF-8 byte-order mark.
public enum CSVReader {
    /// One record with the line it starts on (1-based, counting the header line).
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
    }

    /// Problems with the file as a whole.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Splits UTF-8 data into records.
    ///
    /// - Throws: ``Failure`` when the bytes are not UTF-8 or a quote is never closed.
    public static func records(_ data: Data) throws(Failure) -> [Record] {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw Failure(line: 1, message: "the file is not UTF-8: save it from Excel as “CSV UTF-8 (逗号分隔)”")
        }
        var records: [Record] = []
        var field = "", fields: [String] = []
        var inQuotes = false, line = 1, recordLine = 1
        var chars = Array(text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty: inQuotes = true
                case ",": fields.append(field); field = ""
                case "\n", "\r\n", "\r":
                    fields.append(field); field = ""
                    if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
                    fields = []
                    line += 1
                    recordLine = line
                default: field.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw Failure(line: recordLine, message: "a quoted field is never closed") }
        return records
    }
}
