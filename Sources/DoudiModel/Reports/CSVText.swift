/// CSV text the way a civil-affairs office opens it in Excel: UTF-8 with a byte-order
/// mark, fields quoted per RFC 4180, lines ended by CRLF.
///
/// Without the BOM, Excel on a Chinese Windows reads UTF-8 as GBK and shows 乱码; with
/// it, Chinese names and column titles open correctly by double-click.
///
/// ```swift
/// var csv = CSVText()
/// csv.append(["序号", "姓名"])
/// csv.append(["1", "张三"])
/// let text = csv.text   // "\u{FEFF}序号,姓名\r\n1,张三\r\n"
/// ```
///
/// Fields are written as given. Excel shows an 18-digit resident ID number or a long
/// account number in scientific notation when it opens a CSV file by double-click; staff
/// should import such files as text (数据 → 自文本) and never re-save the bank's copy from Excel.
public struct CSVText: Sendable, Hashable {
    /// The rows, each a list of unquoted fields.
    public private(set) var rows: [[String]]

    /// An empty document.
    public init() { rows = [] }

    /// A document with these rows.
    public init(rows: [[String]]) { self.rows = rows }

    /// Adds a row.
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// Adds an empty line (a row of one empty field), e.g. between a table and its totals.
    public mutating func appendBlankRow() { rows.append([""]) }

    /// The UTF-8 byte-order mark that starts the text.
    public static let byteOrderMark = "\u{FEFF}"

    /// The document: the BOM, then each row with its fields quoted where needed and
    /// joined by commas, each line ended by CRLF (the last one too).
    public var text: String {
        var out = Self.byteOrderMark
        for row in rows {
            out += row.map(Self.field).joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    /// One field as RFC 4180 writes it: in double quotes, with inner quotes doubled,
    /// when it holds a comma, a quote, a carriage return or a line feed; as is otherwise.
    public static func field(_ raw: String) -> String {
        // A cell Excel or WPS would run as a formula (=, +, @, or - before a non-digit, e.g. a
        // name typed as "=HYPERLINK(…)") is written with a leading apostrophe: shown as text.
        let value: String
        if let first = raw.unicodeScalars.first,
           first == "=" || first == "+" || first == "@" || first == "\t"
            || (first == "-" && !(raw.unicodeScalars.dropFirst().first.map { ("0"..."9").contains($0) } ?? false)) {
            value = "'" + raw
        } else {
            value = raw
        }
        // Scalars, not Characters: "\r\n" is one Character and would hide a CR or LF.
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Escapes text for HTML, so that a name such as `<script>` prints as written and
/// never runs.
public enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` replaced by character references; safe in element
    /// content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Formatting shared by the reports.
enum ReportFormat {
    /// `2026年12月`
    static func chinese(_ month: YearMonth) -> String { "\(month.year)年\(month.month)月" }

    /// `2026年12月8日`
    static func chinese(_ day: Day) -> String { "\(day.year)年\(day.month)月\(day.day)日" }

    /// An account number masked for listings (FORMS.md): 4 + **** + 4; a short number
    /// shows only its last characters.
    static func maskedAccount(_ number: String) -> String {
        let chars = Array(number)
        if chars.count > 8 { return String(chars.prefix(4)) + "****" + String(chars.suffix(4)) }
        return "****" + String(chars.suffix(min(2, chars.count / 2)))
    }

    /// `part / whole` as a percentage with one decimal, rounded half up, in integer
    /// arithmetic: `percent(3, of: 8)` is `37.5%`. `nil` when `whole` is not positive.
    static func percent(_ part: FenFraction, of whole: FenFraction) -> String? {
        guard whole.numerator > 0 else { return nil }
        // (a/b) / (c/d) = (a·d) / (b·c); tenths of a percent = that × 1000, rounded half up.
        let num = part.numerator * whole.denominator * 1000
        let den = part.denominator * whole.numerator
        let negative = num < 0
        let tenths = (2 * num.magnitude + den.magnitude) / (2 * den.magnitude)
        return "\(negative ? "-" : "")\(tenths / 10).\(tenths % 10)%"
    }
}
