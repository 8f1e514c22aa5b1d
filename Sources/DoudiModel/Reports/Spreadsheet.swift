/// A workbook of named sheets of typed cells: what a report gives to be written as `.xlsx`
/// (DoudiField's `XLSXWriter`) and, table by table, as CSV (``CSVText/append(cells:)``).
///
/// Pure values, no I/O. Money goes in as an exact decimal numeral (``Cell/yuan(_:)``), never
/// as a `Double`: in the xlsx file a number cell's value is text, so `480.00` stays `480.00`.
///
/// ```swift
/// let sheet = Sheet(name: "发放明细", header: ["序号", "身份证号", "金额合计"], rows: [
///     [.integer(1), .text("511011195803040114"), .yuan(Money(fen: 48000))],
/// ])
/// let book = Workbook(title: "2026年12月农村低保资金发放明细", sheets: [sheet])
/// ```
public struct Workbook: Sendable, Hashable {
    /// The document's title (the file's properties), e.g. the roll's title.
    public var title: String
    /// The sheets, in order; the first is the one a reader opens.
    public var sheets: [Sheet]

    public init(title: String, sheets: [Sheet]) {
        self.title = title; self.sheets = sheets
    }
}

/// One sheet: a table with a header row (frozen and bold where the format allows) and its rows.
public struct Sheet: Sendable, Hashable {
    /// The tab's name. Writers make it valid (at most 31 characters, none of `[]:*?/\`, unique
    /// in the workbook) with ``Sheet/validName(_:taken:)``.
    public var name: String
    /// The rows, the header first when ``headerRows`` is 1.
    public var rows: [[Cell]]
    /// How many rows at the top are the header (0 or 1).
    public var headerRows: Int
    /// Column widths in characters (a Chinese character counts 2); missing ones are the writer's default.
    public var columnWidths: [Int]

    /// A sheet of rows as given.
    public init(name: String, rows: [[Cell]], headerRows: Int = 0, columnWidths: [Int] = []) {
        self.name = name; self.rows = rows; self.headerRows = headerRows; self.columnWidths = columnWidths
    }

    /// A sheet whose first row is `header` (text cells), widths fitted to the header and the values.
    public init(name: String, header: [String], rows: [[Cell]]) {
        self.init(name: name, rows: [header.map(Cell.text)] + rows, headerRows: 1)
        columnWidths = Self.fittedWidths(self.rows)
    }

    /// The width of each column that fits its widest cell (a CJK character counting 2), between 6 and 40.
    public static func fittedWidths(_ rows: [[Cell]]) -> [Int] {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i >= widths.count { widths.append(6) }
                widths[i] = min(40, max(widths[i], Self.displayWidth(cell.shown) + 2))
            }
        }
        return widths
    }

    /// Columns a string takes in a monospaced view: 2 for a wide (CJK, full-width) character, 1 otherwise.
    public static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && !(0xD800...0xDFFF).contains($1.value) ? 2 : 1) }
    }

    /// The longest a sheet name may be in Excel.
    public static let maximumNameLength = 31

    /// `name` made a valid sheet name: `[]:*?/\` replaced by `_`, cut to 31 characters, not empty,
    /// and different (case-insensitively, as Excel compares) from every name in `taken`
    /// (a `(2)`, `(3)` … suffix where needed).
    public static func validName(_ name: String, taken: Set<String>) -> String {
        var base = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }).trimmingWhitespace()
        if base.hasPrefix("'") { base = "_" + base.dropFirst() }
        if base.isEmpty { base = "Sheet" }
        let lowered = Set(taken.map { $0.lowercased() })
        var candidate = String(base.prefix(maximumNameLength))
        var n = 2
        while lowered.contains(candidate.lowercased()) {
            let suffix = "(\(n))"
            candidate = String(base.prefix(maximumNameLength - suffix.count)) + suffix
            n += 1
        }
        return candidate
    }
}

/// One cell: text (ID and account numbers, names — kept exactly as written, never read as a
/// number), a number given as an exact decimal numeral, or nothing.
public enum Cell: Sendable, Hashable {
    /// Text, shown and kept as written: `511011195803040114` stays 18 digits.
    case text(String)
    /// A number as a decimal numeral: an optional `-`, digits, optionally `.` and digits
    /// (`3`, `480.00`, `-12.5`). Kept as written, never through `Double`.
    case number(String)
    /// An empty cell.
    case empty

    /// A count.
    public static func integer(_ value: Int) -> Cell { .number(String(value)) }

    /// An amount in yuan with two decimals (`480.00`), exact.
    public static func yuan(_ money: Money) -> Cell { .number(money.yuanText) }

    /// Text, or ``empty`` for an empty string.
    public static func optionalText(_ text: String) -> Cell { text.isEmpty ? .empty : .text(text) }

    /// What the cell shows: the text, the numeral as written, or the empty string.
    public var shown: String {
        switch self {
        case .text(let s), .number(let s): s
        case .empty: ""
        }
    }

    /// True when `text` is a decimal numeral ``number(_:)`` accepts.
    public static func isDecimalNumeral(_ text: String) -> Bool {
        var s = Substring(text)
        if s.first == "-" { s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
    }
}

/// One column of a report's table: its title, and the cell each row gives it. The one home of a
/// column: the CSV and the xlsx are both written from the same list, so a column added to the
/// list appears in both.
///
/// ```swift
/// static let columns: [TableColumn<Line>] = [
///     TableColumn("序号") { .integer($0.number) },
///     TableColumn("业务流水号") { .text($0.reference) },   // one line adds a column to CSV and xlsx
/// ]
/// ```
public struct TableColumn<Row>: Sendable {
    /// The header text.
    public var title: String
    /// The row's cell in this column.
    public let cell: @Sendable (Row) -> Cell

    public init(_ title: String, cell: @escaping @Sendable (Row) -> Cell) {
        self.title = title; self.cell = cell
    }
}

extension Array {
    /// The titles of these columns: a header row.
    public func titles<Row>() -> [String] where Element == TableColumn<Row> { map(\.title) }

    /// One row's cells, column by column.
    public func cells<Row>(_ row: Row) -> [Cell] where Element == TableColumn<Row> { map { $0.cell(row) } }

    /// A sheet with these columns' header and one row per value.
    public func sheet<Row>(named name: String, _ rows: [Row]) -> Sheet where Element == TableColumn<Row> {
        Sheet(name: name, header: titles(), rows: rows.map { cells($0) })
    }
}
