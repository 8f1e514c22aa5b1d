import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// Takes one workflow step on an application and tells the officer what it did: the new
/// stage, the records it wrote (decision, enrolments, payment, reserve-fund draw), and the
/// steps that may follow.
enum StepRunner {
    static func run(_ reference: String, _ event: (CaseInReview) throws -> WorkflowEvent, date: String?, storeOptions: StoreOptions, result: inout CommandResult) throws {
        let store = try storeOptions.open()
        let id = try store.resolveApplication(reference)
        let day = try Parse.day(date)
        let policy = try ApplySubmitCommand.policy(store, on: day)
        let step = try event(try store.caseInReview(id))
        let changeSet = try store.perform(.advanceApplication(id, step, on: day, policy: policy))
        let review = try store.caseInReview(id)
        result.record(EntityKind.application.rawValue, id)
        result.wrote(changeSet)
        result.detail("step", step.kind.rawValue)
        result.detail("stage", review.workflow.stage.rawValue)
        let head = ReviewText.headName(review.householdCase)
        print("\(step.kind.chineseName) \(Labels.short(id))（\(head)，\(review.application.programme.chineseName)）：现为「\(review.workflow.stage.chineseName)」；变更集 #\(changeSet.sequence) 待同步")
        if case .publicNotice(let notice, _) = review.workflow.state {
            print("  公示期 \(notice.postedOn) 至 \(notice.through)（\(notice.days) 天），\(notice.firstDayAfter) 起可审批；公示表：doudi notice sheet --html FILE")
        }
        let book = try store.policyBook()
        if let approval = review.workflow.approval, approval.specialPeriod != nil {
            let period = book.specialPeriods.first { $0.id == approval.specialPeriod }
            let basis = "按特殊程序批准（\(period?.title ?? "特殊时期")，§4.4），报区备案"
            if let notice = approval.notice {
                print("  \(basis)；事后公示 \(notice.postedOn) 至 \(notice.through)（\(notice.days) 天）")
            } else if approval.awaitsNotice {
                print("  \(basis)；公示待补：张榜公示后区方可备案 (review notice)")
            } else {
                print("  \(basis)")
            }
        }
        for line in ReviewText.written(changeSet, householdCase: review.householdCase) { print("  " + line) }
        let actor = try store.device().actor
        let next = review.workflow.allowedEvents(for: actor, on: day, special: book.specialProcedure(on: day))
        if !next.isEmpty, !review.workflow.isClosed {
            print("  下一步 Next: " + next.map { "\($0.chineseName)(\(ReviewText.command($0)))" }.joined(separator: "，"))
        }
    }
}

/// The `doudi review` subcommand of each step, for the "next" hints.
extension ReviewText {
    /// The `doudi review` subcommand for a step.
    static func command(_ kind: WorkflowEvent.Kind) -> String {
        switch kind {
        case .submit: "doudi apply submit"
        case .returnForCorrection: "review return"
        case .startTownReview: "review start"
        case .recordCollectiveReview: "review collective"
        case .postNotice: "review notice"
        case .raiseObjection: "review object"
        case .startReinvestigation: "review reinvestigate"
        case .approve: "review approve"
        case .reject: "review reject"
        case .referToDistrict: "review refer"
        case .payFirst: "review pay-first"
        case .completeAidFirst: "review complete"
        case .file: "review file"
        case .withdraw: "doudi apply withdraw"
        }
    }
}
