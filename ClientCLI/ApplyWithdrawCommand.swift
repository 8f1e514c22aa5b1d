import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi apply withdraw APPLICATION --reason TEXT [--date D]`
///
/// 撤回申请: the applicant withdraws before a decision. The village cadre records it while the
/// application is a draft or just submitted; once the town has started its review, the town
/// records it (and the district, for a case referred to it). The application is closed.
struct ApplyWithdrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "撤回申请 The applicant withdraws an application before a decision, with the reason.",
        discussion: """
            The village records a withdrawal of a draft or a submitted application; once under the town's review the \
            town records it. Nothing is deleted: the application stays, closed as 已撤回, with the reason.
            Example: doudi apply withdraw 1a2b3c4d --reason 申请人外出务工，收入已改善，自愿撤回
            """)
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("撤回原因 Why the applicant withdraws (required).", valueName: "text")) var reason: String

    func run() throws { try step.take(self) { _ in .withdraw(reason: reason) } }
}
