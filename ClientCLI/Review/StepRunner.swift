import DoudiField
import DoudiModel
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

/// Texts the review commands share.
enum ReviewText {
    /// The head of household's name, else the first member's.
    static func headName(_ c: HouseholdCase) -> String {
        (c.members.first { $0.relation == .head } ?? c.members.first)?.name ?? "（无成员）"
    }

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

    /// One line per record a step wrote besides the workflow.
    static func written(_ changeSet: ChangeSet, householdCase: HouseholdCase) -> [String] {
        func name(_ member: UUID?) -> String {
            guard let member else { return "" }
            return "（\(householdCase.members.first { $0.id == member }?.name ?? Labels.short(member))）"
        }
        return changeSet.changes.compactMap { change -> String? in
            let values = Dictionary(uniqueKeysWithValues: change.fields.map { ($0.name, $0.value) })
            switch change.entity {
            case .decision:
                guard let d = try? RecordFields.record(Decision.self, from: values) else { return nil }
                let reason = d.reason == d.outcome.chineseName ? "" : "：\(d.reason)"
                return "审批决定 \(d.outcome.chineseName)\(d.amount.map { " \($0.yuanText) 元" } ?? "")\(reason)"
            case .enrolment:
                guard let e = try? RecordFields.record(Enrolment.self, from: values) else { return nil }
                return "保障 \(e.programme.chineseName)\(name(e.member)) \(e.monthlyAmount.yuanText) 元/月，自 \(e.start) 起"
            case .payment:
                guard let p = try? RecordFields.record(Payment.self, from: values) else { return nil }
                return "发放 \(p.programme.chineseName) \(p.amount.yuanText) 元（\(p.month)\(p.fromReserveFund ? "，备用金先行支付" : "")）"
            case .reserveFundEntry:
                guard let f = try? RecordFields.record(ReserveFundEntry.self, from: values) else { return nil }
                return "备用金 \(f.kind.chineseName) \(f.amount.yuanText) 元（镇 \(f.town)）"
            default:
                return nil
            }
        }
    }
}
