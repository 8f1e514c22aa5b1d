import Foundation

/// 回盘对账: the bank's result file matched to the roll lines it answers, as the bank returns
/// (``BankReturn``) to record, the failures for the town to correct, and the answers already
/// recorded (the same file read twice records nothing twice).
///
/// All or nothing: a reference no roll has, an amount that differs from the line's, an answer
/// that contradicts one already recorded, or a reference answered twice in the file is a
/// ``BankReconciliationError`` and nothing is recorded.
///
/// ```swift
/// let answers = try BankReconciliation.answers(rows: rows, layout: format.result)
/// let r = try BankReconciliation(answers: answers, line: { ref in rolls.line(ref) }, existing: returns,
///                                on: today, carryTo: nil, batch: "回盘.txt", newID: UUID.init)
/// store.record(.recordBankReturns(r.returns))
/// ```
public struct BankReconciliation: Sendable {
    /// One answer of the bank: a row of its result file.
    public struct Answer: Sendable, Hashable {
        /// The row's line number in the file, from 1.
        public var row: Int
        public var reference: String
        public var paid: Bool
        /// The status as the bank wrote it.
        public var status: String
        /// The bank's reason, for a failure.
        public var reason: String?
        /// The amount the bank names, if its file has one.
        public var amount: Money?
    }

    /// The bank returns to record, one per answer not yet recorded.
    public var returns: [BankReturn]
    /// The failures among them, with their lines: for the town to correct (the account, the name).
    public var failures: [(answer: Answer, line: PaymentRoll.Line)]
    /// Answers already recorded with the same outcome (nothing new).
    public var alreadyRecorded: [Answer]

    /// Reads the answers from the result file's rows.
    ///
    /// Skipped: empty rows, rows whose reference cell is a number (a control line of counts and
    /// totals) and rows with neither a reference nor a status (a title). A reference is read in
    /// upper case, without spaces or a byte-order mark. Every other row must name a line and
    /// give a status the format knows (``BankFormat/ResultLayout/paidValues`` or
    /// ``BankFormat/ResultLayout/failedValues``): a status that is neither — 处理中, say — is not
    /// taken as a failure (the bank may still pay it), it refuses the file.
    ///
    /// - Parameters:
    ///   - rows: the file's rows, split into fields.
    ///   - layout: where the bank puts the reference, the status, the reason and the amount.
    /// - Throws: ``BankReconciliationError`` for a missing header column or an amount that is
    ///   not one, naming the row.
    public static func answers(rows: [[String]], layout: BankFormat.ResultLayout) throws(BankReconciliationError) -> [Answer] {
        var titles: [String: Int] = [:]
        var body = Array(rows.enumerated())
        if layout.header {
            guard let first = body.firstIndex(where: { !$0.element.allSatisfy { $0.trimmingWhitespace().isEmpty } }) else { return [] }
            for (i, t) in body[first].element.enumerated() { titles[t.trimmingWhitespace()] = titles[t.trimmingWhitespace()] ?? i }
            body.removeFirst(first + 1)
        }
        func index(_ ref: BankFormat.ColumnRef) throws(BankReconciliationError) -> Int {
            switch ref {
            case .position(let n): return n - 1
            case .title(let t):
                guard let i = titles[t] else {
                    throw BankReconciliationError(row: 1, "the result file has no column titled \(t) (its columns: \(titles.keys.sorted().joined(separator: ", "))): is this the bank's result file, and the right --format?")
                }
                return i
            }
        }
        let ref = try index(layout.reference), status = try index(layout.status)
        let reason = try layout.reason.map { ref throws(BankReconciliationError) in try index(ref) }
        let amount = try layout.amountYuan.map { ref throws(BankReconciliationError) in try index(ref) }
        var out: [Answer] = []
        var problems: [String] = []
        for (offset, fields) in body {
            let row = offset + 1
            func cell(_ i: Int) -> String { i < fields.count ? fields[i].trimmingWhitespace() : "" }
            let reference = PaymentRoll.normalizedReference(cell(ref))
            let text = cell(status)
            if reference.isEmpty || reference.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { continue }
            guard PaymentRoll.isReference(reference) else {
                if !text.isEmpty {
                    problems.append("row \(row): \(cell(ref)) is not a line reference (业务流水号, like 202612R00A1B2C3D4E5F607): is the file the bank's answer to a Doudi batch, and the right --format?")
                }
                continue
            }
            guard !text.isEmpty else { problems.append("row \(row): line \(reference) has no status: the bank's file is incomplete"); continue }
            let paid = layout.paidValues.contains(text)
            guard paid || layout.failedValues.contains(text) else {
                problems.append("row \(row): line \(reference) has the status \(text), which the format counts neither as paid (\(layout.paidValues.joined(separator: "、"))) nor as failed (\(layout.failedValues.joined(separator: "、"))): if it is final, add it to the format's result.paidValues or result.failedValues (docs/BANK-FORMATS.md); if the bank is still processing the line, reconcile its final answer")
                continue
            }
            var money: Money?
            if let amount, !cell(amount).isEmpty {
                do { money = try Money(yuanString: cell(amount)) } catch {
                    problems.append("row \(row): the amount \(cell(amount)) of line \(reference) is not an amount in yuan"); continue
                }
            }
            let why = reason.map(cell).flatMap { $0.isEmpty ? nil : $0 }
            out.append(Answer(row: row, reference: reference, paid: paid, status: text, reason: why, amount: money))
        }
        guard problems.isEmpty else { throw BankReconciliationError(problems: problems) }
        return out
    }

    /// Matches answers to lines.
    ///
    /// - Parameters:
    ///   - answers: the bank's answers (``answers(rows:layout:)``).
    ///   - line: the roll line with a reference, or `nil` when no roll in reach has it.
    ///   - existing: the bank returns already recorded.
    ///   - day: 回盘日期.
    ///   - carryTo: the month whose roll pays failures again; `nil`: the month after each line's roll.
    ///   - batch: the result file's name, kept on each return.
    ///   - newID: makes the returns' ids.
    /// - Throws: ``BankReconciliationError`` naming every answer at fault; nothing is to be recorded then.
    public init(answers: [Answer], line: (String) -> PaymentRoll.Line?, existing: [BankReturn], on day: Day,
                carryTo: YearMonth?, batch: String?, newID: () -> UUID) throws(BankReconciliationError) {
        let standing = BankReturn.standing(existing)
        let recorded = Dictionary(standing.map { ($0.reference, $0) }, uniquingKeysWith: { a, _ in a })
        // a roll the bank has answered was sent: a failure carried into it would never be paid
        let answeredRolls = Set(standing.map(\.rollMonth))
        var seen: [String: Int] = [:]
        var problems: [String] = []
        var returns: [BankReturn] = [], failures: [(answer: Answer, line: PaymentRoll.Line)] = [], already: [Answer] = []
        for a in answers {
            if let first = seen[a.reference] {
                problems.append("line \(a.reference) is answered twice (rows \(first) and \(a.row))"); continue
            }
            seen[a.reference] = a.row
            guard let l = line(a.reference) else {
                problems.append("row \(a.row): \(a.reference) is on no payment roll of your jurisdiction (is the file another town's, or was the roll made from other records?)"); continue
            }
            if let amount = a.amount, amount != l.total {
                problems.append("row \(a.row): the bank paid \(amount.yuanText) on line \(a.reference) but the roll's line is \(l.total.yuanText)"); continue
            }
            let outcome: BankReturn.Outcome = a.paid ? .paid : .failed
            if let old = recorded[a.reference] {
                if old.outcome == outcome { already.append(a) } else {
                    problems.append("row \(a.row): line \(a.reference) was recorded \(old.outcome.chineseName) on \(old.recordedOn) (\(old.batch ?? "an earlier file")) and is now \(outcome.chineseName): ask the bank which is right")
                }
                continue
            }
            let carry = a.paid ? nil : (carryTo ?? l.month.adding(months: 1))
            if let carry, carry <= l.month {
                problems.append("row \(a.row): a failure on the \(l.month) roll is paid again on a later roll, not \(carry)"); continue
            }
            if let carry, answeredRolls.contains(carry) {
                problems.append("row \(a.row): the roll of \(carry) has already gone to the bank (its answer is recorded), so it cannot pay line \(a.reference) again: carry the failures to a later roll (--carry-to \(carry.adding(months: 1)))"); continue
            }
            let r = BankReturn(id: newID(), household: l.household, member: l.payee, programme: l.programme, rollMonth: l.month,
                               month: l.carried.flatMap { id in existing.first { $0.id == id }?.month } ?? l.month,
                               reference: a.reference, amount: l.total, outcome: outcome,
                               reason: a.paid ? nil : (a.reason ?? a.status), carryTo: carry, recordedOn: day, batch: batch)
            returns.append(r)
            if !a.paid { failures.append((a, l)) }
        }
        guard problems.isEmpty else { throw BankReconciliationError(problems: problems) }
        self.returns = returns; self.failures = failures; self.alreadyRecorded = already
    }
}

/// Why a bank's result file was not recorded; nothing of it was.
public struct BankReconciliationError: Error, Sendable, CustomStringConvertible {
    /// Every answer at fault, each saying what to check.
    public var problems: [String]

    init(problems: [String]) { self.problems = problems }
    init(row: Int, _ message: String) { problems = ["row \(row): \(message)"] }

    public var description: String {
        "the bank's result file was not recorded (nothing of it): " + problems.joined(separator: "; ")
    }
}

extension PaymentRoll {
    /// True for text shaped like a line's 业务流水号: six digits of the month, `R`, 16 upper-case hex digits.
    public static func isReference(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 23, u[6] == UInt8(ascii: "R") else { return false }
        return u.prefix(6).allSatisfy { (48...57).contains($0) } && u.dropFirst(7).allSatisfy { (48...57).contains($0) || (65...70).contains($0) }
    }

    /// A reference as a bank's file may give it, made comparable: upper case, without spaces
    /// or a byte-order mark.
    public static func normalizedReference(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\u{FEFF}" && !$0.properties.isWhitespace })).uppercased()
    }

    /// The roll's month, from a reference (its first six digits).
    public static func month(ofReference reference: String) -> YearMonth? {
        guard isReference(reference), let n = Int(reference.prefix(6)) else { return nil }
        return try? YearMonth(year: n / 100, month: n % 100)
    }
}
