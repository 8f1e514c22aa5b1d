import Foundation

/// Rows of a delimited text file as banks write them: `,`, `|`, `;` or tab between fields,
/// fields in double quotes where they hold the delimiter (RFC 4180 style, inner quotes doubled),
/// CRLF or LF line ends. Used for the bank's result files; the ledger import has its own
/// reader with the ledger's checks (`CSVReader`).
public enum DelimitedText {
    /// The rows, each a list of fields (unquoted), in file order; a final line end adds no row.
    public static func rows(_ text: String, delimiter: String) -> [[String]] {
        let d = delimiter.unicodeScalars.first ?? ","
        var rows: [[String]] = [], row: [String] = [], field = String.UnicodeScalarView()
        var quoted = false, atFieldStart = true
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        func endField() { row.append(String(field)); field = .init(); atFieldStart = true }
        func endRow() { endField(); rows.append(row); row = [] }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where atFieldStart: quoted = true; atFieldStart = false
            case d: endField()
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                endRow()
            case "\n": endRow()
            default: field.append(c); atFieldStart = false
            }
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}
