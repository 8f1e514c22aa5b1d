import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi enrolment list|review`: who is enrolled in what, and the town's review after a re-survey (§3.1.5).
struct EnrolmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment", abstract: "保障 A household's enrolments; review dibao after a re-survey (gradual exit §3.1.5); stop payment (停保).",
        subcommands: [EnrolmentListCommand.self, EnrolmentReviewCommand.self, EnrolmentStopCommand.self], defaultSubcommand: EnrolmentListCommand.self)
}

/// `doudi enrolment list HOUSEHOLD`
struct EnrolmentListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "A household's enrolments, past and present.")
    @Argument(help: ArgumentHelp("户 Short id or a member's resident ID number.", valueName: "household")) var household: String
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.report { () throws -> EnrolmentListReport in
            let store = try storeOptions.open()
            let c = try store.householdCase(try store.resolveHouseholdReference(household))
            guard !c.enrolments.isEmpty else { print("该户没有保障记录 No enrolments for this household."); return EnrolmentListReport(c) }
            var table = Table(["保障", "项目", "对象", "月金额", "起始", "截止", "渐退期起"], rightAligned: [3])
            for e in c.enrolments {
                let who = e.member.flatMap { m in c.members.first { $0.id == m }?.name } ?? "全户"
                table.append([Labels.short(e.id), e.programme.chineseName, who, e.monthlyAmount.yuanText, e.start.description,
                              e.end?.description ?? "—", e.gradualExitStart?.description ?? "—"])
            }
            print(table.render(), terminator: "")
            return EnrolmentListReport(c)
        }}
    }
}

/// `doudi enrolment review HOUSEHOLD [--date D]`
struct EnrolmentReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "复核 Review a household's dibao after a re-survey: new amount, gradual exit, or exit.",
        discussion: "Record the re-survey first (doudi survey record). If income is now above the standard, a 建档立卡 or 特殊困难户 household enters gradual exit from the month after the re-survey for at most 12 months (§3.1.5); others leave dibao with this month.")
    @Argument(help: ArgumentHelp("户 Short id or a member's resident ID number.", valueName: "household")) var household: String
    @Option(help: ArgumentHelp("复核日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures { try output.run("enrolment review") { result in
            let store = try storeOptions.open()
            let id = try store.resolveHouseholdReference(household)
            let day = try Parse.day(date)
            let policy = try ApplySubmitCommand.policy(store, on: day)
            let review = try DibaoReview(householdCase: try store.householdCase(id), policy: policy, on: day)
            let changeSet = try store.perform(.reviewEnrolment(household: id, on: day, policy: policy))
            result.wrote(changeSet)
            switch review.outcome {
            case .gradualExit(let window):
                print("进入渐退期 Gradual exit: \(window.lowerBound) 至 \(window.upperBound)，保障金照发 \(review.enrolment.monthlyAmount.yuanText) 元/月，\(window.upperBound) 后退出（§3.1.5）")
            case .adjusted(let from, let to):
                print("调整保障金 Adjusted: \(from.yuanText) → \(to.yuanText) 元/月，自 \(day.yearMonth.adding(months: 1)) 起")
            case .ended(let last):
                print("退出低保 Dibao ends: last month paid \(last)")
            case .unchanged:
                break
            }
            let names = Dictionary(uniqueKeysWithValues: try store.householdCase(id).members.map { ($0.id, $0.name) })
            for d in review.dependents {
                print("  随之截止 Ends with it: \(d.programme.chineseName)\(d.member.flatMap { names[$0] }.map { "（\($0)）" } ?? "")，last month \(d.end?.description ?? "—")")
            }
            for step in review.steps { print("  · \(step.text)\(step.clause.map { " [§\($0)]" } ?? "")") }
            print("变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
