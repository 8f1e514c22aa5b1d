/// One version of the district's standards (§3.1–§3.6), in force from a day.
///
/// Every figure of POLICY.md is data here, not a constant: the seed ends with
/// "新的社会救助保障标准由区民政局另行通知". Settings where the seed is silent
/// (the dibao formula, ages, notice period, rounding) are data too, and the
/// explanations name them as settings. The shipped file is
/// `ServerConfig/policy/dongxing-2020.json`; `docs/POLICY-FILE.md` describes each field.
public struct PolicyVersion: Hashable, Sendable, Codable {
    /// Stable id, e.g. `dongxing-2020`.
    public var id: String
    /// Title shown to users.
    public var title: String
    /// The district whose hukou §3.1.0 requires.
    public var district: OrgCode
    /// First day the standards apply.
    public var effectiveFrom: Day
    /// The document it implements.
    public var source: String
    /// How computed amounts are rounded (FORMS.md: two conventions exist).
    public var rounding: RoundingRule
    public var ages: Ages
    public var dibao: DibaoStandards
    public var severeDisability: SevereDisabilityRule
    public var tekun: TekunStandards
    public var children: ChildrenStandards
    public var disability: DisabilityStandards
    public var temporaryAid: TemporaryAidStandards
    public var reserveFund: ReserveFundStandards
    public var workflow: WorkflowSettings
    /// Temporary price subsidies published by the district (§3.5).
    public var priceSubsidies: [PriceSubsidy]
}

/// Age thresholds (not in the seed: national rules, as settings).
public struct Ages: Hashable, Sendable, Codable {
    /// 老年人: age from which a person counts as elderly (national: 60).
    public var elderlyFrom: Int
    /// 未成年人: under this age (national: 18). Also the orphan limit §3.3.2.
    public var minorUnder: Int
}

/// §3.1 rural dibao.
public struct DibaoStandards: Hashable, Sendable, Codable {
    /// §3.1.0 低保标准 per person per month.
    public var standard: Money
    /// §3.1.0: per-capita income must be strictly below the standard ("低于").
    public var incomeTest: IncomeTest
    /// The monthly amount formula (setting; national: 差额补助).
    public var formula: DibaoFormula
    /// §3.1.1: categories enrolled with priority when they qualify.
    public var priorityCategories: [HouseholdCategory]
    /// §3.1.1: support payments (赡养金) at or above this share of income, in percent, is "占比过高".
    public var supportSharePriorityPercent: Int
    /// §3.1.2: households whose main members lost labour capacity and cannot escape
    /// poverty through support are enrolled whatever their income ("全部纳入").
    public var allEnrolIsCategorical: Bool
    /// §3.1.4: deduction kinds counted.
    public var deductibleKinds: [DeductionKind]
    /// §3.1.5
    public var gradualExit: GradualExitRule
    /// §3.1.6
    public var classifiedAid: ClassifiedAidStandards
    /// 特困 persons are supported on their own and not counted in a dibao household (national rule).
    public var excludesTekunMembers: Bool
    /// §3.1.0 asset rules, set by the district.
    public var assets: AssetRules
}

/// How the §3.1.0 income test compares.
public enum IncomeTest: String, Hashable, Sendable, CaseIterable, Codable {
    /// 低于: income must be below the standard; at the standard does not qualify.
    case strictlyBelow
    /// 不高于: at the standard qualifies too (some other districts).
    case atOrBelow
}

/// How the household's monthly dibao is computed.
public enum DibaoFormula: String, Hashable, Sendable, CaseIterable, Codable {
    /// 差额补助: (standard − per-capita countable income) × covered persons.
    case difference
    /// Full standard for each covered person (some places for categorical cases).
    case fullStandard
}

/// §3.1.5 gradual exit.
public struct GradualExitRule: Hashable, Sendable, Codable {
    /// At most this many months (seed: 12).
    public var maxMonths: Int
    /// Households it applies to (seed: 建档立卡贫困户 and 非建档立卡特殊困难户).
    public var categories: [HouseholdCategory]
}

/// §3.1.6 classified aid.
public struct ClassifiedAidStandards: Hashable, Sendable, Codable {
    /// Tier 1, 2, 3 amounts per person per month (2020: 120, 80, 40).
    public var tiers: [Money]
    /// Each tier at least this percent of the dibao standard (seed: 10).
    public var minimumPercentOfStandard: Int
}

/// §3.1.0 family asset rules. The seed leaves them to the district: the shipped
/// values are **placeholders**, marked so in the file and in every explanation.
public struct AssetRules: Hashable, Sendable, Codable {
    /// True while the district has not set real figures.
    public var placeholder: Bool
    /// Financial assets per household member at most this many months of the standard.
    public var financialMonthsOfStandardPerPerson: Int
    /// Houses owned at most.
    public var maxHouses: Int
    /// Non-exempt vehicles at most.
    public var maxCountedVehicles: Int
    /// A registered business (工商登记) disqualifies.
    public var registeredBusinessDisqualifies: Bool
}

/// Which disabilities count as 重度残疾 (重残) for §3.1.3, §3.1.6 (FORMS.md: a setting).
public struct SevereDisabilityRule: Hashable, Sendable, Codable {
    /// Grades that are severe for every category (usually 1 and 2).
    public var grades: [Int]
    /// Categories for which grade 3 is severe too (usually 智力, 精神).
    public var gradeThreeCategories: [DisabilityCategory]

    /// True when the disability counts as severe.
    public func isSevere(_ disability: Disability?) -> Bool {
        guard let d = disability else { return false }
        return grades.contains(d.grade) || (d.grade == 3 && gradeThreeCategories.contains(d.category))
    }
}

/// §3.2 特困.
public struct TekunStandards: Hashable, Sendable, Codable {
    /// §3.2.2 per person per month (500).
    public var standard: Money
    /// §3.2.1 minors under this age (16).
    public var minorUnder: Int
}

/// §3.3 children.
public struct ChildrenStandards: Hashable, Sendable, Codable {
    /// §3.3.2 孤儿 per month (900).
    public var orphanStandard: Money
    /// §3.3.3 事实无人抚养儿童 per month (900).
    public var unsupportedChildStandard: Money
    /// §3.3.1 困境儿童 the district helps (1,450), a target to report against.
    public var childrenInDifficultyTarget: Int
    /// §3.3.5 a parent's "lost contact" counts only once the town and police have established it.
    public var lostContactRequiresConfirmation: Bool
}

/// §3.4 the two disability subsidies.
public struct DisabilityStandards: Hashable, Sendable, Codable {
    /// §3.4.1 困难残疾人生活补贴 per month (100).
    public var livingSubsidy: Money
    /// §3.4.2 重度残疾人护理补贴 per month by grade: `"1": 80, "2": 50`.
    public var nursingSubsidyByGrade: [String: Money]

    /// The nursing subsidy for a grade, if any.
    public func nursingSubsidy(grade: Int) -> Money? { nursingSubsidyByGrade[String(grade)] }
}

/// §3.6 temporary assistance.
public struct TemporaryAidStandards: Hashable, Sendable, Codable {
    /// §3.6.2 ordinary one-off band per person (360–1,080).
    public var ordinaryMin: Money
    public var ordinaryMax: Money
    /// §3.6.2 特别困难: at most this per person (2,160); above: case by case.
    public var particularMax: Money
    /// §3.6.3 towns approve per-person amounts within this many times the monthly dibao standard (3).
    public var townAuthorityMultipleOfStandard: Int
    /// §3.6.4 applicants in these household categories are not income- or asset-surveyed …
    public var noMeansTestCategories: [HouseholdCategory]
    /// … nor applicants already enrolled in these programmes (dibao, 特困).
    public var noMeansTestProgrammes: [Programme]
}

/// §3.6.5 reserve fund.
public struct ReserveFundStandards: Hashable, Sendable, Codable {
    /// Yuan per resident of the town (2).
    public var perResident: Money
    /// Draws per person at most this many times the monthly dibao standard (3).
    public var drawLimitMultipleOfStandard: Int
}

/// Procedure settings.
public struct WorkflowSettings: Hashable, Sendable, Codable {
    /// 公示 days (not in the seed; national practice 7).
    public var publicNoticeDays: Int
}

/// §3.5 a temporary price subsidy the district publishes.
public struct PriceSubsidy: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    /// First and last month it is paid for.
    public var from: YearMonth
    public var through: YearMonth
    public var amountPerPerson: Money
    /// Programmes whose beneficiaries are eligible (dibao covered persons, 特困, orphans …).
    public var groups: [Programme]

    /// A subsidy for the months `from`…`through`, per person, for the beneficiaries of `groups`.
    public init(id: String, title: String, from: YearMonth, through: YearMonth, amountPerPerson: Money, groups: [Programme]) {
        self.id = id; self.title = title; self.from = from; self.through = through
        self.amountPerPerson = amountPerPerson; self.groups = groups
    }
}
