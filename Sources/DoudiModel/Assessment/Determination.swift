import Foundation

/// What one programme gives one household or person, and why.
///
/// Every determination carries its explanation: the steps, the numbers used and
/// the clause ids, so that a cadre can tell a household on the spot why.
public struct Determination: Hashable, Sendable, Codable {
    public var programme: Programme
    /// The person; `nil` when the determination is for the whole household (dibao).
    public var member: UUID?
    public var status: Status
    /// Monthly amount payable (zero when not eligible or when the town still decides it).
    public var monthlyAmount: Money
    /// For temporary aid: the one-off band per person and who may approve.
    public var temporaryAid: TemporaryAidFinding?
    /// For dibao: the persons covered (保障人口).
    public var coveredPersons: Int?
    /// Enrol with priority (§3.1.1).
    public var priority: Bool
    /// Clause ids cited, e.g. `3.1.0`, in the order the steps cite them.
    public var clauses: [String]
    /// The explanation, step by step.
    public var steps: [Step]

    /// The outcome of a determination.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Qualifies; ``monthlyAmount`` is payable.
        case eligible
        /// Qualifies during gradual exit (§3.1.5).
        case gradualExit
        /// Qualifies as a candidate; the town decides the amount (classified-aid tier §3.1.6).
        case candidate
        /// Would qualify once a fact is established (e.g. lost contact §3.3.5).
        case pending
        /// Does not qualify.
        case notEligible

        public var chineseName: String {
            switch self {
            case .eligible: "符合"
            case .gradualExit: "渐退期"
            case .candidate: "待镇审定"
            case .pending: "待认定"
            case .notEligible: "不符合"
            }
        }

        /// True for every status that pays or may pay.
        public var qualifies: Bool { self == .eligible || self == .gradualExit || self == .candidate }
    }

    /// One step of an explanation.
    public struct Step: Hashable, Sendable, Codable {
        /// The sentence in Chinese, with the numbers used.
        public var text: String
        /// The clause it applies, e.g. `3.1.0`; `nil` for arithmetic.
        public var clause: String?
        /// True when the step applies a setting the seed does not state (a national default).
        public var isSetting: Bool

        public init(_ text: String, clause: String? = nil, isSetting: Bool = false) {
            self.text = text; self.clause = clause; self.isSetting = isSetting
        }

        /// `text §clause` as printed.
        public var line: String {
            var s = text
            if let clause { s += " §\(clause)" }
            if isSetting { s += "（政策设置）" }
            return s
        }
    }

    public init(programme: Programme, member: UUID? = nil, status: Status, monthlyAmount: Money = .zero,
                temporaryAid: TemporaryAidFinding? = nil, coveredPersons: Int? = nil, priority: Bool = false,
                steps: [Step]) {
        self.programme = programme; self.member = member; self.status = status; self.monthlyAmount = monthlyAmount
        self.temporaryAid = temporaryAid; self.coveredPersons = coveredPersons; self.priority = priority
        self.steps = steps
        var seen = Set<String>()
        self.clauses = steps.compactMap(\.clause).filter { seen.insert($0).inserted }
    }
}

/// The assessment of one household on one day under one policy version.
public struct Assessment: Hashable, Sendable, Codable {
    public var household: UUID
    public var asOf: Day
    /// The policy version used (its id), so that a figure can always be traced.
    public var policy: String
    public var determinations: [Determination]

    /// Determinations that pay or may pay.
    public var qualifying: [Determination] { determinations.filter { $0.status.qualifies } }

    /// Sum of the monthly amounts payable.
    public var monthlyTotal: Money { determinations.reduce(.zero) { $0 + $1.monthlyAmount } }

    /// The determination for a programme and person, if any.
    public func determination(_ programme: Programme, member: UUID? = nil) -> Determination? {
        determinations.first { $0.programme == programme && $0.member == member }
    }
}

/// What the policy says about a temporary-aid request (§3.6.2–3.6.4).
public struct TemporaryAidFinding: Hashable, Sendable, Codable {
    /// The band for the hardship: lowest and highest one-off amount per person; no
    /// highest for a case-by-case decision.
    public var minimumPerPerson: Money
    public var maximumPerPerson: Money?
    /// Who may approve the amount asked (§3.6.3).
    public var authority: ApprovalAuthority
    /// Amount asked per person, if given.
    public var requestedPerPerson: Money?
    /// Persons it is for.
    public var persons: Int
    /// May be paid first and completed afterwards (急难型, §3.6.4).
    public var aidFirst: Bool
    /// Income and asset survey needed (§3.6.4: not for registered-poor, dibao, 特困).
    public var meansTestRequired: Bool
    /// May be drawn from the town's reserve fund (§3.6.5).
    public var reserveFundEligible: Bool
}

/// Who may approve an amount (§3.6.3).
public enum ApprovalAuthority: String, Codable, Sendable, Hashable, Comparable {
    /// The town approves (within 3 × the monthly dibao standard per person).
    case town
    /// Above the town's limit: the district decides.
    case district
    /// Above the particularly-difficult maximum: the district decides case by case (一事一议).
    case districtCaseByCase

    public var chineseName: String {
        switch self {
        case .town: "镇(街道)审批"
        case .district: "报区民政局审批"
        case .districtCaseByCase: "区民政局一事一议"
        }
    }

    var rank: Int { self == .town ? 0 : self == .district ? 1 : 2 }
    public static func < (l: Self, r: Self) -> Bool { l.rank < r.rank }
}
