import Foundation
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the cells of one sheet of an `.xlsx` workbook as text, the way a ledger import wants
/// them: shared strings, inline strings, formula results, and numbers **as stored** — `5.11011E+17`
/// stays that text, so that an ID number Excel has turned into a number can be named as such.
///
/// Guards against oversized and zip-bomb files: the file, each part once inflated, and the
/// number of cells have limits (``Limits``); past one the read stops with `too-large`.
///
/// ```swift
/// let rows = try XLSXReader.rows(try Data(contentsOf: url))        // the first sheet
/// for row in rows { print(row.number, row.cells.map(\.text)) }
/// ```
public enum XLSXReader {
    /// How much the reader accepts.
    public struct Limits: Sendable, Hashable {
        /// The file's size in bytes.
        public var fileBytes: Int
        /// One part (a sheet, the shared strings) once inflated, in bytes.
        public var partBytes: Int
        /// Cells in the sheet read.
        public var cells: Int

        public init(fileBytes: Int = 64 << 20, partBytes: Int = 256 << 20, cells: Int = 5_000_000) {
            self.fileBytes = fileBytes; self.partBytes = partBytes; self.cells = cells
        }

        /// 64 MiB of file, 256 MiB per inflated part, five million cells: a town's ledger is far below.
        public static let standard = Limits()
    }

    /// One cell's value as text, and whether the workbook stored it as a number.
    public struct Value: Sendable, Hashable {
        /// The text: a string as written; a number as stored (`511011101201`, `5.11011E+17`,
        /// `480.5`); `TRUE`/`FALSE`; an error such as `#N/A`.
        public var text: String
        /// True when the cell is a number cell (type `n`, the default).
        public var isNumber: Bool

        public init(text: String, isNumber: Bool = false) { self.text = text; self.isNumber = isNumber }
    }

    /// One row of a sheet: its number in the sheet (1-based, gaps kept) and its cells from column A
    /// (a missing cell is empty text).
    public struct Row: Sendable, Hashable {
        public var number: Int
        public var cells: [Value]
    }

    /// True when `data` starts as a zip archive does (an xlsx is one).
    public static func looksLikeWorkbook(_ data: Data) -> Bool {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    /// The names of the workbook's sheets, in order.
    ///
    /// - Throws: ``SpreadsheetError`` when the file is not a readable workbook.
    public static func sheetNames(_ data: Data, limits: Limits = .standard) throws(SpreadsheetError) -> [String] {
        let book = try Book(data, limits: limits)
        return try book.sheets().map(\.name)
    }

    /// The rows of a sheet: the first one, or the one named `sheet`. Rows without any cell are left
    /// out; the numbers of the rows given are those Excel shows.
    ///
    /// - Throws: ``SpreadsheetError``: `not-workbook` (not an xlsx, e.g. an old `.xls`), `too-large`,
    ///   `malformed`, `no-such-sheet` (naming the sheets there are).
    public static func rows(_ data: Data, sheet: String? = nil, limits: Limits = .standard) throws(SpreadsheetError) -> [Row] {
        let book = try Book(data, limits: limits)
        let sheets = try book.sheets()
        let chosen: (name: String, path: String)
        if let sheet {
            guard let found = sheets.first(where: { $0.name == sheet }) else {
                throw SpreadsheetError(.noSuchSheet, "the workbook has no sheet “\(sheet)”; its sheets: \(sheets.map(\.name).joined(separator: "、"))")
            }
            chosen = found
        } else {
            guard let first = sheets.first else { throw SpreadsheetError(.notWorkbook, "the workbook has no sheet") }
            chosen = first
        }
        let strings = try book.part("xl/sharedStrings.xml").map { data throws(SpreadsheetError) in
            try SharedStringsParser.parse(data, part: "xl/sharedStrings.xml")
        } ?? []
        guard let sheetData = try book.part(chosen.path) else {
            throw SpreadsheetError(.malformed, "the workbook names sheet “\(chosen.name)” at \(chosen.path), which is not in the file: save it again from Excel")
        }
        return try SheetParser.parse(sheetData, strings: strings, limits: limits, part: chosen.path)
    }

    /// The column index (0-based) of a cell reference's letters: `A1` → 0, `AB12` → 27; `nil` when it has none.
    public static func columnIndex(_ reference: String) -> Int? {
        var n = 0, letters = 0
        for scalar in reference.unicodeScalars {
            let v = scalar.value
            if (65...90).contains(v) { n = n * 26 + Int(v - 64) } else if (97...122).contains(v) { n = n * 26 + Int(v - 96) } else { break }
            letters += 1
            if letters > 3 { return nil }   // XFD (16384) is Excel's last column
        }
        return letters == 0 ? nil : n - 1
    }

    // MARK: - the archive

    /// The workbook's archive, read within the limits.
    struct Book {
        let archive: Archive
        let limits: Limits

        init(_ data: Data, limits: Limits) throws(SpreadsheetError) {
            guard data.count <= limits.fileBytes else {
                throw SpreadsheetError(.tooLarge, "the file is \(data.count >> 20) MiB; at most \(limits.fileBytes >> 20) MiB is read: split the ledger into several files")
            }
            if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
                throw SpreadsheetError(.notWorkbook, "this is an old Excel workbook (.xls): open it in Excel or WPS and save it as .xlsx (Excel 工作簿) or as CSV UTF-8")
            }
            guard looksLikeWorkbook(data), let archive = try? Archive(data: data, accessMode: .read) else {
                throw SpreadsheetError(.notWorkbook, "not an .xlsx workbook (not a zip archive): save it from Excel or WPS as .xlsx, or as CSV UTF-8")
            }
            self.archive = archive; self.limits = limits
        }

        /// A part's bytes, inflated, or `nil` when the archive has no such part.
        func part(_ path: String) throws(SpreadsheetError) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= UInt64(limits.partBytes) else { throw tooLarge(path) }
            var out = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard out.count + chunk.count <= limits.partBytes else { throw PartTooLarge() }
                    out.append(chunk)
                }
            } catch is PartTooLarge {
                throw tooLarge(path)   // the declared size lied: a zip bomb
            } catch {
                throw SpreadsheetError(.malformed, "\(path) cannot be read from the archive (\(error)): the file is damaged; save it again from Excel")
            }
            return out
        }

        struct PartTooLarge: Error {}

        func tooLarge(_ path: String) -> SpreadsheetError {
            SpreadsheetError(.tooLarge, "\(path) inflates to more than \(limits.partBytes >> 20) MiB; that is no ledger (or a damaged file): split it or save it again from Excel")
        }

        /// The sheets named in the workbook, with the part each is in.
        func sheets() throws(SpreadsheetError) -> [(name: String, path: String)] {
            guard let workbook = try part("xl/workbook.xml") else {
                throw SpreadsheetError(.notWorkbook, "a zip archive without xl/workbook.xml is no xlsx workbook: save it from Excel or WPS as .xlsx")
            }
            let sheets = try SimpleXML.elements(workbook, named: "sheet", part: "xl/workbook.xml")
            let relationships = try part("xl/_rels/workbook.xml.rels").map { data throws(SpreadsheetError) in
                try SimpleXML.elements(data, named: "Relationship", part: "xl/_rels/workbook.xml.rels")
            } ?? []
            var targets: [String: String] = [:]
            for r in relationships {
                guard let id = r["Id"], let target = r["Target"] else { continue }
                targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
            return sheets.enumerated().map { i, attributes in
                let name = attributes["name"] ?? "Sheet\(i + 1)"
                let id = attributes.first { $0.key == "id" || $0.key.hasSuffix(":id") }?.value
                return (name, id.flatMap { targets[$0] } ?? "xl/worksheets/sheet\(i + 1).xml")
            }
        }
    }
}

// MARK: - XML

/// The local name of an element or attribute (`x:c` → `c`).
private func localName(_ name: String) -> Substring {
    name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
}

private func runXMLParser(_ data: Data, with delegate: some XMLParserDelegate & ParseFailure, part: String) throws(SpreadsheetError) {
    let parser = XMLParser(data: data)
    parser.shouldResolveExternalEntities = false
    parser.delegate = delegate
    // swift-corelibs-foundation's parse() may return true after an error: check parserError too
    if !parser.parse() || parser.parserError != nil || delegate.stop != nil {
        if let stop = delegate.stop { throw stop }
        let line = parser.lineNumber
        throw SpreadsheetError(.malformed, "\(part) is not well-formed XML (line \(line): \(parser.parserError.map { "\($0)" } ?? "unknown error")): the file is damaged; save it again from Excel")
    }
}

/// A delegate that may stop the parse with its own error.
private protocol ParseFailure: AnyObject { var stop: SpreadsheetError? { get } }

/// The attributes of every element of one name.
private enum SimpleXML {
    final class Collector: NSObject, XMLParserDelegate, ParseFailure {
        let name: String
        var found: [[String: String]] = []
        var stop: SpreadsheetError? { nil }
        init(name: String) { self.name = name }
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if localName(elementName) == name { found.append(attributes) }
        }
    }

    static func elements(_ data: Data, named name: String, part: String) throws(SpreadsheetError) -> [[String: String]] {
        let collector = Collector(name: name)
        try runXMLParser(data, with: collector, part: part)
        return collector.found
    }
}

/// `xl/sharedStrings.xml`: each `<si>`'s text, its runs joined, phonetic guides (`<rPh>`) left out.
private enum SharedStringsParser {
    final class Delegate: NSObject, XMLParserDelegate, ParseFailure {
        var strings: [String] = []
        var current = ""
        var inItem = false, inText = false, phonetic = 0
        var stop: SpreadsheetError? { nil }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch localName(elementName) {
            case "si": inItem = true; current = ""
            case "rPh": phonetic += 1
            case "t": inText = inItem && phonetic == 0
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch localName(elementName) {
            case "si": strings.append(current); inItem = false
            case "rPh": phonetic -= 1
            case "t": inText = false
            default: break
            }
        }
    }

    static func parse(_ data: Data, part: String) throws(SpreadsheetError) -> [String] {
        let delegate = Delegate()
        try runXMLParser(data, with: delegate, part: part)
        return delegate.strings
    }
}

/// A worksheet's `<sheetData>`: rows of cells, by reference.
private enum SheetParser {
    final class Delegate: NSObject, XMLParserDelegate, ParseFailure {
        let strings: [String]
        let limits: XLSXReader.Limits
        let part: String
        var rows: [XLSXReader.Row] = []
        var row: XLSXReader.Row?
        var lastRow = 0
        var cellCount = 0
        /// Cells held, the empty ones padding a row out to its last column counted too.
        var heldCells = 0
        // the cell being read
        var column = 0, type = "n", value = "", inline = ""
        var inValue = false, inInlineText = false, inCell = false
        var stop: SpreadsheetError?

        init(strings: [String], limits: XLSXReader.Limits, part: String) {
            self.strings = strings; self.limits = limits; self.part = part
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch localName(elementName) {
            case "row":
                // Excel's rows are 1 … 1,048,576; a number outside them is the file's damage, not a row
                let number = min(max(attributes["r"].flatMap { Int($0) } ?? lastRow + 1, 1), 1_048_576)
                lastRow = number
                row = XLSXReader.Row(number: number, cells: [])
            case "c":
                cellCount += 1
                if cellCount > limits.cells {
                    stop = SpreadsheetError(.tooLarge, "\(part) has more than \(limits.cells) cells: split the ledger into several files")
                    parser.abortParsing()
                    return
                }
                inCell = true
                column = attributes["r"].flatMap(XLSXReader.columnIndex) ?? (row?.cells.count ?? 0)
                type = attributes["t"] ?? "n"
                value = ""; inline = ""
            case "v": inValue = inCell
            case "t": inInlineText = inCell && type == "inlineStr"
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inValue { value += string } else if inInlineText { inline += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch localName(elementName) {
            case "v": inValue = false
            case "t": inInlineText = false
            case "c":
                inCell = false
                let cell: XLSXReader.Value
                switch type {
                case "s":
                    guard let i = Int(value.trimmingCharacters(in: .whitespaces)), strings.indices.contains(i) else {
                        stop = SpreadsheetError(.malformed, "\(part): a cell refers to shared string \(value), which is not there: the file is damaged; save it again from Excel")
                        parser.abortParsing()
                        return
                    }
                    cell = .init(text: strings[i])
                case "inlineStr": cell = .init(text: inline)
                case "b": cell = .init(text: value == "1" ? "TRUE" : "FALSE")
                case "n": cell = .init(text: value, isNumber: !value.isEmpty)
                default: cell = .init(text: value)   // str (a formula's text), e (an error), d (an ISO date)
                }
                guard var r = row, column >= 0, column < 16_384 else { return }
                if column >= r.cells.count {
                    // a cell far to the right pads its row: the padding counts against the limit too
                    heldCells += column - r.cells.count + 1
                    if heldCells > limits.cells {
                        stop = SpreadsheetError(.tooLarge, "\(part) spans more than \(limits.cells) cells (rows padded out to their last column): keep the ledger's columns together and split it into several files")
                        parser.abortParsing()
                        return
                    }
                    r.cells += Array(repeating: .init(text: ""), count: column - r.cells.count + 1)
                }
                r.cells[column] = cell
                row = r
            case "row":
                if let r = row, r.cells.contains(where: { !$0.text.isEmpty }) { rows.append(r) }
                row = nil
            default: break
            }
        }
    }

    static func parse(_ data: Data, strings: [String], limits: XLSXReader.Limits, part: String) throws(SpreadsheetError) -> [XLSXReader.Row] {
        let delegate = Delegate(strings: strings, limits: limits, part: part)
        try runXMLParser(data, with: delegate, part: part)
        return delegate.rows
    }
}
