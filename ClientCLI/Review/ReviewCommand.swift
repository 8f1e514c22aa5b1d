import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi review …`: the town's review of submitted applications, and the district's filing
/// and decisions on referred cases (§3.6.3, §3.6.4, §3.1.6).
struct ReviewCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "review",
            abstract: "审核审批 Review applications: queue, collective review, notice, approval, aid first, filing.",
            discussion: """
                The normal path of an application the village submitted:
                  doudi review list                          what waits for you, with the assessment
                  doudi review start APP                     受理审核
                  doudi review collective APP --chair 王镇长 --recorder 李干事 --agree 7 --disagree 0
                  doudi review notice APP                    张榜公示 (7 days under the 2020 policy)
                  doudi notice sheet --html notice.html      the sheet to post (ID numbers masked)
                  doudi review approve APP                   批准 after the notice period (town authority)
                  doudi review file APP                      备案 (district)
                Emergency temporary aid (急难型) is paid first from the town's reserve fund:
                  doudi review pay-first APP --amount 800    then: doudi review complete APP --note …
                Every step is a change set: sync to send it.
                """,
            subcommands: [
                ReviewListCommand.self, ReviewStartCommand.self, ReviewReturnCommand.self, ReviewCollectiveCommand.self,
                ReviewNoticeCommand.self, ReviewObjectCommand.self, ReviewReinvestigateCommand.self, ReviewApproveCommand.self,
                ReviewRejectCommand.self, ReviewReferCommand.self, ReviewPayFirstCommand.self, ReviewCompleteCommand.self,
                ReviewFileCommand.self,
            ]
        )
    }
}

/// `doudi review list [--stage S] [--all] [--json]`
struct ReviewListCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "待办 The applications waiting for a step by you, with the assessment beside each.")
    }

    @Option(help: ArgumentHelp("阶段 Only this stage: submitted, townReview, publicNotice, referredToDistrict, approved …", valueName: "stage"))
    var stage: String?

    @Flag(help: "Every open application, not only those waiting for you.")
    var all = false

    @Option(help: ArgumentHelp("评估日期 Day to assess and check steps on (default: today).", valueName: "day"))
    var date: String?

    @Flag(help: "JSON output.")
    var json = false

    @Flag(help: "Only the cases, one a line: APPLICATION<tab>PROGRAMME<tab>HEAD (for scripts).")
    var ids = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    func validate() throws {
        if let stage, ApplicationWorkflow.Stage(rawValue: stage) == nil {
            throw ValidationError("--stage \(stage) is not a stage: use one of \(ApplicationWorkflow.Stage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let day = try Parse.day(date)
            let actor = try store.device().actor
            let policy = try ApplySubmitCommand.policy(store, on: day)
            var stages = Set(ApplicationWorkflow.Stage.allCases.filter { !$0.isFinal && $0 != .draft })
            if let chosen = stage.flatMap(ApplicationWorkflow.Stage.init(rawValue:)) { stages = [chosen] }   // checked in validate()
            let special = try store.policyBook().specialProcedure(on: day)
            let cases = try store.cases(at: stages).filter { all || stage != nil || !$0.workflow.allowedEvents(for: actor, on: day, special: special).isEmpty }
            let assessor = Assessor(policy: policy)
            let rows = try cases.map { c -> ReviewRow in
                var row = ReviewRow(c, assessment: assessor.assess(c.householdCase, asOf: day), next: c.workflow.allowedEvents(for: actor, on: day, special: special))
                row.duplicateWarning = try DuplicateWarning.text(for: c.application, store: store)
                return row
            }
            if json { print(try JSONOutput.string(rows)); return }
            if ids {
                for (r, c) in zip(rows, cases) { print("\(r.application)\t\(c.application.programme.rawValue)\t\(r.head)") }
                return
            }
            guard !rows.isEmpty else {
                print("没有待办的申请 Nothing waits for a step by \(actor.user) (\(actor.role.chineseName)) on \(day).")
                return
            }
            var table = Table(["申请", "户主", "村", "项目", "阶段", "测算", "下一步"], rightAligned: [5])
            for r in rows {
                let stage = r.stageName + (r.specialProcedure ? (r.noticePending ? "（特殊程序，公示待补）" : "（特殊程序）") : "")
                table.append([r.application, r.head, r.village, r.programme, stage, r.assessed, r.nextSteps.joined(separator: "、")])
            }
            print(table.render(), terminator: "")
            for r in rows { if let warning = r.duplicateWarning { print("注意 \(r.application)：\(warning)") } }
            if let special { print("\(day) 适用\(special.chineseName)：\(special.rules.programmes.map(\.chineseName).joined(separator: "、"))可集体评审后先审批、后公示，报区备案 (§4.4)") }
            print("\(rows.count) 件。测算 = 按 \(policy.id) 对该户的评估（临时救助为申请的每人金额）；评估依据：doudi assess HOUSEHOLD")
        }
    }
}
