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
    /// §4.4 what the special approval procedure changes while a declared special period applies.
    /// Required in a policy file (``load(json:document:)``); a version stored before the setting
    /// existed reads as `nil`, and ``specialRules`` then changes nothing but the seed's 3 months.
    public var specialProcedure: SpecialProcedureRules?
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
    /// Who is deemed to have no labour capacity (无劳动能力) for §3.2.1: the national rule
    /// (特困人员认定办法, 民发〔2016〕178号, Art. 6) the seed relies on without restating it. A setting.
    public var deemedNoLabourCapacity: DeemedNoLabourCapacity
    /// What counts as no source of livelihood (无生活来源) for §3.2.1: the national rule
    /// (特困人员认定办法, Art. 7). A setting.
    public var noLivelihood: NoLivelihoodRule
}

/// 特困人员认定办法 (民发〔2016〕178号) Art. 6: persons who **shall be deemed** (应当认定) to have no
/// labour capacity, whatever was entered for them: under `ageUnder`, aged `ageFrom` or over, or
/// with one of the listed disability categories and grades.
public struct DeemedNoLabourCapacity: Hashable, Sendable, Codable {
    /// Under this age (national: 16).
    public var ageUnder: Int
    /// From this age (national: 60).
    public var ageFrom: Int
    /// Disability categories and the grades deemed (national: 智力、精神 1–3, 肢体 1–2, 视力 1).
    public var disabilities: [DisabilityGrades]
    /// The rule it comes from, cited in explanations.
    public var source: String

    /// Why a person of `age` with `disability` is deemed to have no labour capacity, or `nil`.
    ///
    /// `未满16周岁`, `年满60周岁`, `智力残疾二级`.
    public func reason(age: Int, disability: Disability?) -> String? {
        if age < ageUnder { return "未满\(ageUnder)周岁" }
        if age >= ageFrom { return "年满\(ageFrom)周岁" }
        if let d = disability, disabilities.contains(where: { $0.category == d.category && $0.grades.contains(d.grade) }) {
            return "\(d.category.chineseName)残疾\(d.gradeName)"
        }
        return nil
    }
}

/// One disability category and the grades of it a rule lists.
public struct DisabilityGrades: Hashable, Sendable, Codable {
    public var category: DisabilityCategory
    /// Grades 1 (most severe) to 4.
    public var grades: [Int]

    public init(category: DisabilityCategory, grades: [Int]) { self.category = category; self.grades = grades }
}

/// 特困人员认定办法 Art. 7: a person whose income is below the local dibao standard has no
/// source of livelihood (无生活来源).
public struct NoLivelihoodRule: Hashable, Sendable, Codable {
    /// True: the person's own counted monthly income below the dibao standard (§3.1.0) counts as
    /// no source of livelihood. False: any counted income above zero is a source.
    public var incomeBelowDibaoStandard: Bool
    /// The rule it comes from, cited in explanations.
    public var source: String
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
    /// What falls due and when (`doudi due`): re-survey intervals and the aid-first paperwork time limit.
    public var reviewSchedule: ReviewSchedule
}

/// When reviews fall due (settings: the seed gives no intervals). Read by ``DueList``.
public struct ReviewSchedule: Hashable, Sendable, Codable {
    /// Months after a household's latest survey (家庭经济状况调查) by which a household enrolled
    /// in the programme is surveyed again, by programme code: `{"dibao": 12, "tekun": 12}`.
    /// A programme not listed is not scheduled for re-survey.
    public var resurveyMonths: [String: Int]
    /// Days after emergency aid was paid first (先行救助, §3.6.4) by which the town completes
    /// its paperwork (登记救助对象、原因、金额，补齐手续).
    public var aidFirstPaperworkDays: Int

    /// The re-survey interval of a programme, if it is scheduled.
    public func resurveyMonths(for programme: Programme) -> Int? { resurveyMonths[programme.rawValue] }
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
