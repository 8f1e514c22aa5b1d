import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// What every step command takes: the application and the day.
struct StepArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("申请 The application's short id (see doudi review list).", valueName: "application"))
    var application: String

    @Option(help: ArgumentHelp("日期 Day of the step, YYYY-MM-DD (default: today).", valueName: "day"))
    var date: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        if let date { _ = try Parse.day(date) }
    }

    /// Takes the step built by `event`, reporting failures as one line; with `--json`, prints
    /// what it wrote (``CommandResult``): the application, the records, the change set, the new stage.
    func take(_ command: some ParsableCommand, _ event: @escaping (CaseInReview) throws -> WorkflowEvent) throws {
        let name = type(of: command).configuration.commandName ?? "step"
        try command.reportingFailures { try output.run(name == "withdraw" ? "apply withdraw" : "review \(name)") { result in
            try StepRunner.run(application, event, date: date, storeOptions: storeOptions, result: &result)
        }}
    }
}

/// `doudi review start APP`
struct ReviewStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "受理审核 Start the town's review of a submitted application.")
    @OptionGroup var step: StepArguments
    func run() throws { try step.take(self) { _ in .startTownReview } }
}

/// `doudi review return APP --reason TEXT`
struct ReviewReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "return", abstract: "退回补正 Send an application back to the village to be corrected.")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("理由 What the village must correct.", valueName: "text")) var reason: String
    func run() throws { try step.take(self) { _ in .returnForCorrection(reason: reason) } }
}

/// `doudi review collective APP --chair … --recorder … --agree N --disagree N [--not-qualified] [--minutes …]`
struct ReviewCollectiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collective", abstract: "集体评审 Record the collective review (民主评议) and its conclusion.",
        discussion: "The conclusion is 符合 (qualifies) unless --not-qualified is given; a case that does not qualify gets no notice and is rejected with a reason.")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("主持人 Who chaired.", valueName: "name")) var chair: String
    @Option(help: ArgumentHelp("记录人 Who took the minutes.", valueName: "name")) var recorder: String
    @Option(help: ArgumentHelp("同意人数 Number agreeing.", valueName: "n")) var agree: Int
    @Option(help: ArgumentHelp("不同意人数 Number disagreeing.", valueName: "n")) var disagree: Int = 0
    @Flag(help: "结论不符合 The review concluded the case does not qualify.") var notQualified = false
    @Option(help: ArgumentHelp("会议记录 Minutes (required in substance for 一事一议 cases).", valueName: "text")) var minutes: String = ""

    func validate() throws {
        guard agree >= 0, disagree >= 0 else { throw ValidationError("--agree and --disagree are counts of people: 0 or more") }
    }

    func run() throws {
        try step.take(self) { _ in
            .recordCollectiveReview(.init(chair: chair, recorder: recorder, agreeing: agree, disagreeing: disagree,
                                          qualifies: !notQualified, minutes: minutes))
        }
    }
}

/// `doudi review notice APP`
struct ReviewNoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "张榜公示 Post the public notice; its period comes from the policy (7 days in 2020).")
    @OptionGroup var step: StepArguments
    func run() throws { try step.take(self) { _ in .postNotice } }
}

/// `doudi review object APP --summary TEXT`
struct ReviewObjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "object", abstract: "异议 Record an objection to a case on notice; it goes back to re-investigation.")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("异议内容 What the objection says (no names of who objected).", valueName: "text")) var summary: String
    func run() throws { try step.take(self) { _ in .raiseObjection(summary: summary) } }
}

/// `doudi review reinvestigate APP`
struct ReviewReinvestigateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reinvestigate", abstract: "重新调查 Re-investigate an objected case; a new collective review and notice follow.")
    @OptionGroup var step: StepArguments
    func run() throws { try step.take(self) { _ in .startReinvestigation } }
}

/// `doudi review approve APP [--amount YUAN] [--tier MEMBER=1 …] [--note TEXT]`
struct ReviewApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "批准 Approve, within your authority, after the notice period.",
        discussion: """
            Monthly programmes start the month after approval, at the assessed amount unless --amount \
            states another. Dibao approvals take the classified-aid tier of each person (§3.1.6): \
            --tier 张大山=1 (tiers 1–3; 2020: 120/80/40), and also enrol every disabled covered person \
            in the living subsidy (§3.4.1). Temporary aid needs --amount per person: the town approves \
            up to 3 × the dibao standard (1,080 in 2020), above that it refers the case (review refer).
            """)
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("金额 Monthly amount, or for temporary aid the one-off amount per person, in yuan.", valueName: "yuan"))
    var amount: String?
    @Option(name: .customLong("tier"), help: ArgumentHelp("分类施保档次 MEMBER=TIER for a dibao household (repeatable).", valueName: "member=tier"))
    var tiers: [String] = []
    @Option(help: ArgumentHelp("审批意见 Remarks; for 一事一议 the minuted decision.", valueName: "text")) var note: String = ""

    func validate() throws {
        if let amount { _ = try Parse.money(amount, option: "--amount") }
        for t in tiers where t.split(separator: "=").count != 2 || Int(t.split(separator: "=").last ?? "") == nil {
            throw ValidationError("--tier \(t) should be MEMBER=TIER, e.g. --tier 张大山=1")
        }
    }

    func run() throws {
        try step.take(self) { c in
            let parsed = try tiers.map { text -> ClassifiedAidTier in
                let parts = text.split(separator: "=").map(String.init)
                guard parts.count == 2, let tier = Int(parts[1]) else {
                    throw CommandFailure(chinese: "分类施保档次写法有误", "--tier \(text) should be MEMBER=TIER, e.g. --tier 张大山=1")
                }
                return ClassifiedAidTier(member: try Parse.member(parts[0], in: c.householdCase, option: "--tier").id, tier: tier)
            }
            return .approve(.init(amount: try amount.map { try Parse.money($0, option: "--amount") }, classifiedAidTiers: parsed, note: note))
        }
    }
}

/// `doudi review reject APP --reason TEXT`
struct ReviewRejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "不予批准 Reject, with the reason the household is told.")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("理由 Why (required).", valueName: "text")) var reason: String
    func run() throws { try step.take(self) { _ in .reject(reason: reason) } }
}

/// `doudi review refer APP --note TEXT`
struct ReviewReferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refer", abstract: "报区审批 Refer a case above the town's authority to the district (§3.6.3).")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("报送说明 What the town proposes and why.", valueName: "text")) var note: String
    func run() throws { try step.take(self) { _ in .referToDistrict(note: note) } }
}

/// `doudi review pay-first APP --amount YUAN`
struct ReviewPayFirstCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay-first", abstract: "先行救助 Pay emergency aid at once from the town's reserve fund (§3.6.4–§3.6.5).",
        discussion: "The amount is per person, at most 3 × the dibao standard; the total (× persons on the application) is drawn from the reserve fund, and a draw beyond its balance is refused. Complete the paperwork afterwards: doudi review complete APP --note ….")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("每人金额 Amount per person, in yuan.", valueName: "yuan")) var amount: String

    func validate() throws { _ = try Parse.money(amount, option: "--amount") }
    func run() throws { try step.take(self) { _ in .payFirst(amountPerPerson: try Parse.money(amount, option: "--amount")) } }
}

/// `doudi review complete APP --note TEXT`
struct ReviewCompleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete", abstract: "补办手续 Complete the paperwork of aid paid first: recipient, cause and amount registered.")
    @OptionGroup var step: StepArguments
    @Option(help: ArgumentHelp("补办说明 What was completed.", valueName: "text")) var note: String
    func run() throws { try step.take(self) { _ in .completeAidFirst(note: note) } }
}

/// `doudi review file APP`
struct ReviewFileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file", abstract: "备案 File a town's approval with the district (district officers; see review list --stage approved).")
    @OptionGroup var step: StepArguments
    func run() throws { try step.take(self) { _ in .file } }
}
