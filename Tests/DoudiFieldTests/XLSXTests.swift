import DoudiModel
import Foundation
import Testing
import ZIPFoundation
@testable import DoudiField

@Suite("xlsx: writing and reading workbooks")
struct XLSXTests {
    static let book = Workbook(title: "2026年12月农村低保资金发放明细 <&>", sheets: [
        Sheet(name: "发放明细", header: ["序号", "姓名", "身份证号", "一卡通账号", "金额合计", "备注"], rows: [
            [.integer(1), .text("张大山"), .text("511011195803040114"), .text("6214670000012345678"), .yuan(Money(fen: 48000)), .empty],
            [.integer(2), .text("<李&\"秀'英>"), .text("51101119600506022X"), .empty, .yuan(Money(fen: -1205)), .text("  two\nlines ")],
        ]),
        Sheet(name: "合计/Totals?", rows: [[.text("合计"), .number("1000000000000.25")]]),
    ])

    @Test("What the writer writes the reader reads back: text as text, numbers as written, gaps empty")
    func roundTrip() throws {
        let data = try XLSXWriter.data(Self.book)
        #expect(XLSXReader.looksLikeWorkbook(data))
        #expect(try XLSXReader.sheetNames(data) == ["发放明细", "合计_Totals_"])
        let rows = try XLSXReader.rows(data)
        #expect(rows.map(\.number) == [1, 2, 3])
        #expect(rows[0].cells.map(\.text) == ["序号", "姓名", "身份证号", "一卡通账号", "金额合计", "备注"])
        #expect(rows[1].cells.map(\.text) == ["1", "张大山", "511011195803040114", "6214670000012345678", "480.00", ""])
        #expect(rows[1].cells.map(\.isNumber) == [true, false, false, false, true, false])
        #expect(rows[2].cells.map(\.text) == ["2", "<李&\"秀'英>", "51101119600506022X", "", "-12.05", "  two\nlines "])
        let totals = try XLSXReader.rows(data, sheet: "合计_Totals_")
        #expect(totals.first?.cells == [.init(text: "合计"), .init(text: "1000000000000.25", isNumber: true)])
        #expect(throws: SpreadsheetError.self) { try XLSXReader.rows(data, sheet: "没有") }
        // the same workbook gives the same bytes
        #expect(try XLSXWriter.data(Self.book) == data)
    }

    @Test("Column letters", arguments: [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
    func columns(index: Int, name: String) {
        #expect(XLSXWriter.columnName(index) == name)
        #expect(XLSXReader.columnIndex(name + "12") == index)
    }

    /// A workbook made by hand, as other programs write them: `parts` are xl/… paths and their XML.
    static func handMade(sheet: String, sharedStrings: String? = nil, extra: [(String, String)] = []) throws -> Data {
        let archive = try Archive(accessMode: .create)
        var parts: [(String, String)] = [
            ("xl/workbook.xml", """
                <?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets>\
                <x:sheet name="台账" sheetId="7" r:id="rId9"/></x:sheets></x:workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>\
                </Relationships>
                """),
            ("xl/worksheets/data.xml", sheet),
        ] + extra
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { p, n in
                bytes.subdata(in: Int(p)..<min(bytes.count, Int(p) + n))
            }
        }
        return try #require(archive.data)
    }

    @Test("Reading what Excel writes: prefixed XML, shared strings with runs and phonetic guides, inline strings, gaps, numbers as stored")
    func readsExcelShapes() throws {
        let strings = """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">\
            <si><t>户编号</t></si><si><r><rPr><b/></rPr><t>身份</t></r><r><t xml:space="preserve">证号</t></r>\
            <rPh sb="0" eb="2"><t>シェン</t></rPh></si><si><t>WX-1</t></si></sst>
            """
        let sheet = """
            <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>\
            <x:row r="3"><x:c r="A3" t="s"><x:v>0</x:v></x:c><x:c r="C3" t="s"><x:v>1</x:v></x:c></x:row>\
            <x:row r="4"><x:c r="A4" t="s"><x:v>2</x:v></x:c><x:c r="C4"><x:v>5.11011E+17</x:v></x:c>\
            <x:c r="D4" t="inlineStr"><x:is><x:t>内联</x:t></x:is></x:c><x:c r="E4" t="str"><x:f>A1</x:f><x:v>公式</x:v></x:c>\
            <x:c r="F4" t="b"><x:v>1</x:v></x:c><x:c r="G4"/></x:row>\
            <x:row r="6"><x:c r="B6" s="1"/></x:row>\
            <x:row><x:c><x:v>511011195803040000</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>\
            </x:sheetData></x:worksheet>
            """
        let rows = try XLSXReader.rows(try Self.handMade(sheet: sheet, sharedStrings: strings))
        #expect(rows.map(\.number) == [3, 4, 7])   // row 6 has no value: left out
        #expect(rows[0].cells.map(\.text) == ["户编号", "", "身份证号"])
        #expect(rows[1].cells.map(\.text) == ["WX-1", "", "5.11011E+17", "内联", "公式", "TRUE", ""])
        #expect(rows[1].cells[2].isNumber && !rows[1].cells[3].isNumber)
        #expect(rows[2].cells == [.init(text: "511011195803040000", isNumber: true), .init(text: "#N/A")])
    }

    @Test("Not a workbook, an old .xls, a damaged sheet: one clear error each")
    func refusals() throws {
        func code(_ data: Data) -> SpreadsheetError.Code? {
            do { _ = try XLSXReader.rows(data); return nil } catch { return error.code }
        }
        #expect(code(Data("户编号,姓名\n".utf8)) == .notWorkbook)
        #expect(code(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0])) == .notWorkbook)
        do { _ = try XLSXReader.rows(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) } catch {
            #expect(error.description.contains(".xls"))
        }
        #expect(code(try Self.handMade(sheet: "<worksheet><sheetData><row></c></row></sheetData></worksheet>")) == .malformed)
        #expect(code(try Self.handMade(sheet: "<worksheet><sheetData><row>")) == .malformed)   // cut short
        #expect(code(try Self.handMade(sheet: "<worksheet><sheetData><row><c t=\"s\"><v>4</v></c></row></sheetData></worksheet>")) == .malformed)
    }

    @Test("A zip bomb or an oversized file stops at the limit with too-large")
    func limits() throws {
        let big = "<worksheet><sheetData>" + String(repeating: "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>", count: 20_000)
            + "</sheetData></worksheet>"
        let data = try Self.handMade(sheet: big)
        #expect(data.count < 100_000)   // compresses well, inflates to ~1 MB
        func code(_ limits: XLSXReader.Limits) -> SpreadsheetError.Code? {
            do { _ = try XLSXReader.rows(data, limits: limits); return nil } catch { return error.code }
        }
        #expect(code(.init(partBytes: 100_000)) == .tooLarge)
        #expect(code(.init(fileBytes: 1_000)) == .tooLarge)
        #expect(code(.init(cells: 1_000)) == .tooLarge)
        #expect(code(.standard) == nil)

        // one cell at the last column (XFD) of each row pads the row out: counted, not allocated past the limit
        let wide = "<worksheet><sheetData>" + String(repeating: "<row><c r=\"XFD1\" t=\"inlineStr\"><is><t>x</t></is></c></row>", count: 400)
            + "</sheetData></worksheet>"
        let padded = try Self.handMade(sheet: wide)
        #expect(throws: SpreadsheetError.self) { try XLSXReader.rows(padded, limits: .init(cells: 1_000_000)) }
        // a damaged row number is clamped, not a crash
        let damaged = try Self.handMade(sheet: "<worksheet><sheetData><row r=\"9223372036854775807\"><c t=\"inlineStr\"><is><t>a</t></is></c></row><row><c t=\"inlineStr\"><is><t>b</t></is></c></row></sheetData></worksheet>")
        #expect(try XLSXReader.rows(damaged).count == 2)
    }
}
