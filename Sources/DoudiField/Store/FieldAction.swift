import DoudiModel
import DoudiSync
import Foundation

/// Every user action the field library records. Each one is validated with
/// DoudiModel and written, with exactly one change set, in one transaction.
public enum FieldAction: Sendable {
    /// Register a household with its first members.
    case registerHousehold(Household, members: [Member])
    /// Change a household's profile fields.
    case editHousehold(Household)
    /// Add a member to a registered household.
    case addMember(Member)
    /// Change a member's fields (including moving them to another household).
    case editMember(Member)
    /// Add or change a legal supporter (§3.1.3).
    case recordObligor(SupportObligor)
    /// Record a home visit (append-only).
    case recordVisit(Visit)
    /// Record an income-and-asset survey (append-only: a re-survey is a new record).
    case recordSurvey(Survey)
    /// Draft an application; its workflow starts as a draft.
    case draftApplication(Application)
    /// Move an application's workflow on (submit, review, notice …), as this device's user.
    case advanceApplication(UUID, WorkflowEvent, on: Day, policy: PolicyVersion)
    /// 预拨 / 补充备用金: the district allocates or replenishes a town's reserve fund (§3.6.5).
    /// Draws are made only by paying aid first (``advanceApplication(_:_:on:policy:)`` with `.payFirst`).
    case fundReserve(ReserveFundEntry)
    /// 发布政策标准: the district publishes a policy version; it reaches every laptop on its next sync.
    case publishPolicy(PolicyVersion)
    /// 复核: review a household's dibao enrolment after a re-survey: adjust, gradual exit (§3.1.5) or end.
    case reviewEnrolment(household: UUID, on: Day, policy: PolicyVersion)
    /// Void a record with a reason (nothing is ever deleted).
    case void(EntityKind, UUID, reason: String)
    /// Resolve conflicts the server recorded: optionally with an action that puts things
    /// right (e.g. restore the losing value), recorded in the same change set.
    indirect case resolveConflicts([UUID], note: String, with: FieldAction?)

    /// The action's name in change sets and history, e.g. `household.register`.
    public var name: String {
        switch self {
        case .registerHousehold: "household.register"
        case .editHousehold: "household.edit"
        case .addMember: "member.add"
        case .editMember: "member.edit"
        case .recordObligor: "obligor.record"
        case .recordVisit: "visit.record"
        case .recordSurvey: "survey.record"
        case .draftApplication: "application.draft"
        case .advanceApplication(_, let event, _, _): "application.\(event.kind.rawValue)"
        case .fundReserve(let entry): entry.kind == .replenishment ? "reserveFund.replenish" : "reserveFund.allocate"
        case .publishPolicy: "policy.publish"
        case .reviewEnrolment: "enrolment.review"
        case .void(let entity, _, _): "\(entity.rawValue).void"
        case .resolveConflicts: "conflict.resolve"
        }
    }
}
