import Foundation

/// The records a workflow step writes besides the workflow itself: the decision, the
/// enrolments an approval starts, the one-off payment of temporary aid, and the reserve-fund
/// draw of aid paid first (§3.1.6, §3.4.1, §3.6.3–§3.6.5).
///
/// Built by ``StepRecords/init(after:application:householdCase:policy:makeID:)`` from the
/// workflow's last step, so that a village laptop, a town laptop and the district derive the
/// same records from the same step. Stores write them with the workflow in one change set.
///
/// ```swift
/// try workflow.apply(.approve(terms), by: approver, on: day, policy: policy)
/// let records = try StepRecords(after: workflow, application: application,
///                               householdCase: householdCase, policy: policy, makeID: UUID.init)
/// // records.decisions, records.enrolments (from the month after approval) …
/// ```
public struct StepRecords: Hashable, Sendable {
    /// 审批决定: one for an approval, a rejection, or completed aid-first paperwork.
    public var decisions: [Decision] = []
    /// 保障: enrolments an approval starts, from the month after approval.
    public var enrolments: [Enrolment] = []
    /// 发放: one-off temporary-aid payments.
    public var payments: [Payment] = []
    /// 备用金: the draw of aid paid first.
    public var reserveFundEntries: [ReserveFundEntry] = []

    /// No records.
    public init() {}

    /// The records that follow the last step of a workflow.
    ///
    /// - Parameters:
    ///   - workflow: The workflow just moved on by ``ApplicationWorkflow/apply(_:by:on:policy:)``.
    ///   - application: The application it was taken on.
    ///   - householdCase: The applicant household as it stands (its enrolments included).
    ///   - policy: The policy version in force on the step's day.
    ///   - makeID: Makes the new records' ids.
    /// - Throws: ``ModelError`` when an approval cannot be turned into payable amounts, e.g. a
    ///   per-person programme approved without naming the person, or a programme the
    ///   assessment finds the household does not qualify for approved without a stated amount.
    public init(after workflow: ApplicationWorkflow, application: Application, householdCase: HouseholdCase,
                policy: PolicyVersion, makeID: () -> UUID) throws(ModelError) {
        guard let transition = workflow.history.last else { return }
        let actor = transition.actor, day = transition.day
        func decision(_ outcome: DecisionOutcome, amount: Money?, reason: String, tiers: [ClassifiedAidTier] = []) -> Decision {
            Decision(id: makeID(), application: application.id, outcome: outcome, amount: amount, reason: reason,
                     decidedBy: actor.user, role: actor.role, org: actor.org, date: day, classifiedAidTiers: tiers)
        }
        switch transition.event {
        case .approve(let terms):
            decisions.append(decision(.approved, amount: terms.amount, reason: terms.note.isEmpty ? "同意" : terms.note,
                                      tiers: terms.classifiedAidTiers))
            if application.programme == .temporaryAid {
                let amount = terms.amount ?? .zero // the workflow requires it for temporary aid
                payments.append(Payment(id: makeID(), household: application.household, member: application.member,
                                        programme: .temporaryAid, application: application.id, month: day.yearMonth,
                                        amount: amount * (application.persons ?? 1), paidOn: day))
            } else {
                enrolments = try EnrolmentPlan(application: application, householdCase: householdCase, terms: terms,
                                               approvedOn: day, policy: policy).enrolments(makeID: makeID)
            }
        case .reject(let reason):
            decisions.append(decision(.rejected, amount: nil, reason: reason))
        case .payFirst(let perPerson):
            let total = perPerson * (application.persons ?? 1)
            guard let town = householdCase.household.village.town else {
                throw ModelError(.invalidValue, field: "village", "the household's village \(householdCase.household.village) has no town")
            }
            payments.append(Payment(id: makeID(), household: application.household, member: application.member,
                                    programme: .temporaryAid, application: application.id, month: day.yearMonth,
                                    amount: total, paidOn: day, fromReserveFund: true))
            reserveFundEntries.append(ReserveFundEntry(id: makeID(), town: town, kind: .draw, amount: total, date: day,
                                                       application: application.id,
                                                       note: "先行救助 \(perPerson.yuanText) 元/人 × \(application.persons ?? 1) 人"))
        case .completeAidFirst(let note):
            decisions.append(decision(.approved, amount: workflow.approval?.amount, reason: note.isEmpty ? "先行救助，补办手续" : note))
        default:
            break
        }
    }
}

/// The enrolments an approval of a monthly programme starts (§3.1, §3.1.6, §3.2–§3.4).
///
/// Enrolments start the month after approval (保障起始年月, FORMS.md). A dibao approval also
/// starts what dibao brings with it: the classified aid the town decided per person
/// (§3.1.6) and the living subsidy of every disabled covered person (§3.4.1). The amount is
/// the one the approval states, else the assessment's; a programme the assessment does not
/// find payable needs the amount stated in the approval.
public struct EnrolmentPlan: Hashable, Sendable {
    public var application: Application
    public var householdCase: HouseholdCase
    public var terms: WorkflowEvent.ApprovalTerms
    public var approvedOn: Day
    public var policy: PolicyVersion

    /// A plan for an approval.
    public init(application: Application, householdCase: HouseholdCase, terms: WorkflowEvent.ApprovalTerms,
                approvedOn: Day, policy: PolicyVersion) {
        self.application = application; self.householdCase = householdCase; self.terms = terms
        self.approvedOn = approvedOn; self.policy = policy
    }

    /// The first month paid: the month after approval.
    public var start: YearMonth { approvedOn.yearMonth.adding(months: 1) }

    /// The enrolments to write.
    public func enrolments(makeID: () -> UUID) throws(ModelError) -> [Enrolment] {
        // assessed for the first month paid: what starts with an earlier approval of the same
        // month (a dibao's classified aid) counts, as it will on the roll (§3.3.4 top-up)
        let assessment = Assessor(policy: policy).assess(householdCase, asOf: start.firstDay)
        let programme = application.programme
        let household = application.household
        func enrolment(_ programme: Programme, member: UUID?, amount: Money, tiers: [ClassifiedAidTier] = []) -> Enrolment {
            Enrolment(id: makeID(), household: household, programme: programme, member: member, start: start,
                      monthlyAmount: amount, classifiedAid: tiers)
        }
        func amount(_ programme: Programme, member: UUID?) throws(ModelError) -> Money {
            if let stated = terms.amount { return stated }
            let found = assessment.determination(programme, member: member)
            guard let found, found.status.qualifies, found.monthlyAmount > .zero else {
                let why = found.map { "the assessment finds \($0.status.chineseName)" } ?? "the assessment has no \(programme.chineseName) finding"
                throw ModelError(.missingValue, field: "amount",
                                 "\(why) for \(programme.chineseName)\(member.map { " (member \($0))" } ?? ""): state the monthly amount the town approves, or correct the household's records and assess again")
            }
            return found.monthlyAmount
        }
        if householdCase.household.status != .active {
            throw ModelError(.invalidValue, field: "household", "household \(household) is voided: nothing is enrolled")
        }
        switch programme {
        case .dibao:
            let dibao = enrolment(.dibao, member: application.member, amount: try amount(.dibao, member: application.member),
                                  tiers: terms.classifiedAidTiers)
            // §3.1: one person, one dibao — the rule the server's merge checks too (`Enrolment.isSecondDibao`)
            if let standing = dibao.secondDibao(among: householdCase.enrolments) {
                throw ModelError(.duplicate, field: "programme",
                                 "household \(household) is already in dibao enrolment \(standing.id) from \(standing.start)\(standing.end.map { " to \($0)" } ?? "") over the same months (one person, one dibao, §3.1): end or review that enrolment first")
            }
            var out = [dibao]
            let tiers = policy.dibao.classifiedAid.tiers
            for entry in terms.classifiedAidTiers {
                guard householdCase.members.contains(where: { $0.id == entry.member }) else {
                    throw ModelError(.unknownReference, field: "classifiedAidTiers", "member \(entry.member) is not in household \(household)")
                }
                out.append(enrolment(.classifiedAid, member: entry.member, amount: tiers[entry.tier - 1]))
            }
            // §3.4.1: every disabled person on rural dibao gets the living subsidy
            let month = approvedOn.yearMonth
            for d in assessment.determinations where d.programme == .disabilityLiving && d.status.qualifies && d.monthlyAmount > .zero {
                guard let member = d.member else { continue }
                let already = householdCase.enrolments.contains { $0.programme == .disabilityLiving && $0.member == member && ($0.end.map { $0 >= month } ?? true) }
                if !already { out.append(enrolment(.disabilityLiving, member: member, amount: d.monthlyAmount)) }
            }
            return out
        case .tekun, .orphan, .unsupportedChild, .disabilityLiving, .disabilityNursing, .classifiedAid:
            guard let member = application.member else {
                throw ModelError(.missingValue, field: "member", "\(programme.chineseName) is paid per person: the application must name the member")
            }
            return [enrolment(programme, member: member, amount: try amount(programme, member: member))]
        case .priceSubsidy:
            throw ModelError(.invalidValue, field: "programme", "价格临时补贴 is published by the district and paid to the eligible groups (§3.5), not applied for")
        case .temporaryAid:
            return []
        }
    }
}
