import DoudiField
import DoudiModel
import Foundation

/// One row of the review queue.
public struct ReviewRow: Encodable, Sendable {
    public var application: String
    public var household: String
    public var head: String
    public var village: String
    public var programme: String
    public var stage: String
    public var stageName: String
    public var assessed: String
    public var noticeThrough: String?
    /// Approved under the special procedure (§4.4): the district's filing list shows it.
    public var specialProcedure: Bool
    /// Approved under the special procedure and its notice still to be posted.
    public var noticePending: Bool
    public var nextSteps: [String]
    /// The warning of another open application of the household for the same programme (``OpenApplications``).
    public var duplicateWarning: String? = nil

    public init(_ c: CaseInReview, assessment: Assessment, next: [WorkflowEvent.Kind]) {
        application = Labels.short(c.application.id)
        household = Labels.short(c.householdCase.household.id)
        head = ReviewText.headName(c.householdCase)
        village = c.householdCase.household.village.value
        programme = c.application.programme.chineseName
        stage = c.workflow.stage.rawValue
        stageName = c.workflow.stage.chineseName
        let p = c.application.programme
        if p == .temporaryAid {
            assessed = c.application.amountPerPerson.map { "\($0.yuanText)×\(c.application.persons ?? 1)" } ?? "—"
        } else if let d = assessment.determination(p, member: c.application.member) {
            assessed = d.status.qualifies ? "\(d.monthlyAmount.yuanText)/月" : d.status.chineseName
        } else {
            assessed = "—"
        }
        noticeThrough = (c.workflow.state.notice ?? c.workflow.approval?.notice).map(\.through.description)
        specialProcedure = c.workflow.approval?.specialPeriod != nil
        noticePending = c.workflow.approval?.awaitsNotice ?? false
        nextSteps = next.map(\.chineseName)
    }
}
