import ArgumentParser

/// `doudi roll`: the monthly payment roll (发放花名册) and the bank's answer to it.
///
/// `doudi roll MONTH …` makes the roll (``RollShowCommand``, the default); `doudi roll
/// reconcile FILE` records the bank's result file (``RollReconcileCommand``).
struct RollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roll", abstract: "发放花名册 The payment roll of a month, its bank batches, and the bank's answer (回盘).",
        discussion: """
            doudi roll 2026-12 --csv roll.csv --bank-batch DIR   the roll, its Excel copy and one batch per bank
            doudi roll reconcile 回盘.txt --format sichuan-rcc  the bank's answer: paid, failed (paid again on the next roll)
            doudi roll void-return 202612R… --reason …        withdraw an answer recorded wrongly
            """,
        subcommands: [RollShowCommand.self, RollReconcileCommand.self, RollVoidReturnCommand.self],
        defaultSubcommand: RollShowCommand.self)
}
