import DoudiModel
import DoudiSync
import Foundation

/// A bank's result file recorded: what it said and the change set that records it (none when
/// every answer was recorded before).
public struct RecordedBankAnswer: Sendable {
    public var reconciliation: BankReconciliation
    public var changeSet: ChangeSet?
}

extension FieldStore {
    /// Records a bank's result file (回盘) of the rolls of `org`: each answer matched to its roll
    /// line by 业务流水号, the rolls made again from the same records as when they were sent;
    /// failures carried to `carryTo` (default: the month after each line's roll) to be paid again once.
    ///
    /// - Parameters:
    ///   - data: the file as the bank wrote it, in `format`'s encoding.
    ///   - batch: the file's name, kept with each answer.
    /// - Throws: ``FieldError`` `validation` for a file that is not this bank's result file.
    public func recordBankAnswer(_ data: Data, format: BankFormat, within org: OrgCode, on day: Day, carryTo: YearMonth?,
                                 batch: String) throws -> RecordedBankAnswer {
        let text: String
        do { text = try TextCodec.decode(data, as: format.encoding) } catch {
            throw FieldError(.validation, field: "file", "\(batch) \(error) (format \(format.id) reads \(format.encoding.rawValue))")
        }
        let answers: [BankReconciliation.Answer]
        do { answers = try BankReconciliation.answers(rows: DelimitedText.rows(text, delimiter: format.delimiter), layout: format.result) } catch {
            throw FieldError(.validation, field: "file", "\(batch): \(error)")
        }
        guard !answers.isEmpty else {
            throw FieldError(.validation, field: "file",
                             "\(batch) answers no line of a roll (no 业务流水号 in \(format.result.reference)): is it the bank's result file, and the right format?")
        }
        // the rolls the answers are about, made from the same records as when they were sent
        let existing = try bankReturns(within: org)
        var lines: [String: PaymentRoll.Line] = [:]
        for month in Set(answers.compactMap { PaymentRoll.month(ofReference: $0.reference) }).sorted() {
            for l in try paymentRoll(month: month, within: org, issuer: "", preparedOn: day).roll.lines { lines[l.reference] = l }
        }
        let result: BankReconciliation
        do {
            result = try BankReconciliation(answers: answers, line: { lines[$0] }, existing: existing, on: day, carryTo: carryTo,
                                            batch: batch, newID: UUID.init)
        } catch { throw FieldError(.validation, field: "file", "\(batch): \(error)") }
        let changeSet = result.returns.isEmpty ? nil : try perform(.recordBankReturns(result.returns))
        return RecordedBankAnswer(reconciliation: result, changeSet: changeSet)
    }
}
