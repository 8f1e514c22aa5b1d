import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi roll void-return REFERENCE --reason TEXT`: withdraws a bank return recorded wrongly.
struct RollVoidReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void-return", abstract: "作废回盘 Withdraw a bank answer recorded wrongly (a misread file, a status mapped wrongly).",
        discussion: """
            The answer of one roll line (named by its 业务流水号) is voided — kept, with the reason, \
            never deleted — and the line is unanswered again: reconcile the bank's right file (with \
            --carry-to, if a failure must be paid again on a later roll than the next).
            """)
    @Argument(help: ArgumentHelp("业务流水号 The line's reference, as in the batch and the result file.", valueName: "reference")) var reference: String
    @Option(help: ArgumentHelp("作废原因 Why the answer is withdrawn.", valueName: "text")) var reason: String
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("roll void-return") { result in
            let store = try storeOptions.open()
            let normalized = PaymentRoll.normalizedReference(reference)
            let answer = try store.bankReturn(reference: normalized)
            let changeSet = try store.perform(.voidBankAnswer(reference: normalized, reason: reason))
            result.wrote(changeSet)
            print("已作废回盘 Voided the bank's answer for line \(normalized)\(answer.map { " (\($0.outcome.chineseName), \($0.amount.yuanText) 元, recorded \($0.recordedOn))" } ?? "")；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
