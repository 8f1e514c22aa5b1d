import DoudiModel
import Foundation
import Testing
@testable import DoudiField

@Suite("Ledger import: title rows, encodings, xlsx, accounts, Excel-mangled numbers")
struct LedgerImportFormatsTests {
    static let head = try! ResidentID.make(area: "511011", birth: Day(iso: "1960-01-01"), sequence: 11).value
    static let spouse = try! ResidentID.make(area: "511011", birth: Day(iso: "1962-01-01"), sequence: 22).value
    static let other = try! ResidentID.make(area: "511011", birth: Day(iso: "1970-05-05"), sequence: 33).value

    static let header = ["户编号", "村(社区)代码", "家庭住址", "姓名", "身份证号", "与户主关系", "开户行", "账户名称", "一卡通账号"]

    /// A ledger with two title rows above the header, as offices keep them.
    static var rows: [[String]] {
        [
            ["五星村低保台账"],
            ["制表单位：五星村村委会", "", "", "制表日期：2026-11-01"],
            header,
            ["A", "511011101201", "一组1号", "张一", head, "户主", "农商银行", "张一", "6214 6700 0001 2345 678"],
            ["A", "511011101201", "一组1号", "王二", spouse, "配偶", "", "", ""],
            ["B", "511011101201", "二组2号", "李三", other, "户主", "", "", ""],
        ]
    }

    static func csv(_ rows: [[String]]) -> String {
        rows.map { $0.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// `text` in GBK through the system's iconv command.
    static func gbk(_ text: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["iconv", "-f", "UTF-8", "-t", "GBK"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input; p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return data
    }

    func expectImported(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let f = try StoreFixture()
        let report = try LedgerImport(store: f.store).run(data)
        #expect(report.rejected == [], sourceLocation: sourceLocation)
        #expect(report.households == 2 && report.members == 3, sourceLocation: sourceLocation)
        let a = try #require(try f.store.households(matching: "张一").first, sourceLocation: sourceLocation)
        let account = try f.store.household(a.id)?.benefitAccount
        #expect(account == BenefitAccount(bank: "农商银行", accountName: "张一", accountNumber: "6214670000012345678"), sourceLocation: sourceLocation)
        let b = try #require(try f.store.households(matching: "李三").first, sourceLocation: sourceLocation)
        #expect(try f.store.household(b.id)?.benefitAccount == nil, sourceLocation: sourceLocation)
    }

    @Test("Title rows above the header are skipped; the account lands in the household's record; line numbers count the title rows")
    func titleRowsAndAccounts() throws {
        try expectImported(Data(Self.csv(Self.rows).utf8))
        var bad = Self.rows
        bad[5][4] = "5110111"
        let f = try StoreFixture()
        let report = try LedgerImport(store: f.store).run(Data(Self.csv(bad).utf8))
        #expect(report.rejected.map(\.line) == [6])
    }

    @Test("GBK, UTF-16 (tab-separated Unicode text) and UTF-8 with BOM import alike")
    func encodings() throws {
        try expectImported(try Self.gbk(Self.csv(Self.rows)))
        let tabbed = Self.rows.map { $0.joined(separator: "\t") }.joined(separator: "\r\n")
        try expectImported(OfficeTextTests.utf16(tabbed, littleEndian: true, mark: true))
        try expectImported(Data(("\u{FEFF}" + Self.csv(Self.rows)).utf8))
    }

    @Test("An xlsx ledger imports; its line numbers are the sheet's row numbers")
    func workbook() throws {
        let sheet = Sheet(name: "台账", rows: Self.rows.map { $0.map(Cell.optionalText) })
        try expectImported(try XLSXWriter.data(Workbook(title: "台账", sheets: [sheet])))
    }

    @Test("An ID number Excel stored as a number is named, in Chinese with the English beside it")
    func mangledIDs() throws {
        var rows = Self.rows.map { $0.map(Cell.optionalText) }
        rows[4][4] = .number("5.11011E+17")
        rows[5][4] = .number("511011197005050330")
        let data = try XLSXWriter.data(Workbook(title: "台账", sheets: [Sheet(name: "台账", rows: rows)]))
        let f = try StoreFixture()
        let report = try LedgerImport(store: f.store).run(data)
        #expect(report.rejected.map(\.line) == [5, 6])
        #expect(report.rejected[0].reason.contains("科学计数法") && report.rejected[0].reason.contains("Text"))
        #expect(report.rejected[1].reason.contains("存为数字") && report.rejected[1].reason.contains("Text"))
        // in CSV the E-notation is named too
        var csvRows = Self.rows
        csvRows[5][4] = "5.11011E+17"
        let csvReport = try LedgerImport(store: try StoreFixture().store).run(Data(Self.csv(csvRows).utf8))
        #expect(csvReport.rejected.map(\.line) == [6] && csvReport.rejected[0].reason.contains("科学计数法"))
    }

    @Test("Accounts: rows of a household must agree; a mangled, short or partial account refuses the household's rows, naming them")
    func accountProblems() throws {
        func reasons(_ edit: (inout [[String]]) -> Void) throws -> [LedgerImport.Rejection] {
            var rows = Self.rows
            edit(&rows)
            let f = try StoreFixture()
            let report = try LedgerImport(store: f.store).run(Data(Self.csv(rows).utf8))
            #expect(report.households == 1 && report.members == 1)   // B alone lands
            return report.rejected
        }
        let disagree = try reasons { $0[4][6...8] = ["农商银行", "王二", "6214670000099999999"] }
        #expect(disagree.map(\.line) == [4, 5])
        #expect(disagree[0].reason.contains("lines 4 and 5") && disagree[0].reason.contains("6214****9999"))
        #expect(!disagree[0].reason.contains("6214670000099999999"))   // account numbers masked in messages
        let mangled = try reasons { $0[3][8] = "6.21467E+18" }
        #expect(mangled.map(\.line) == [4, 5] && mangled[0].reason.contains("科学计数法") && mangled[0].reason.contains("银行账号"))
        let short = try reasons { $0[3][8] = "62146" }
        #expect(short[0].reason.contains("has 5 digits"))
        let partial = try reasons { $0[3][6] = "" }
        #expect(partial[0].reason.hasPrefix("开户银行:"))
    }

    @Test("Cells Doudi or other programs kept as text for Excel read back: =\"…\", a leading apostrophe")
    func protectedCells() throws {
        var rows = Self.rows
        rows[3][4] = "=\"\(Self.head)\""
        rows[4][4] = "'\(Self.spouse)"
        rows[3][8] = "=\"6214670000012345678\""
        try expectImported(Data(Self.csv(rows).utf8))
    }

    @Test("No header row in the first rows: the error names the missing columns")
    func noHeader() throws {
        let f = try StoreFixture()
        #expect { try LedgerImport(store: f.store).run(Data("五星村低保台账\r\n户编号,姓名\r\nA,张一\r\n".utf8)) } throws: {
            "\($0)".contains("line 2") && "\($0)".contains("身份证号")
        }
    }
}
