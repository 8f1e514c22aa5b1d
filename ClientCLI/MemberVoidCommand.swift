import ArgumentParser
import DoudiField
import DoudiModel

/// `doudi member void MEMBER --reason TEXT`
struct MemberVoidCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "void",
            abstract: "注销家庭成员 Void a member (moved out, died, registered twice …), with the reason.",
            discussion: """
                A member still paid in their own right (特困, 分类救助, a disability subsidy …) is not voided: the town decides \
                停保 first (after a death: doudi enrolment stop HOUSEHOLD --member M --died YYYY-MM-DD --reason …). A mistaken \
                void is undone with doudi member restore MEMBER --reason ….
                Example: doudi member void 511011195803040114 --reason 重复登记
                """
        )
    }

    @Argument(help: ArgumentHelp("成员 The member: resident ID number or short id.", valueName: "member"))
    var reference: String

    @Option(help: ArgumentHelp("注销原因 Why (required).", valueName: "text"))
    var reason: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("member void") { result in
            try VoidRecord.run(.member, reference, reason: reason, storeOptions: storeOptions, result: &result, done: "已注销家庭成员 Voided member") {
                try $0.resolveMember($1)
            }
        }}
    }
}
