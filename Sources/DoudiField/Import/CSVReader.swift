import Foundation

/// Reads CSV text (RFC 4180): quoted fields with `""` escapes, commas and line breaks inside
/// quotes, CRLF or LF line ends; in any encoding ``OfficeText`` detects (UTF-8 with or without
/// BOM, UTF-16, GBK/GB18030). Tab-separated text (Excel's “Unicode 文本”) is read too: the
/// separator is the tab when the first lines hold more tabs than commas.
public enum CSVReader {
    /// One record with the line it starts on (1-based, counting the header line).
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
        /// The fields a workbook stored as numbers (their indexes); always empty for CSV text.
        public var numbers: Set<Int> = []

        public init(line: Int, fields: [String], numbers: Set<Int> = []) {
            self.line = line; self.fields = fields; self.numbers = numbers
        }
    }

    /// Problems with the file as a whole.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// Decodes the bytes (``OfficeText``) and splits them into records.
    ///
    /// - Throws: ``Failure`` when the bytes are text in no encoding tried, or a quote is never closed.
    public static func records(_ data: Data) throws(Failure) -> [Record] {
        let text: String
        do { text = try OfficeText.decode(data).text } catch { throw Failure(line: 0, message: error.description) }
        return try records(text: text)
    }

    /// The separator of `text`: a tab when its first lines hold more tabs than commas, else a comma.
    static func separator(_ text: String) -> Character {
        var tabs = 0, commas = 0, lines = 0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": tabs += 1
            case ",": commas += 1
            case "\n": lines += 1
            default: break
            }
            if lines >= 20 { break }
        }
        return tabs > commas ? "\t" : ","
    }

    /// Splits text into records.
    ///
    /// - Throws: ``Failure`` when a quote is never closed.
    public static func records(text: String) throws(Failure) -> [Record] {
        let separator = separator(text)
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
                case separator: fields.append(field); field = ""
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
