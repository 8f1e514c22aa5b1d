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
    /// 宣布特殊时期: the district declares a special period (§4.4) with its start and basis.
    case declareSpecialPeriod(SpecialPeriod)
    /// 宣布特殊时期结束: the district declares a special period's end and its basis (§4.4).
    case endSpecialPeriod(UUID, end: Day, basis: String)
    /// 社会组织登记 or its update (reports, grade, recognition, trusts) (§3.7, district).
    case saveOrganisation(SocialOrganisation)
    /// 帮扶项目 of a social organisation (§3.7, district).
    case saveAidProject(AidProject)
    /// 扶贫志愿者 of the pool (§3.7, district).
    case saveVolunteer(Volunteer)
    /// 村需求: a need the village reports (§3.7).
    case recordVillageNeed(VillageNeed)
    /// 对接: match an aid project to a village need (§3.7, town or district).
    case matchNeed(UUID, project: UUID)
    /// 复核: review a household's dibao enrolment after a re-survey: adjust, gradual exit (§3.1.5) or end.
    case reviewEnrolment(household: UUID, on: Day, policy: PolicyVersion)
    /// Void a record with a reason (nothing is ever deleted). A household or member still paid
    /// is refused: payment is stopped first (``stopPayment(_:)``).
    case void(EntityKind, UUID, reason: String)
    /// 恢复: undo a void, with the reason (kept in history and as the change set's note).
    case restore(EntityKind, UUID, reason: String)
    /// 停保: the town decides that a household's or a person's enrolments end (``StopPaymentPlan``).
    case stopPayment(StopPaymentOrder)
    /// 回盘: record the bank's answers to payment-roll lines (``BankReconciliation``), in one change set.
    case recordBankReturns([BankReturn])
    /// 作废回盘: withdraw every recorded answer of one roll line (by its reference), with the reason.
    case voidBankAnswer(reference: String, reason: String)
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
        case .declareSpecialPeriod: "specialPeriod.declare"
        case .endSpecialPeriod: "specialPeriod.end"
        case .saveOrganisation: "organisation.save"
        case .saveAidProject: "aidProject.save"
        case .saveVolunteer: "volunteer.save"
        case .recordVillageNeed: "villageNeed.record"
        case .matchNeed: "villageNeed.match"
        case .reviewEnrolment: "enrolment.review"
        case .void(let entity, _, _): "\(entity.rawValue).void"
        case .restore(let entity, _, _): "\(entity.rawValue).restore"
        case .stopPayment: "enrolment.stop"
        case .recordBankReturns: "roll.reconcile"
        case .voidBankAnswer: "bankReturn.void"
        case .resolveConflicts: "conflict.resolve"
        }
    }
}

/// What the town states to stop payment (停保): see ``StopPaymentPlan``.
public struct StopPaymentOrder: Sendable, Hashable {
    public var household: UUID
    /// The person whose enrolments end; `nil` for the household's.
    public var member: UUID?
    public var ground: StopPaymentGround
    /// 停保原因
    public var reason: String
    /// The last month paid (for a death: the month of death, may be left out).
    public var lastMonth: YearMonth?
    /// 死亡日期, for a death; the member is recorded as 死亡 in the same change set.
    public var dateOfDeath: Day?
    /// The day of the decision.
    public var day: Day

    public init(household: UUID, member: UUID? = nil, ground: StopPaymentGround, reason: String,
                lastMonth: YearMonth? = nil, dateOfDeath: Day? = nil, on day: Day) {
        self.household = household; self.member = member; self.ground = ground; self.reason = reason
        self.lastMonth = lastMonth; self.dateOfDeath = dateOfDeath; self.day = day
    }
}
