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
/// **Long numbers stay text** in rows added as cells (``append(cells:)``): Excel and WPS,
/// opening a CSV file by double-click, read `511011195803040114` as a number, show it as
/// `5.11011E+17` and keep 15 digits — the ID number is lost, and so is a 19-digit account
/// number or the leading zero of `0123`. A ``Cell/text(_:)`` cell made of digits only is
/// therefore written as the formula `="511011195803040114"` (RFC 4180-quoted:
/// `"=""511011195803040114"""`): Excel and WPS evaluate it to the text, shown in full and
/// left-aligned, and save the plain digits when the sheet is saved again. LibreOffice shows the
/// text when its import dialog's “Evaluate formulas” is ticked, and the formula as written
/// (`="511011…"`, every digit still there) when it is not. Chosen over the other conventions: a
/// leading apostrophe is shown as a character in a CSV file, and a leading tab keeps the
/// number as text but leaves an invisible tab in the cell that goes on into whatever the
/// cell is copied to (a bank's system, a search box). ID numbers ending in `X` are text already
/// and are written as they are. Doudi's own ledger import reads `="…"` back as the text inside.
///
/// Rows added as strings (``append(_:)``) are written **as given**, without this protection: for
/// files that a program, not a person, reads — a bank's batch file must carry the bare digits.
public struct CSVText: Sendable, Hashable {
    /// The rows, each a list of unquoted fields (as a spreadsheet shows them: a protected
    /// number is here without its `="…"`).
    public private(set) var rows: [[String]]
    /// The positions (row, column) of text cells made of digits only, written as `="…"`.
    private var protected: Set<[Int]> = []

    /// An empty document.
    public init() { rows = [] }

    /// A document with these rows, written as given.
    public init(rows: [[String]]) { self.rows = rows }

    /// Adds a row, its fields written as given (no protection of long numbers).
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// Adds a row of cells for people to open in Excel: a text cell made of digits only (an ID
    /// or account number, a code with a leading zero) is written as `="…"` so that it stays
    /// text; numbers and other text as they are.
    public mutating func append(cells: [Cell]) {
        for (i, cell) in cells.enumerated() {
            if case .text(let s) = cell, Self.isDigitString(s) { protected.insert([rows.count, i]) }
        }
        rows.append(cells.map(\.shown))
    }

    /// Adds a header row and one row of cells per value, from a table's columns.
    public mutating func append<Row>(table rows: [Row], columns: [TableColumn<Row>]) {
        append(columns.titles())
        for row in rows { append(cells: columns.cells(row)) }
    }

    /// True for a non-empty string of ASCII digits only: what Excel would read as a number.
    static func isDigitString(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The field of a text cell made of digits only as Excel keeps it text: `="…"`, quoted.
    public static func protectedField(_ digits: String) -> String {
        "\"=\"\"" + digits + "\"\"\""
    }

    /// Adds an empty line (a row of one empty field), e.g. between a table and its totals.
    public mutating func appendBlankRow() { rows.append([""]) }

    /// The UTF-8 byte-order mark that starts the text.
    public static let byteOrderMark = "\u{FEFF}"

    /// The document: the BOM, then each row with its fields quoted where needed and
    /// joined by commas, each line ended by CRLF (the last one too).
    public var text: String {
        var out = Self.byteOrderMark
        for (r, row) in rows.enumerated() {
            out += row.enumerated().map { c, value in
                protected.contains([r, c]) ? Self.protectedField(value) : Self.field(value)
            }.joined(separator: ",")
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
