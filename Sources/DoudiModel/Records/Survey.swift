import Foundation

/// An income-and-asset survey (家庭经济状况调查) of a household.
///
/// Surveys are append-only versions: a re-survey is a new record, and the
/// assessment uses the latest one.
public struct Survey: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The household surveyed (may be left out in a household document).
    public var household: UUID
    /// 调查日期
    public var date: Day
    /// 调查人 (usually two staff).
    public var surveyors: [String]
    public var incomes: [IncomeItem]
    /// 刚性支出 and employment costs to deduct (§3.1.4).
    public var deductions: [Deduction]
    public var assets: Assets

    public init(id: UUID, household: UUID = HouseholdCase.unassigned, date: Day, surveyors: [String] = [], incomes: [IncomeItem] = [],
                deductions: [Deduction] = [], assets: Assets = Assets()) {
        self.id = id; self.household = household; self.date = date; self.surveyors = surveyors; self.incomes = incomes
        self.deductions = deductions; self.assets = assets
    }

    enum CodingKeys: String, CodingKey { case id, household, date, surveyors, incomes, deductions, assets }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UUID.self, forKey: .id)
        household = try c.decodeIfPresent(UUID.self, forKey: .household) ?? HouseholdCase.unassigned
        date = try c.decode(Day.self, forKey: .date)
        surveyors = try c.decodeIfPresent([String].self, forKey: .surveyors) ?? []
        incomes = try c.decodeIfPresent([IncomeItem].self, forKey: .incomes) ?? []
        deductions = try c.decodeIfPresent([Deduction].self, forKey: .deductions) ?? []
        assets = try c.decodeIfPresent(Assets.self, forKey: .assets) ?? Assets()
    }
}

/// How often an amount recurs; annual amounts count as one twelfth a month, exactly.
public enum Period: String, Codable, Sendable, CaseIterable {
    case monthly, annual
    public var chineseName: String { self == .monthly ? "月" : "年" }
    /// Months the amount covers.
    public var months: Int { self == .monthly ? 1 : 12 }
}

/// Kinds of income (收入类别).
public enum IncomeKind: String, Codable, Sendable, CaseIterable {
    /// 工资性收入
    case wage
    /// 经营净收入 (farming, business, livestock)
    case business
    /// 财产净收入 (rent, interest)
    case property
    /// 转移净收入 (pensions, subsidies)
    case transfer
    /// 赡养费/抚养费/扶养费 received (§3.1.1, §3.1.3)
    case support
    /// 实物收入 (in kind, valued in yuan)
    case inKind

    public var chineseName: String {
        switch self {
        case .wage: "工资性收入"
        case .business: "经营净收入"
        case .property: "财产净收入"
        case .transfer: "转移净收入"
        case .support: "赡养费收入"
        case .inKind: "实物收入"
        }
    }
}

/// One income item of a survey.
public struct IncomeItem: Hashable, Sendable, Codable {
    /// The member who earns it; `nil` for household income (e.g. farming).
    public var member: UUID?
    public var kind: IncomeKind
    public var amount: Money
    public var period: Period
    /// Not counted (e.g. 优抚金, scholarships, assistance payments), with its basis.
    public var disregarded: Bool
    /// 不计入依据
    public var basis: String?

    public init(member: UUID? = nil, kind: IncomeKind, amount: Money, period: Period = .monthly,
                disregarded: Bool = false, basis: String? = nil) {
        self.member = member; self.kind = kind; self.amount = amount; self.period = period
        self.disregarded = disregarded; self.basis = basis
    }

    enum CodingKeys: String, CodingKey { case member, kind, amount, period, disregarded, basis }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        member = try c.decodeIfPresent(UUID.self, forKey: .member)
        kind = try c.decode(IncomeKind.self, forKey: .kind)
        amount = try c.decode(Money.self, forKey: .amount)
        guard !amount.isNegative else {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: c, debugDescription: "an income amount cannot be negative (\(amount.yuanText))")
        }
        period = try c.decodeIfPresent(Period.self, forKey: .period) ?? .monthly
        disregarded = try c.decodeIfPresent(Bool.self, forKey: .disregarded) ?? false
        basis = try c.decodeIfPresent(String.self, forKey: .basis)
    }
}

/// Kinds of expense deducted from income (§3.1.4).
public enum DeductionKind: String, Codable, Sendable, CaseIterable {
    /// 医疗支出 (disability or serious illness)
    case medical
    /// 康复支出
    case rehabilitation
    /// 护理支出
    case nursing
    /// 教育支出 (deducted only where the policy version lists it)
    case education
    /// 必要的就业成本
    case employmentCost

    public var chineseName: String {
        switch self {
        case .medical: "医疗刚性支出"
        case .rehabilitation: "康复刚性支出"
        case .nursing: "护理刚性支出"
        case .education: "教育支出"
        case .employmentCost: "必要就业成本"
        }
    }
}

/// One expense to deduct.
public struct Deduction: Hashable, Sendable, Codable {
    public var member: UUID?
    public var kind: DeductionKind
    public var amount: Money
    public var period: Period
    /// 证明材料
    public var evidence: String?

    public init(member: UUID? = nil, kind: DeductionKind, amount: Money, period: Period = .monthly, evidence: String? = nil) {
        self.member = member; self.kind = kind; self.amount = amount; self.period = period; self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey { case member, kind, amount, period, evidence }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        member = try c.decodeIfPresent(UUID.self, forKey: .member)
        kind = try c.decode(DeductionKind.self, forKey: .kind)
        amount = try c.decode(Money.self, forKey: .amount)
        guard !amount.isNegative else {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: c, debugDescription: "a deduction cannot be negative (\(amount.yuanText))")
        }
        period = try c.decodeIfPresent(Period.self, forKey: .period) ?? .monthly
        evidence = try c.decodeIfPresent(String.self, forKey: .evidence)
    }
}

/// A household's assets (家庭财产).
public struct Assets: Hashable, Sendable, Codable {
    /// 存款 + 国债/有价证券 + 储蓄性保险 (financial assets), excluding exempt savings.
    public var financial: Money
    /// Houses owned (房产套数).
    public var houses: Int
    /// Vehicles; one needed for treatment, rehabilitation or livelihood can be exempt.
    public var vehicles: [Vehicle]
    /// 工商登记 (a registered business).
    public var registeredBusiness: Bool

    public init(financial: Money = .zero, houses: Int = 0, vehicles: [Vehicle] = [], registeredBusiness: Bool = false) {
        self.financial = financial; self.houses = houses; self.vehicles = vehicles; self.registeredBusiness = registeredBusiness
    }

    enum CodingKeys: String, CodingKey { case financial, houses, vehicles, registeredBusiness }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        financial = try c.decodeIfPresent(Money.self, forKey: .financial) ?? .zero
        houses = try c.decodeIfPresent(Int.self, forKey: .houses) ?? 0
        vehicles = try c.decodeIfPresent([Vehicle].self, forKey: .vehicles) ?? []
        registeredBusiness = try c.decodeIfPresent(Bool.self, forKey: .registeredBusiness) ?? false
        guard !financial.isNegative else {
            throw DecodingError.dataCorruptedError(forKey: .financial, in: c, debugDescription: "financial assets cannot be negative")
        }
        guard houses >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .houses, in: c, debugDescription: "number of houses cannot be negative")
        }
    }

    /// Vehicles not exempted.
    public var countedVehicles: Int { vehicles.filter { $0.exemptReason == nil }.count }
}

/// A vehicle, with an exemption reason where one applies.
public struct Vehicle: Hashable, Sendable, Codable {
    /// e.g. 摩托车, 三轮车, 小汽车
    public var kind: String
    public var value: Money?
    /// Why it is not counted (治疗, 康复, 生计), or `nil`.
    public var exemptReason: String?

    public init(kind: String, value: Money? = nil, exemptReason: String? = nil) {
        self.kind = kind; self.value = value; self.exemptReason = exemptReason
    }
}

/// A home visit (入户调查/入户走访).
public struct Visit: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var household: UUID
    /// 调查日期
    public var date: Day
    /// 调查人 (two staff).
    public var visitors: [String]
    /// 受访人
    public var interviewee: String
    /// What was seen: housing, assets, health.
    public var observations: String
    /// 邻里访问
    public var neighbourNotes: String?
    /// 结论
    public var conclusion: VisitConclusion
    /// 备注
    public var remarks: String?

    public init(id: UUID, household: UUID, date: Day, visitors: [String], interviewee: String,
                observations: String, neighbourNotes: String? = nil, conclusion: VisitConclusion, remarks: String? = nil) {
        self.id = id; self.household = household; self.date = date; self.visitors = visitors
        self.interviewee = interviewee; self.observations = observations; self.neighbourNotes = neighbourNotes
        self.conclusion = conclusion; self.remarks = remarks
    }
}

/// 结论: 属实 / 不属实
public enum VisitConclusion: String, Codable, Sendable, CaseIterable {
    case truthful, untruthful
    public var chineseName: String { self == .truthful ? "属实" : "不属实" }
}
