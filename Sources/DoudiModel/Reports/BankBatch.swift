import Foundation

/// 代发批量文件: the lines of a payment roll one bank pays, laid out as that bank takes them
/// (``BankFormat``): no title rows, no totals table, full account and ID numbers as plain
/// digits (a bank's import reads them as text; this file is not for Excel), the control totals
/// where the bank wants them.
///
/// ```swift
/// let split = BankBatch.split(roll, formats: formats)
/// guard split.unserved.isEmpty else { … }          // accounts at a bank with no format
/// for batch in split.batches { write(batch.text, batch.fileName); write(batch.controlText, batch.controlFileName) }
/// ```
public struct BankBatch: Sendable, Hashable {
    /// The bank's format.
    public var format: BankFormat
    /// The roll's month.
    public var month: YearMonth
    /// The lines this bank pays, in roll order.
    public var lines: [PaymentRoll.Line]

    /// The roll's lines split by bank.
    public struct Split: Sendable, Hashable {
        /// One batch per format that serves at least one line.
        public var batches: [BankBatch]
        /// Lines with an account at a bank no format serves (or with no account): no batch pays them.
        public var unserved: [PaymentRoll.Line]
    }

    /// Splits a roll's lines by the bank of their account: each line goes to the first format
    /// (in the order given) that serves its 开户行.
    public static func split(_ roll: PaymentRoll, formats: [BankFormat]) -> Split {
        var byFormat: [[PaymentRoll.Line]] = Array(repeating: [], count: formats.count)
        var unserved: [PaymentRoll.Line] = []
        for line in roll.lines {
            guard let bank = line.account?.bank, let i = formats.firstIndex(where: { $0.serves(bank: bank) }) else {
                unserved.append(line); continue
            }
            byFormat[i].append(line)
        }
        let batches = formats.indices.filter { !byFormat[$0].isEmpty }.map {
            BankBatch(format: formats[$0], month: roll.month, lines: byFormat[$0])
        }
        return Split(batches: batches, unserved: unserved)
    }

    /// 总笔数
    public var count: Int { lines.count }
    /// 总金额
    public var total: Money { lines.reduce(.zero) { $0 + $1.total } }

    /// `代发-sichuan-rcc-202612.txt`
    public var fileName: String { "代发-\(format.id)-\(Self.yyyymm(month)).txt" }
    /// `代发-sichuan-rcc-202612.ctl`, when the control totals go in a file of their own.
    public var controlFileName: String? { format.control?.placement == .separateFile ? "代发-\(format.id)-\(Self.yyyymm(month)).ctl" : nil }

    /// The batch file's text (to be encoded in ``BankFormat/encoding``).
    public var text: String {
        var rows: [[String]] = []
        if let control = format.control, control.placement == .firstLine { rows.append(controlFields(control)) }
        if format.header { rows.append(format.columns.map(\.title)) }
        for (i, line) in lines.enumerated() { rows.append(format.columns.map { value($0.field, line, sequence: i + 1) }) }
        if let control = format.control, control.placement == .lastLine { rows.append(controlFields(control)) }
        return rows.map(join).joined()
    }

    /// The control file's text, when the bank takes the totals in a file of their own.
    public var controlText: String? {
        guard let control = format.control, control.placement == .separateFile else { return nil }
        return join(controlFields(control))
    }

    private func controlFields(_ control: BankFormat.Control) -> [String] {
        control.fields.map {
            switch $0 {
            case .count: String(count)
            case .totalYuan: total.yuanText
            case .totalFen: String(total.fen)
            case .month: Self.yyyymm(month)
            case .fileName: fileName
            }
        }
    }

    private func value(_ field: BankFormat.Field, _ line: PaymentRoll.Line, sequence: Int) -> String {
        switch field {
        case .reference: line.reference
        case .sequence: String(sequence)
        case .accountNumber: line.account?.accountNumber ?? ""
        case .accountName: line.account?.accountName ?? ""
        case .bank: line.account?.bank ?? ""
        case .residentID: line.residentID?.value ?? ""
        case .payeeName: line.payeeName
        case .amountYuan: line.total.yuanText
        case .amountFen: String(line.total.fen)
        case .summary: line.carried == nil ? "\(ReportFormat.chinese(line.month))\(line.itemName)" : "\(line.itemName)\(line.remark)"
        case .programme: line.itemName
        case .month: Self.yyyymm(line.month)
        case .town: line.townName
        case .village: line.villageName
        }
    }

    /// One row: fields joined by the delimiter, a field holding the delimiter, a quote or a line
    /// break quoted (RFC 4180 style), the line ending after it.
    private func join(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(format.delimiter) || field.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: format.delimiter) + format.lineEnding.text
    }

    static func yyyymm(_ month: YearMonth) -> String { String(format: "%04d%02d", month.year, month.month) }
}

/// Why a roll may not go to the bank yet: no file with full numbers — CSV, workbook or batch — is
/// written while a payee has no account or the bank's answers contradict each other (a failure
/// might be paid twice or not at all), and no batch while an account is at a bank no format serves.
public struct RollNotReadyForBank: Error, Sendable, CustomStringConvertible {
    /// Lines whose household has no 一卡通 account.
    public var missingAccounts: [PaymentRoll.Line] = []
    /// Lines answered both paid and failed.
    public var contradictions: [[BankReturn]] = []
    /// Lines with an account at a bank no format serves (batches only).
    public var unserved: [PaymentRoll.Line] = []

    public var description: String {
        var parts: [String] = []
        if !missingAccounts.isEmpty {
            parts.append("\(missingAccounts.count) line(s) of the roll have no 一卡通 account: the bank cannot pay them; add the accounts (household edit --bank --account-name --account-number) and make the roll again")
        }
        if !contradictions.isEmpty {
            parts.append("\(contradictions.count) line(s) have contradicting bank answers: a failure might be paid twice or not at all; settle them with the bank first")
        }
        if !unserved.isEmpty {
            parts.append("\(unserved.count) line(s) have accounts at a bank no batch format serves: add the bank's format (docs/BANK-FORMATS.md) or its name to a format's \"banks\", then make the roll again")
        }
        return parts.joined(separator: "; ") + " (listed above); no bank file was written"
    }
}

extension PaymentRoll {
    /// Checks the roll may go to the bank (a CSV or workbook with full numbers, or batches).
    ///
    /// - Throws: ``RollNotReadyForBank`` listing what stops it.
    public func checkReadyForBank() throws(RollNotReadyForBank) {
        let blockers = RollNotReadyForBank(missingAccounts: missingAccounts, contradictions: contradictions)
        guard blockers.missingAccounts.isEmpty, blockers.contradictions.isEmpty else { throw blockers }
    }

    /// The roll's batches, one per bank (``BankBatch/split(_:formats:)``), once it may go to the bank.
    ///
    /// - Throws: ``RollNotReadyForBank`` when ``checkReadyForBank()`` does, or a line's bank has no format.
    public func bankBatches(formats: [BankFormat]) throws(RollNotReadyForBank) -> [BankBatch] {
        try checkReadyForBank()
        let split = BankBatch.split(self, formats: formats)
        guard split.unserved.isEmpty else { throw RollNotReadyForBank(unserved: split.unserved) }
        return split.batches
    }
}
