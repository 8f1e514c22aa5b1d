import Foundation
import Testing
@testable import DoudiModel

@Suite("Spreadsheets: workbooks of the roll and the ledger, CSV kept text for Excel, account numbers")
struct SpreadsheetTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    @Test("CSV for Excel: a digits-only text cell is written =\"…\"; numbers, text with letters and raw rows as given")
    func csvProtection() {
        var csv = CSVText()
        csv.append(cells: [.text("511011195803040114"), .text("51101119600506022X"), .text("0123"), .integer(12), .yuan(Money(fen: 48000)),
                           .text("张大山"), .empty, .text("=1+1")])
        csv.append(["511011195803040114", "6214670000123456789"])   // a bank's batch file: bare digits
        let lines = csv.text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[0] == "\"=\"\"511011195803040114\"\"\",51101119600506022X,\"=\"\"0123\"\"\",12,480.00,张大山,,'=1+1")
        #expect(lines[1] == "511011195803040114,6214670000123456789")
        #expect(csv.rows[0][0] == "511011195803040114")   // the rows hold what a spreadsheet shows
    }

    @Test("The roll's workbook: 发放明细 with the CSV's columns, 合计, 说明; ID and account numbers text, amounts numbers")
    func rollWorkbook() throws {
        let roll = PaymentRollTests.roll(PaymentRollTests.mixed)
        let book = roll.workbook()
        #expect(book.title == roll.title)
        #expect(book.sheets.map(\.name) == ["发放明细", "合计", "说明"])
        let lines = book.sheets[0]
        #expect(lines.headerRows == 1)
        #expect(lines.rows[0] == PaymentRoll.columns.map(Cell.text))
        #expect(lines.rows.count == roll.lines.count + 1)
        let column = Dictionary(uniqueKeysWithValues: PaymentRoll.columns.enumerated().map { ($1, $0) })
        for (row, line) in zip(lines.rows.dropFirst(), roll.lines) {
            #expect(row[column["身份证号"]!] == .text(line.residentID!.value))
            #expect(row[column["一卡通账号"]!] == .text(R.account.accountNumber))
            #expect(row[column["金额合计"]!] == .number(line.total.yuanText))
            #expect(row[column["保障人数"]!] == .number(String(line.persons)))
            #expect(row[column["序号"]!] == .number(String(line.number)))
        }
        let totals = book.sheets[1]
        #expect(totals.rows.last == [.text("合计"), .empty, .integer(roll.households), .integer(roll.persons), .yuan(roll.grandTotal)])
        #expect(book.sheets[2].rows.contains([.text("制表单位"), .text("椑木镇人民政府")]))
        // masked: no full number anywhere in the workbook
        let masked = roll.workbook(masked: true)
        let shown = masked.sheets.flatMap(\.rows).flatMap { $0 }.map(\.shown)
        for id in PaymentRollTests.mixed.flatMap(\.members).map(\.residentID) { #expect(!shown.contains(id.value)) }
        #expect(!shown.contains(R.account.accountNumber))
    }

    @Test("One description of the columns: the CSV's header and rows are the workbook's")
    func oneDescription() {
        let roll = PaymentRollTests.roll(PaymentRollTests.mixed)
        var csv = CSVText()
        csv.append(table: roll.lines, columns: PaymentRoll.lineColumns(masked: false))
        #expect(csv.rows == roll.workbook().sheets[0].rows.map { $0.map(\.shown) })
        let ledger = TownLedgerTests.ledger
        let book = ledger.workbook()
        #expect(book.sheets.map(\.name) == ["分类台账", "项目汇总", "困境儿童", "说明"])
        #expect(book.sheets[0].rows[0].map(\.shown) == ["乡镇"] + TownLedger.groupColumns.titles())
        #expect(book.sheets[0].rows.count == 1 + LedgerGroup.allCases.count)
        #expect(book.sheets[1].rows[1][0] == .text("椑木镇"))
        #expect(book.sheets[1].rows.dropFirst().allSatisfy { if case .number = $0[4] { true } else { false } })
        // several towns: one sheet per table, the towns one after another
        let two = TownLedger.workbook([ledger, ledger])
        #expect(two.sheets[0].rows.count == 1 + 2 * LedgerGroup.allCases.count)
    }

    @Test("Sheet names made valid for Excel", arguments: [
        ("发放明细", "发放明细"), ("a/b:c*d?e[f]g\\h", "a_b_c_d_e_f_g_h"), ("", "Sheet"), ("'x", "_x"),
        (String(repeating: "长", count: 40), String(repeating: "长", count: 31)),
    ])
    func sheetNames(name: String, valid: String) {
        #expect(Sheet.validName(name, taken: []) == valid)
    }

    @Test("A taken sheet name gets a number; widths fit Chinese text")
    func sheetNameClash() {
        #expect(Sheet.validName("合计", taken: ["合计"]) == "合计(2)")
        #expect(Sheet.validName("Sheet", taken: ["sheet", "Sheet(2)"]) == "Sheet(3)")
        #expect(Sheet.displayWidth("张大山") == 6 && Sheet.displayWidth("480.00") == 6)
        #expect(Sheet.fittedWidths([[.text("身份证号"), .text("x")], [.text("511011195803040114"), .empty]]) == [20, 6])
    }

    @Test("Account numbers: spaces and hyphens removed, full-width digits read; Excel's E-notation, letters and odd lengths refused")
    func accountNumbers() throws {
        #expect(try BenefitAccount.accountNumber(" 6214 6700-0012 3456 789 ") == "6214670000123456789")
        #expect(try BenefitAccount.accountNumber("６２１４６７００００１２３４５６７８９") == "6214670000123456789")
        #expect { try BenefitAccount.accountNumber("6.21467E+18") } throws: {
            "\($0)".contains("科学计数法") && "\($0)".contains("Text")
        }
        #expect { try BenefitAccount.accountNumber("6214a70000123456789") } throws: { "\($0)".contains("digits only") }
        #expect { try BenefitAccount.accountNumber("62146700") } throws: { "\($0)".contains("has 8 digits") }
        #expect { try BenefitAccount.accountNumber(String(repeating: "6", count: 26)) } throws: { "\($0)".contains("has 26 digits") }
        #expect(Cell.isDecimalNumeral("480.00") && Cell.isDecimalNumeral("-3") && !Cell.isDecimalNumeral("1e5") && !Cell.isDecimalNumeral("1."))
    }
}
