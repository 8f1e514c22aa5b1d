import DoudiModel
import Foundation
import ZIPFoundation

/// Writes a ``Workbook`` as an Office Open XML workbook (`.xlsx`) that Excel, WPS and
/// LibreOffice open: the minimal parts (content types, relationships, workbook, styles, shared
/// strings, one worksheet per sheet, title in the document properties).
///
/// Text cells are shared strings in the text number format (`@`, numFmtId 49), so an ID or
/// account number is text and stays text when typed over; an empty cell of a text column is in
/// that format too. Number cells carry their numeral as written (`480.00`), in the `0.00` format
/// when they have two decimals. The header row is bold and frozen; column widths come from the sheet.
/// The same workbook gives the same bytes (fixed entry dates), so a file can be compared.
///
/// ```swift
/// let data = try XLSXWriter.data(roll.workbook())
/// try XLSXWriter.write(roll.workbook(), to: URL(fileURLWithPath: "roll.xlsx"))
/// ```
public enum XLSXWriter {
    /// The workbook as xlsx bytes.
    ///
    /// - Throws: ``SpreadsheetError`` (`write-failed`) when the archive cannot be made.
    public static func data(_ workbook: Workbook) throws(SpreadsheetError) -> Data {
        let parts = self.parts(workbook)
        do {
            let archive = try Archive(accessMode: .create)
            for (path, text) in parts {
                let bytes = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: entryDate,
                                     compressionMethod: .deflate) { position, size in
                    bytes.subdata(in: Int(position)..<min(bytes.count, Int(position) + size))
                }
            }
            guard let data = archive.data else { throw SpreadsheetError(.writeFailed, "the xlsx archive was not made in memory") }
            return data
        } catch let error as SpreadsheetError {
            throw error
        } catch {
            throw SpreadsheetError(.writeFailed, "cannot make the xlsx archive: \(error)")
        }
    }

    /// Writes the workbook to a file (atomically: a reader never sees half a file).
    ///
    /// - Throws: ``SpreadsheetError`` (`write-failed`) naming the file when it cannot be written.
    public static func write(_ workbook: Workbook, to url: URL) throws(SpreadsheetError) {
        let bytes = try data(workbook)
        do { try bytes.write(to: url, options: .atomic) } catch {
            throw SpreadsheetError(.writeFailed, "\(url.path): cannot be written (\(error.localizedDescription)): check the folder exists and is writable")
        }
    }

    /// 1980-01-01, the first day a zip entry can carry: the same workbook gives the same bytes.
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    /// The archive's parts, path and XML text, in the order written.
    static func parts(_ workbook: Workbook) -> [(String, String)] {
        var strings = SharedStrings()
        var names: [String] = []
        var sheets: [String] = []
        for sheet in workbook.sheets {
            names.append(Sheet.validName(sheet.name, taken: Set(names)))
            sheets.append(worksheet(sheet, selected: sheets.isEmpty, strings: &strings))
        }
        if names.isEmpty {   // a workbook needs a sheet
            names = ["Sheet1"]
            sheets = [worksheet(Sheet(name: "Sheet1", rows: []), selected: true, strings: &strings)]
        }
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(sheets: sheets.count)),
            ("_rels/.rels", rootRelationships),
            ("docProps/core.xml", coreProperties(title: workbook.title)),
            ("docProps/app.xml", appProperties),
            ("xl/workbook.xml", workbookXML(names)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(sheets: sheets.count)),
            ("xl/styles.xml", styles),
        ]
        for (i, xml) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(i + 1).xml", xml)) }
        parts.append(("xl/sharedStrings.xml", strings.xml))
        return parts
    }

    // MARK: - styles

    /// The cell formats of `styles.xml`, by index.
    enum Style: Int {
        case general = 0, text = 1, header = 2, twoDecimals = 3
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
        <font><b/><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
        <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    // MARK: - worksheets

    static func worksheet(_ sheet: Sheet, selected: Bool, strings: inout SharedStrings) -> String {
        let width = sheet.rows.map(\.count).max() ?? 0
        // a column whose values are all text (or empty) is a text column: its empty cells are text-formatted too
        var textColumn = Array(repeating: true, count: width)
        for row in sheet.rows.dropFirst(sheet.headerRows) {
            for (i, cell) in row.enumerated() { if case .number = cell { textColumn[i] = false } }
        }
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            """
        if width > 0, !sheet.rows.isEmpty {
            xml += "<dimension ref=\"A1:\(columnName(width - 1))\(sheet.rows.count)\"/>"
        }
        xml += "<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>"
        if sheet.headerRows > 0 {
            let top = sheet.headerRows + 1
            xml += "<pane ySplit=\"\(sheet.headerRows)\" topLeftCell=\"A\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            xml += "<selection pane=\"bottomLeft\" activeCell=\"A\(top)\" sqref=\"A\(top)\"/>"
        }
        xml += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
        if width > 0 {
            xml += "<cols>"
            for i in 0..<width {
                let chars = i < sheet.columnWidths.count ? sheet.columnWidths[i] : 10
                let style = textColumn[i] ? " style=\"\(Style.text.rawValue)\"" : ""
                xml += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(max(1, min(255, chars)))\" customWidth=\"1\"\(style)/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            let isHeader = r < sheet.headerRows
            xml += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = "\(columnName(c))\(r + 1)"
                switch cell {
                case .text(let text):
                    let style = isHeader ? Style.header : .text
                    xml += "<c r=\"\(ref)\" s=\"\(style.rawValue)\" t=\"s\"><v>\(strings.index(text))</v></c>"
                case .number(let numeral) where Cell.isDecimalNumeral(numeral):
                    let parts = numeral.split(separator: ".", omittingEmptySubsequences: false)
                    let style: Style = parts.count == 2 && parts[1].count == 2 ? .twoDecimals : .general
                    xml += "<c r=\"\(ref)\"\(style == .general ? "" : " s=\"\(style.rawValue)\"")><v>\(numeral)</v></c>"
                case .number(let notNumeral):   // not a numeral: kept as text rather than lost
                    xml += "<c r=\"\(ref)\" s=\"\(Style.text.rawValue)\" t=\"s\"><v>\(strings.index(notNumeral))</v></c>"
                case .empty:
                    if textColumn[c] { xml += "<c r=\"\(ref)\" s=\"\(Style.text.rawValue)\"/>" }
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        return xml
    }

    /// The column letters of a 0-based index: 0 → `A`, 25 → `Z`, 26 → `AA`.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// The shared-string table: each distinct text once.
    struct SharedStrings {
        private var indexes: [String: Int] = [:]
        private var ordered: [String] = []
        private var uses = 0

        mutating func index(_ text: String) -> Int {
            uses += 1
            if let i = indexes[text] { return i }
            indexes[text] = ordered.count
            ordered.append(text)
            return ordered.count - 1
        }

        var xml: String {
            var out = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\(uses)" uniqueCount="\(ordered.count)">
                """
            for text in ordered {
                let space = text.first?.isWhitespace == true || text.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
                out += "<si><t\(space)>\(XMLText.escape(text))</t></si>"
            }
            return out + "</sst>"
        }
    }

    // MARK: - package parts

    static func contentTypes(sheets: Int) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
            <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
            <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
            """
        for i in 1...sheets {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """

    static func coreProperties(title: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <dc:title>\(XMLText.escape(title))</dc:title><dc:creator>Doudi 兜底</dc:creator></cp:coreProperties>
        """
    }

    static let appProperties = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Doudi</Application></Properties>
        """

    static func workbookXML(_ names: [String]) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <bookViews><workbookView activeTab="0"/></bookViews><sheets>
            """
        for (i, name) in names.enumerated() {
            xml += "<sheet name=\"\(XMLText.escape(name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return xml + "</sheets></workbook>"
    }

    static func workbookRelationships(sheets: Int) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        for i in 1...sheets {
            xml += "<Relationship Id=\"rId\(i)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        xml += "<Relationship Id=\"rId\(sheets + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return xml + "</Relationships>"
    }
}

/// Escapes text for XML element content and quoted attributes: the characters XML 1.0 cannot
/// carry (controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) dropped, then
/// escaped as for HTML (``HTMLText``: `&#39;` is as good as `&apos;` in XML).
enum XMLText {
    static func escape(_ text: String) -> String {
        let carried = text.unicodeScalars.filter { s in
            s == "\t" || s == "\n" || s == "\r" || (s.value >= 0x20 && s.value != 0xFFFE && s.value != 0xFFFF)
        }
        return HTMLText.escape(String(String.UnicodeScalarView(carried)))
    }
}

