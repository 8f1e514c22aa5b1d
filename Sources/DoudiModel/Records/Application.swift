import Foundation

/// An application (申请) for a programme, by a household or one person.
///
/// Its progress is an ``ApplicationWorkflow`` value; decisions, enrolments and
/// payments that follow it are their own records.
public struct Application: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var household: UUID
    /// The person, for a single-person case (§3.1.3) or a per-person programme.
    public var member: UUID?
    public var programme: Programme
    /// For temporary aid: 急难型 or 支出型.
    public var temporaryAidType: TemporaryAidType?
    /// For temporary aid: the hardship band asked for.
    public var hardship: Hardship?
    /// For temporary aid: amount asked per person.
    public var amountPerPerson: Money?
    /// For temporary aid: how many persons it is for.
    public var persons: Int?
    /// Short hardship summary (no disease names or costs: it may appear on a notice).
    public var summary: String
    /// 申请日期
    public var date: Day

    public init(id: UUID, household: UUID, member: UUID? = nil, programme: Programme,
                temporaryAidType: TemporaryAidType? = nil, hardship: Hardship? = nil,
                amountPerPerson: Money? = nil, persons: Int? = nil, summary: String, date: Day) {
        self.id = id; self.household = household; self.member = member; self.programme = programme
        self.temporaryAidType = temporaryAidType; self.hardship = hardship; self.amountPerPerson = amountPerPerson
        self.persons = persons; self.summary = summary; self.date = date
    }
}

/// A town's or the district's decision (审核/审批): on an application, or a stop-payment
/// decision (停保) that ends enrolments (``stopPayment``).
public struct Decision: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The application decided; `nil` for a stop-payment decision, which decides on enrolments.
    public var application: UUID?
    public var outcome: DecisionOutcome
    /// Monthly amount (dibao etc.) or one-off amount per person (temporary aid).
    public var amount: Money?
    /// 意见 / reason; required for a rejection.
    public var reason: String
    /// 负责人
    public var decidedBy: String
    public var role: Role
    public var org: OrgCode
    public var date: Day
    /// Classified-aid tiers the town decided per person (§3.1.6).
    public var classifiedAidTiers: [ClassifiedAidTier]
    /// 停保: the enrolments this decision ends and the last month paid; `nil` for a decision on an application.
    public var stopPayment: StopPayment?

    public init(id: UUID, application: UUID?, outcome: DecisionOutcome, amount: Money? = nil, reason: String,
                decidedBy: String, role: Role, org: OrgCode, date: Day, classifiedAidTiers: [ClassifiedAidTier] = [],
                stopPayment: StopPayment? = nil) {
        self.id = id; self.application = application; self.outcome = outcome; self.amount = amount
        self.reason = reason; self.decidedBy = decidedBy; self.role = role; self.org = org; self.date = date
        self.classifiedAidTiers = classifiedAidTiers; self.stopPayment = stopPayment
    }

    /// The household the decision concerns, when the decision itself names it (a stop-payment decision).
    public var household: UUID? { stopPayment?.household }
}

/// 同意 / 不同意
public enum DecisionOutcome: String, Codable, Sendable, CaseIterable {
    case approved, rejected
    public var chineseName: String { self == .approved ? "同意" : "不同意" }
}

/// The classified-aid tier the town decided for one person (§3.1.6).
public struct ClassifiedAidTier: Hashable, Sendable, Codable {
    public var member: UUID
    /// 1, 2 or 3 (一档 highest).
    public var tier: Int
    public init(member: UUID, tier: Int) { self.member = member; self.tier = tier }
}

/// A household's or person's enrolment in a programme (保障), from a month.
public struct Enrolment: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The household enrolled (may be left out in a household document).
    public var household: UUID
    public var programme: Programme
    /// The person, for per-person programmes and single-person dibao cases.
    public var member: UUID?
    /// 保障起始年月 (the month after approval).
    public var start: YearMonth
    /// Last month paid, once it has ended.
    public var end: YearMonth?
    /// The monthly amount approved.
    public var monthlyAmount: Money
    /// First month of gradual exit (渐退期, §3.1.5), once it has started.
    public var gradualExitStart: YearMonth?
    /// Tiers decided by the town (§3.1.6).
    public var classifiedAid: [ClassifiedAidTier]
    /// 低保证号 etc.
    public var certificate: String?

    public init(id: UUID, household: UUID = HouseholdCase.unassigned, programme: Programme, member: UUID? = nil, start: YearMonth, end: YearMonth? = nil,
                monthlyAmount: Money, gradualExitStart: YearMonth? = nil, classifiedAid: [ClassifiedAidTier] = [],
                certificate: String? = nil) {
        self.id = id; self.household = household; self.programme = programme; self.member = member; self.start = start; self.end = end
        self.monthlyAmount = monthlyAmount; self.gradualExitStart = gradualExitStart
        self.classifiedAid = classifiedAid; self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case id, household, programme, member, start, end, monthlyAmount, gradualExitStart, classifiedAid, certificate
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UUID.self, forKey: .id)
        household = try c.decodeIfPresent(UUID.self, forKey: .household) ?? HouseholdCase.unassigned
        programme = try c.decode(Programme.self, forKey: .programme)
        member = try c.decodeIfPresent(UUID.self, forKey: .member)
        start = try c.decode(YearMonth.self, forKey: .start)
        end = try c.decodeIfPresent(YearMonth.self, forKey: .end)
        monthlyAmount = try c.decode(Money.self, forKey: .monthlyAmount)
        gradualExitStart = try c.decodeIfPresent(YearMonth.self, forKey: .gradualExitStart)
        classifiedAid = try c.decodeIfPresent([ClassifiedAidTier].self, forKey: .classifiedAid) ?? []
        certificate = try c.decodeIfPresent(String.self, forKey: .certificate)
        if let end, end < start {
            throw DecodingError.dataCorruptedError(forKey: .end, in: c, debugDescription: "an enrolment cannot end (\(end)) before it starts (\(start))")
        }
    }

    /// True when the enrolment covers `month`.
    public func isActive(in month: YearMonth) -> Bool { start <= month && (end.map { month <= $0 } ?? true) }
}

/// A payment of a benefit (发放), through the 一卡通 card.
public struct Payment: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var household: UUID
    public var member: UUID?
    public var programme: Programme
    public var enrolment: UUID?
    public var application: UUID?
    /// 发放年月
    public var month: YearMonth
    public var amount: Money
    public var paidOn: Day
    /// Paid first from the town's reserve fund (先行救助, §3.6.4–3.6.5).
    public var fromReserveFund: Bool

    public init(id: UUID, household: UUID, member: UUID? = nil, programme: Programme, enrolment: UUID? = nil,
                application: UUID? = nil, month: YearMonth, amount: Money, paidOn: Day, fromReserveFund: Bool = false) {
        self.id = id; self.household = household; self.member = member; self.programme = programme
        self.enrolment = enrolment; self.application = application; self.month = month; self.amount = amount
        self.paidOn = paidOn; self.fromReserveFund = fromReserveFund
    }
}

/// One entry in a town's reserve-fund ledger (临时救助备用金, §3.6.5).
/// The balance is derived from the entries, never stored.
public struct ReserveFundEntry: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var town: OrgCode
    public var kind: Kind
    /// Always positive; the kind says which way it goes.
    public var amount: Money
    public var date: Day
    public var application: UUID?
    public var note: String?

    /// Allocation by the district, draw by the town, or a top-up by the district.
    public enum Kind: String, Codable, Sendable {
        case allocation, draw, replenishment
        public var chineseName: String {
            switch self {
            case .allocation: "预拨"
            case .draw: "动用"
            case .replenishment: "补充"
            }
        }
    }

    public init(id: UUID, town: OrgCode, kind: Kind, amount: Money, date: Day, application: UUID? = nil, note: String? = nil) {
        self.id = id; self.town = town; self.kind = kind; self.amount = amount; self.date = date
        self.application = application; self.note = note
    }

    /// The entry's effect on the balance.
    public var signedAmount: Money { kind == .draw ? -amount : amount }
}
