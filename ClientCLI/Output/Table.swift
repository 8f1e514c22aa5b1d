/// A table of text in aligned columns for a terminal, as the human output of the
/// listing commands prints it.
///
/// Columns are padded to the widest cell by **display width**: a Chinese character
/// (and any East Asian wide or full-width character) takes two columns, so
/// `户主姓名` lines up with `511011********1234`. The last column is not padded.
///
/// ```swift
/// var table = Table(["短号", "户主姓名", "家庭人口"], rightAligned: [2])
/// table.append(["1a2b3c4d", "张大山", "3"])
/// print(table.render(), terminator: "")
/// ```
struct Table {
    /// Column titles; none for a two-column list of labels and values.
    var headers: [String]
    var rows: [[String]] = []
    /// Columns (by index) aligned to the right, e.g. amounts and counts.
    var rightAligned: Set<Int> = []
    /// Spaces before every line.
    var indent = 0
    /// Spaces between columns.
    var gap = 2

    init(_ headers: [String], rightAligned: Set<Int> = [], indent: Int = 0) {
        self.headers = headers; self.rightAligned = rightAligned; self.indent = indent
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The header line and every row, each ending in a newline.
    func render() -> String {
        let all = headers.isEmpty ? rows : [headers] + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in all.map { c < $0.count ? Self.width($0[c]) : 0 }.max() ?? 0 }
        let margin = String(repeating: " ", count: indent)
        return all.map { row in
            var line = margin
            for (c, cell) in row.enumerated() {
                let fill = String(repeating: " ", count: widths[c] - Self.width(cell))
                let last = c == row.count - 1
                if rightAligned.contains(c) {
                    line += fill + cell
                } else {
                    line += last ? cell : cell + fill
                }
                if !last { line += String(repeating: " ", count: gap) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }

    /// Columns `text` takes on a terminal: 2 for East Asian wide and full-width
    /// characters (CJK ideographs, kana, hangul, full-width forms such as `（`),
    /// 0 for combining marks and zero-width characters, 1 otherwise.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + width($1) }
    }

    static func width(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch v {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F, 0xFEFF: return 0
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default: return 1
        }
    }

    /// `text` padded with spaces to `columns` display columns.
    static func pad(_ text: String, to columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }
}
