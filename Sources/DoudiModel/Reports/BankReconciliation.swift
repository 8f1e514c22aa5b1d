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
    /// Empty rows, and rows whose reference cell does not have a reference's shape (a control
    /// line of counts and totals, a title), are skipped.
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
        for (offset, fields) in body {
            func cell(_ i: Int) -> String { i < fields.count ? fields[i].trimmingWhitespace() : "" }
            let reference = cell(ref)
            guard PaymentRoll.isReference(reference) else { continue }
            let text = cell(status)
            guard !text.isEmpty else { throw BankReconciliationError(row: offset + 1, "line \(reference) has no status: the bank's file is incomplete") }
            var money: Money?
            if let amount, !cell(amount).isEmpty {
                do { money = try Money(yuanString: cell(amount)) } catch {
                    throw BankReconciliationError(row: offset + 1, "the amount \(cell(amount)) of line \(reference) is not an amount in yuan")
                }
            }
            let why = reason.map(cell).flatMap { $0.isEmpty ? nil : $0 }
            out.append(Answer(row: offset + 1, reference: reference, paid: layout.paidValues.contains(text), status: text,
                              reason: why, amount: money))
        }
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
        let recorded = Dictionary(existing.map { ($0.reference, $0) }, uniquingKeysWith: { a, b in a.recordedOn >= b.recordedOn ? a : b })
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
    /// True for text shaped like a line's 业务流水号: six digits of the month and 16 hex digits.
    public static func isReference(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 22 else { return false }
        return u.prefix(6).allSatisfy { (48...57).contains($0) } && u.dropFirst(6).allSatisfy { (48...57).contains($0) || (65...70).contains($0) }
    }

    /// The roll's month, from a reference (its first six digits).
    public static func month(ofReference reference: String) -> YearMonth? {
        guard isReference(reference), let n = Int(reference.prefix(6)) else { return nil }
        return try? YearMonth(year: n / 100, month: n % 100)
    }
}
