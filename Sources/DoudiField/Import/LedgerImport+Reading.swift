import DoudiModel
import Foundation

extension LedgerImport {
    /// The file's records: a workbook's rows (numbered as Excel numbers them) or the CSV text's.
    static func records(_ data: Data, sheet: String?) throws -> [CSVReader.Record] {
        if XLSXReader.looksLikeWorkbook(data) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            do {
                return try XLSXReader.rows(data, sheet: sheet).map { row in
                    CSVReader.Record(line: row.number, fields: row.cells.map(\.text),
                                     numbers: Set(row.cells.indices.filter { row.cells[$0].isNumber }))
                }
            } catch {
                throw FieldError(.validation, error.description)
            }
        }
        do { return try CSVReader.records(data) } catch { throw FieldError(.validation, error.description) }
    }

    /// The header row — the first of the top rows that names every required column — and where
    /// each known column is. Rows above it (a title, 制表单位 …) are skipped.
    ///
    /// - Throws: ``FieldError`` naming the required columns missing from the row that came closest.
    static func header(_ records: [CSVReader.Record]) throws -> (index: [Column: Int], at: Int) {
        guard !records.isEmpty else { throw FieldError(.validation, "the file is empty: it needs a header row with the column names (docs/LEDGER-CSV.md)") }
        var best: (index: [Column: Int], at: Int)?
        for (at, record) in records.prefix(headerSearchRows).enumerated() {
            var index: [Column: Int] = [:]
            for (i, title) in record.fields.enumerated() {
                if let c = Column.named(cellText(title)), index[c] == nil { index[c] = i }
            }
            if Column.required.allSatisfy({ index[$0] != nil }) { return (index, at) }
            if index.count > (best?.index.count ?? 0) { best = (index, at) }
        }
        guard let best else {
            throw FieldError(.validation, "no header row: none of the first \(min(records.count, headerSearchRows)) rows names the columns \(Column.required.map(\.rawValue).joined(separator: "、")); see docs/LEDGER-CSV.md for the columns")
        }
        let missing = Column.required.filter { best.index[$0] == nil }
        throw FieldError(.validation, "the header (line \(records[best.at].line)) lacks \(missing.map(\.rawValue).joined(separator: "、")); see docs/LEDGER-CSV.md for the columns")
    }

    /// A cell's text as the ledger means it: trimmed; `="…"` (a CSV cell kept as text for Excel,
    /// as Doudi writes them), a leading apostrophe before digits or a leading tab taken off.
    static func cellText(_ raw: String) -> String {
        var t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("=\""), t.hasSuffix("\""), t.count >= 3 {
            t = String(t.dropFirst(2).dropLast())
        } else if t.hasPrefix("'"), t.dropFirst().first?.isASCIIDigit == true {
            t = String(t.dropFirst())
        }
        return t.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A column's text in a record ("" when the column or the cell is missing), one line
    /// (TextRules: a cell's line breaks become a space). A number a workbook stored in
    /// E-notation (`5.11011101201E+11`) is written out in digits where that is exact; an ID
    /// or account number is left as stored, so that its loss can be named.
    static func value(_ c: Column, of record: CSVReader.Record, index: [Column: Int]) -> String {
        guard let i = index[c], i < record.fields.count else { return "" }
        let text = TextRules.oneLine(cellText(record.fields[i]))
        if record.numbers.contains(i), c != .residentID, c != .accountNumber, let digits = plainDigits(text) { return digits }
        return text
    }

    /// `5.11011101201E+11` → `511011101201` when the exponent covers every decimal (an exact
    /// whole number); `nil` otherwise.
    static func plainDigits(_ numeral: String) -> String? {
        let upper = numeral.uppercased()
        guard let e = upper.firstIndex(of: "E"), let exponent = Int(upper[upper.index(after: e)...]) else { return nil }
        let mantissa = upper[..<e]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), !parts[0].isEmpty else { return nil }
        let decimals = parts.count == 2 ? String(parts[1]) : ""
        guard exponent >= decimals.count, exponent <= 30 else { return nil }
        let digits = String(parts[0]) + decimals + String(repeating: "0", count: exponent - decimals.count)
        let trimmed = digits.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// The error for an ID number a workbook stored as a number: Excel keeps 15 digits, so the
    /// last ones are lost (or, in E-notation, shown as `5.11011E+17`).
    static func storedAsNumber(_ text: String) -> FieldError {
        if text.uppercased().contains("E+") {
            do { _ = try ResidentID(text) } catch { return FieldError(.validation, field: Column.residentID.rawValue, error.reason) }
        }
        return FieldError(.validation, field: Column.residentID.rawValue,
                          "Excel 已将身份证号存为数字，后几位已丢失，请将该列设为文本后重新导出 (Excel stored the ID number as a number, which keeps 15 digits: set the column to Text, type or paste the numbers again and export again)")
    }

    /// Each household's benefit account (开户银行, 账户名称, 银行账号), from the rows that give one:
    /// `nil` when none does; a failure — given to every row of the household, so that it is not
    /// imported without its account — when a row's account is incomplete or invalid, or rows disagree.
    static func accounts(_ records: [CSVReader.Record], index: [Column: Int]) -> [String: Result<BenefitAccount?, FieldError>] {
        guard index[.bank] != nil || index[.accountName] != nil || index[.accountNumber] != nil else { return [:] }
        var given: [String: [(line: Int, account: BenefitAccount)]] = [:]
        var failed: [String: FieldError] = [:]
        for record in records {
            let key = value(.householdKey, of: record, index: index)
            guard !key.isEmpty, failed[key] == nil else { continue }
            do {
                if let account = try account(of: record, index: index) { given[key, default: []].append((record.line, account)) }
            } catch {
                failed[key] = error
            }
        }
        var out: [String: Result<BenefitAccount?, FieldError>] = failed.mapValues { .failure($0) }
        for (key, rows) in given where failed[key] == nil {
            let first = rows[0]
            if let other = rows.first(where: { $0.account != first.account }) {
                let (column, a, b) = difference(first.account, other.account)
                out[key] = .failure(FieldError(.validation, field: column.rawValue,
                    "户编号 \(key): lines \(first.line) and \(other.line) give different accounts (\(a) / \(b)); a household has one account: make its rows agree, or leave the account on all but one row empty"))
            } else {
                out[key] = .success(first.account)
            }
        }
        return out
    }

    /// A row's account, `nil` when it gives none.
    ///
    /// - Throws: ``FieldError`` naming the column: a part missing, or the number not a number.
    static func account(of record: CSVReader.Record, index: [Column: Int]) throws(FieldError) -> BenefitAccount? {
        let bank = value(.bank, of: record, index: index)
        let name = value(.accountName, of: record, index: index)
        let number = value(.accountNumber, of: record, index: index)
        if bank.isEmpty && name.isEmpty && number.isEmpty { return nil }
        for (column, text) in [(Column.bank, bank), (.accountName, name), (.accountNumber, number)] where text.isEmpty {
            throw FieldError(.validation, field: column.rawValue,
                             "is empty on line \(record.line), where the account's other columns are given: an account needs 开户银行, 账户名称 and 银行账号")
        }
        let digits: String
        do { digits = try BenefitAccount.accountNumber(number) } catch {
            throw FieldError(.validation, field: Column.accountNumber.rawValue, "line \(record.line): \(error.description)")
        }
        // a workbook number keeps 15 digits: a longer account number stored as one has lost its last ones
        if let i = index[.accountNumber], record.numbers.contains(i), digits.count > 15 {
            throw FieldError(.validation, field: Column.accountNumber.rawValue,
                             "line \(record.line): Excel 已将银行账号存为数字，后几位已丢失，请将该列设为文本后重新导出 (Excel stored the account number as a number, which keeps 15 digits: set the column to Text, type or paste the numbers again and export again)")
        }
        return BenefitAccount(bank: bank, accountName: name, accountNumber: digits)
    }

    /// The first column two accounts differ in, and the two values as they may be shown (account numbers masked).
    static func difference(_ a: BenefitAccount, _ b: BenefitAccount) -> (Column, String, String) {
        if a.accountNumber != b.accountNumber { return (.accountNumber, masked(a.accountNumber), masked(b.accountNumber)) }
        if a.accountName != b.accountName { return (.accountName, a.accountName, b.accountName) }
        return (.bank, a.bank, b.bank)
    }

    /// An account number for messages: 4 + **** + 4 (FORMS.md).
    static func masked(_ number: String) -> String {
        number.count > 8 ? String(number.prefix(4)) + "****" + String(number.suffix(4)) : "****"
    }
}
