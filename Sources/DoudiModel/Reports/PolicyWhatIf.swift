import Foundation

/// What a draft policy version would cost before the district publishes it: every active
/// household assessed under the version in force and under the draft, the caseload and the
/// monthly money per town and programme on both sides, and the households that would gain
/// or lose.
///
/// The caseload is **assessed eligibility**, not the enrolments on the roll: every household
/// not voided (注销) is assessed on the month's last day, and a determination that qualifies
/// (符合, 渐退期, 待镇审定) counts with its monthly amount. That is "what would the standard cost
/// if every household got what the policy gives it"; the roll of the month (``PaymentRoll``)
/// is what is actually paid. Temporary aid (临时救助, §3.6) is one-off and left out of the
/// monthly money; price subsidies (§3.5) count when a version pays one in the month.
/// Classified aid (§3.1.6) counts at the tier the town set; a candidate without a tier counts
/// as a person with no amount, since the town decides it.
///
/// Pure: no clock, no I/O.
///
/// ```swift
/// let current = try book.inForce(forRollOf: month)
/// let draft = try PolicyVersion.load(json: data, document: "draft.json")
/// let whatIf = PolicyWhatIf(cases: cases, org: tree, current: current, draft: draft, month: month)
/// for row in whatIf.rows { print(row.townName, row.programme?.chineseName ?? "合计", row.difference.monthlyAmount) }
/// ```
public struct PolicyWhatIf: Sendable, Hashable {
    /// 测算月份
    public var month: YearMonth
    /// The day both assessments are made on: the month's last day (the day the payment roll
    /// chooses its version by, ``PolicyBook/inForce(forRollOf:)``).
    public var asOf: Day
    /// The version in force (现行): its id and title.
    public var currentPolicy: String
    public var currentTitle: String
    /// The draft (草案): its id and title.
    public var draftPolicy: String
    public var draftTitle: String
    /// Households assessed (active households in the cases given).
    public var householdsAssessed: Int
    /// Per town, one row per programme that either side pays in the town (in ``Programme``
    /// order), then the town's total (``Row/programme`` nil, always shown); with several towns,
    /// the same for the whole area (``Row/town`` nil, 全区) at the end.
    public var rows: [Row]
    /// The households that would gain or lose, by town, village, household, programme.
    public var changes: [Change]

    /// The programmes counted in the monthly money: every programme but one-off temporary aid.
    public static let monthlyProgrammes: [Programme] = Programme.allCases.filter { $0 != .temporaryAid }

    /// Assesses every active household under both versions.
    ///
    /// - Parameters:
    ///   - cases: the households (voided ones and repeats are left out).
    ///   - org: names of towns and villages (the code is shown where a name is missing).
    ///   - current: the version in force for the month (``PolicyBook/inForce(forRollOf:)``).
    ///   - draft: the draft version, as read from its file.
    ///   - month: the month compared; both are assessed on its last day.
    public init(cases: [HouseholdCase], org: OrgTree, current: PolicyVersion, draft: PolicyVersion, month: YearMonth) {
        self.month = month
        asOf = month.lastDay
        currentPolicy = current.id; currentTitle = current.title
        draftPolicy = draft.id; draftTitle = draft.title
        let before = Assessor(policy: current), after = Assessor(policy: draft)

        var seen = Set<UUID>()
        let active = cases.enumerated()
            .filter { $0.element.household.status.isActive && seen.insert($0.element.household.id).inserted }
            .sorted { ($0.element.household.village, $0.offset) < ($1.element.household.village, $1.offset) }
            .map(\.element)
        householdsAssessed = active.count

        let assessed = Self.assessAll(active, before: before, after: after, asOf: asOf)
        var tally = Tally()
        var changes: [Change] = []
        for (c, (was, will)) in zip(active, assessed) {
            let town = c.household.village.town ?? c.household.village
            tally.towns.insert(town)
            for (key, entry) in was.entries { tally.add(entry, key: key, town: town, household: c.household.id, side: .current) }
            for (key, entry) in will.entries { tally.add(entry, key: key, town: town, household: c.household.id, side: .draft) }
            for key in (was.order + will.order.filter { was.entries[$0] == nil }).sorted(by: { $0.programme < $1.programme }) {
                let old = was.entries[key], new = will.entries[key]
                guard old?.amount != new?.amount || (old == nil) != (new == nil) else { continue }
                changes.append(Change(c, key: key, before: old, after: new,
                                      decidedBy: will.determinations[key] ?? was.determinations[key], other: was.determinations[key],
                                      org: org))
            }
        }
        self.changes = changes
        rows = tally.rows(org: org)
    }

    /// Both sides of every household, in the order given. Assessing is pure, so a district's
    /// households are assessed in chunks on every processor; the result is the same as one by one.
    private static func assessAll(_ cases: [HouseholdCase], before: Assessor, after: Assessor, asOf: Day) -> [(Monthly, Monthly)] {
        let chunk = 1_024
        let chunks = (cases.count + chunk - 1) / chunk
        let results = ChunkResults(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            let part = cases[(k * chunk)..<min(cases.count, (k + 1) * chunk)].map { c in
                (Self.monthly(before.assess(c, asOf: asOf), c), Self.monthly(after.assess(c, asOf: asOf), c))
            }
            results[k] = part
        }
        return (0..<chunks).flatMap { results[$0] }
    }

    /// The chunks' results, written by the threads that computed them.
    private final class ChunkResults: @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [[(Monthly, Monthly)]]

        init(count: Int) { chunks = Array(repeating: [], count: count) }

        subscript(k: Int) -> [(Monthly, Monthly)] {
            get { lock.lock(); defer { lock.unlock() }; return chunks[k] }
            set { lock.lock(); defer { lock.unlock() }; chunks[k] = newValue }
        }
    }

    /// One side's qualifying monthly determinations of a household, by programme and person.
    private static func monthly(_ assessment: Assessment, _ c: HouseholdCase) -> Monthly {
        var out = Monthly()
        let living = c.members.filter { $0.personStatus == .normal }
        let tekun = Set(assessment.determinations.filter { $0.programme == .tekun && $0.status == .eligible }.compactMap(\.member))
        for d in assessment.determinations where d.programme != .temporaryAid {
            let key = Key(programme: d.programme, member: d.member)
            if out.determinations[key] == nil { out.determinations[key] = d }
            guard d.status.qualifies else { continue }
            // a household's dibao covers its persons; in gradual exit the assessment names none: its living members but 特困 persons
            let persons = d.member != nil ? 1 : (d.coveredPersons ?? living.filter { !tekun.contains($0.id) }.count)
            if var entry = out.entries[key] {
                entry.amount += d.monthlyAmount   // two price subsidies in one month
                out.entries[key] = entry
            } else {
                out.entries[key] = Entry(amount: d.monthlyAmount, persons: persons)
                out.order.append(key)
            }
        }
        return out
    }

    struct Key: Hashable, Sendable {
        var programme: Programme
        /// nil for a household's dibao
        var member: UUID?
    }

    struct Entry: Hashable, Sendable {
        var amount: Money
        var persons: Int
    }

    private struct Monthly {
        var entries: [Key: Entry] = [:]
        var order: [Key] = []
        /// Every determination, qualifying or not, for the explanation of a change.
        var determinations: [Key: Determination] = [:]
    }
}

extension PolicyWhatIf {
    /// The caseload and money of one side.
    public struct Caseload: Sendable, Hashable {
        /// 户数: households with a qualifying determination.
        public var households: Int = 0
        /// 人数: dibao's covered persons, one per person for per-person programmes; nil on a
        /// total row (a person may be in several programmes).
        public var persons: Int?
        /// 月金额: the sum of the monthly amounts.
        public var monthlyAmount: Money = .zero

        public init(households: Int = 0, persons: Int? = nil, monthlyAmount: Money = .zero) {
            self.households = households; self.persons = persons; self.monthlyAmount = monthlyAmount
        }
    }

    /// One town's (or the whole area's) programme, or its total.
    public struct Row: Sendable, Hashable {
        /// 乡镇; nil for the whole area (全区: every town given).
        public var town: OrgCode?
        public var townName: String
        /// 项目; nil for the total of every programme.
        public var programme: Programme?
        /// 现行
        public var current: Caseload
        /// 草案
        public var draft: Caseload

        /// 增减: draft − current (persons nil on total rows).
        public var difference: Caseload {
            Caseload(households: draft.households - current.households,
                     persons: draft.persons.flatMap { d in current.persons.map { d - $0 } },
                     monthlyAmount: draft.monthlyAmount - current.monthlyAmount)
        }

        /// 项目 as printed: the programme's Chinese name, or 合计.
        public var programmeName: String { programme?.chineseName ?? "合计" }
    }

    /// What changes for one household in one programme (for one person, or the household's dibao).
    public struct Change: Sendable, Hashable {
        /// 变化
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// Qualifies under the draft only.
            case gain
            /// Qualifies under the version in force only.
            case loss
            /// Qualifies under both; the draft pays more.
            case increase
            /// Qualifies under both; the draft pays less.
            case decrease

            public var chineseName: String {
                switch self {
                case .gain: "新增享受"
                case .loss: "不再享受"
                case .increase: "金额增加"
                case .decrease: "金额减少"
                }
            }
        }

        public var kind: Kind
        public var town: OrgCode
        public var townName: String
        /// 村
        public var village: OrgCode
        public var villageName: String
        public var household: UUID
        /// 户主姓名 (the first member when no head is registered).
        public var headName: String
        /// The person, for a per-person programme or a single-person dibao case (§3.1.3).
        public var member: UUID?
        public var memberName: String?
        public var programme: Programme
        /// Monthly amount under the version in force; nil when it does not qualify.
        public var before: Money?
        /// Monthly amount under the draft; nil when it does not qualify.
        public var after: Money?
        /// The clause that decides it, e.g. `3.1.0`: of the first step of the draft's
        /// determination (the in-force one's when the draft has none) that reads differently
        /// under the other version; else the last clause the determination cites.
        public var clause: String?
        /// That step's sentence (its clause is ``clause``), e.g. `家庭人均收入 370.00 元（1110.00 ÷ 3 人）< 低保标准 400.00 元`.
        public var reason: String

        /// 增减: after − before (a missing side counts as zero).
        public var difference: Money { (after ?? .zero) - (before ?? .zero) }

        init(_ c: HouseholdCase, key: Key, before: Entry?, after: Entry?, decidedBy d: Determination?, other: Determination?, org: OrgTree) {
            kind = switch (before, after) {
            case (nil, _): .gain
            case (_, nil): .loss
            case (let b?, let a?): a.amount > b.amount ? .increase : .decrease
            }
            village = c.household.village
            town = village.town ?? village
            townName = org[town]?.name ?? town.value
            villageName = org[village]?.name ?? village.value
            household = c.household.id
            headName = (c.members.first { $0.relation == .head } ?? c.members.first)?.name ?? ""
            member = key.member
            memberName = key.member.flatMap { c.member($0)?.name }
            programme = key.programme
            self.before = before?.amount
            self.after = after?.amount
            let deciding = Self.decidingStep(d, other: d == other ? nil : other)
            clause = deciding?.clause
            reason = deciding.map { $0.text + ($0.isSetting ? "（政策设置）" : "") } ?? ""
        }

        /// The step that tells the two versions apart: the first step citing a clause whose
        /// text the other determination does not have; else the last step citing a clause.
        static func decidingStep(_ d: Determination?, other: Determination?) -> Determination.Step? {
            guard let d else { return nil }
            let otherLines = Set(other?.steps.map(\.line) ?? [])
            return d.steps.first { $0.clause != nil && !otherLines.contains($0.line) } ?? d.steps.last { $0.clause != nil }
        }
    }
}

extension PolicyWhatIf {
    enum Side { case current, draft }

    /// Sums per town and programme, and per town; the area's totals from them.
    struct Tally {
        struct Cell {
            var households = Set<UUID>()
            var persons = 0
            var amount = Money.zero

            mutating func add(_ household: UUID, persons: Int?, amount: Money) {
                households.insert(household)
                self.persons += persons ?? 0
                self.amount += amount
            }

            func caseload(withPersons: Bool) -> Caseload {
                Caseload(households: households.count, persons: withPersons ? persons : nil, monthlyAmount: amount)
            }
        }
        struct CellKey: Hashable { var town: OrgCode?; var programme: Programme? }
        var current: [CellKey: Cell] = [:]
        var draft: [CellKey: Cell] = [:]
        var towns = Set<OrgCode>()

        mutating func add(_ entry: Entry, key: Key, town: OrgCode, household: UUID, side: Side) {
            for cell in [CellKey(town: town, programme: key.programme), CellKey(town: town, programme: nil),
                         CellKey(town: nil, programme: key.programme), CellKey(town: nil, programme: nil)] {
                // mutated in place: a copy of a cell's set of households per add would be quadratic
                switch side {
                case .current: current[cell, default: Cell()].add(household, persons: entry.persons, amount: entry.amount)
                case .draft: draft[cell, default: Cell()].add(household, persons: entry.persons, amount: entry.amount)
                }
            }
        }

        func rows(org: OrgTree) -> [Row] {
            let order: [OrgCode?] = towns.sorted().map { $0 } + (towns.count > 1 ? [nil] : [])
            var rows: [Row] = []
            for town in order {
                let name = town.map { org[$0]?.name ?? $0.value } ?? "全区"
                for programme in PolicyWhatIf.monthlyProgrammes.map({ Optional($0) }) + [nil] {
                    // a programme neither side pays is left out; the total is always shown
                    let key = CellKey(town: town, programme: programme)
                    guard programme == nil || current[key] != nil || draft[key] != nil else { continue }
                    rows.append(Row(town: town, townName: name, programme: programme,
                                    current: (current[key] ?? Cell()).caseload(withPersons: programme != nil),
                                    draft: (draft[key] ?? Cell()).caseload(withPersons: programme != nil)))
                }
            }
            return rows
        }
    }
}
