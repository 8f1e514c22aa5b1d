import Foundation

/// The groups a town keeps a ledger (台账) for (§4.2). A household may be in several.
public enum LedgerGroup: String, CaseIterable, Sendable, Codable {
    /// 建档立卡低收入户: household category ``HouseholdCategory/registeredPoor``.
    case registeredPoor
    /// 老人户: ``HouseholdCategory/elderlyHousehold``.
    case elderlyHousehold
    /// 特殊困难户 (非建档立卡): ``HouseholdCategory/specialHardship``.
    case specialHardship
    /// 边缘户: ``HouseholdCategory/marginal``.
    case marginal
    /// 低保户: an active dibao enrolment (household or single-person case).
    case dibao
    /// 特困人员: persons with an active 特困 enrolment.
    case tekun
    /// 重度残疾人: persons whose disability is severe under the policy's setting.
    case severelyDisabled
    /// 重病患者: seriously ill persons.
    case seriouslyIll
    /// 孤儿: persons with an active orphan enrolment.
    case orphan
    /// 事实无人抚养儿童: persons with an active de-facto-unsupported-child enrolment.
    case unsupportedChild

    /// The name on the ledger.
    public var chineseName: String {
        switch self {
        case .registeredPoor: "建档立卡低收入户"
        case .elderlyHousehold: "老人户"
        case .specialHardship: "特殊困难户"
        case .marginal: "边缘户"
        case .dibao: "低保户"
        case .tekun: "特困人员"
        case .severelyDisabled: "重度残疾人"
        case .seriouslyIll: "重病患者"
        case .orphan: "孤儿"
        case .unsupportedChild: "事实无人抚养儿童"
        }
    }

    /// True when the group is of persons (特困, 重残, 重病, 孤儿, 事实无人抚养儿童): its 人数
    /// counts those persons; for a group of households it counts their living members.
    public var isPersonGroup: Bool {
        switch self {
        case .tekun, .severelyDisabled, .seriouslyIll, .orphan, .unsupportedChild: true
        case .registeredPoor, .elderlyHousehold, .specialHardship, .marginal, .dibao: false
        }
    }
}

/// A town's ledger of its assistance households by group, with their income and the
/// share of each kind of income (§4.2), and a summary of what each programme pays.
///
/// Counts the town's households that are not voided (注销). Members count when they
/// live in the household (人员状态 正常), as the assessment counts them. Income is each
/// household's latest survey on or before the as-of day, monthly and exact (annual
/// figures ÷ 12 carried as fractions), disregarded items left out, before §3.1.4
/// deductions; it is rounded only where printed (half up to the fen).
///
/// ```swift
/// let ledger = TownLedger(town: town, cases: cases, policy: policy, asOf: today, org: org)
/// for row in ledger.groups { print(row.group.chineseName, row.households, row.share(of: .wage) ?? "—") }
/// ```
public struct TownLedger: Sendable, Hashable {
    /// The town (镇/街道).
    public var town: OrgCode
    /// Its name, or its code where the org tree lacks it.
    public var townName: String
    /// 截至
    public var asOf: Day
    /// One row per ``LedgerGroup``, in ``LedgerGroup/allCases`` order, empty groups too.
    public var groups: [GroupRow]
    /// One row per programme paid monthly (active enrolments in the as-of month).
    public var programmes: [ProgrammeRow]
    /// §3.3.1 the town's children in difficulty (困境儿童), against the district's target.
    public var childrenInDifficulty: ChildrenInDifficulty

    /// Builds the ledger.
    ///
    /// - Parameters:
    ///   - town: the town; households whose village lies in it are counted.
    ///   - cases: households (others' and voided ones are left out).
    ///   - policy: the version in force (which disabilities are severe; which programmes'
    ///     enrolments exclude 特困 persons from a dibao household's count).
    ///   - asOf: the day the ledger is drawn up; enrolments active in its month count.
    ///   - org: the town's name.
    ///   - bankReturns: the bank's answers to the rolls (银行回盘): those recorded by the as-of day
    ///     give each programme's paid and still-unpaid amounts (``ProgrammeRow/bankPaid``,
    ///     ``ProgrammeRow/bankUnpaid``).
    public init(town: OrgCode, cases: [HouseholdCase], policy: PolicyVersion, asOf: Day, org: OrgTree, bankReturns: [BankReturn] = []) {
        self.town = town; self.asOf = asOf
        townName = org[town]?.name ?? town.value
        let month = asOf.yearMonth
        var seen = Set<UUID>()
        let mine = cases.filter {
            $0.household.status.isActive && town.contains($0.household.village) && seen.insert($0.household.id).inserted
        }

        var rows = Dictionary(uniqueKeysWithValues: LedgerGroup.allCases.map { ($0, GroupRow(group: $0)) })
        var programmeRows: [Programme: ProgrammeRow] = [:]
        for c in mine {
            let living = c.members.filter { $0.personStatus == .normal }
            let livingIDs = Set(living.map(\.id))
            let active = c.enrolments.filter { $0.isActive(in: month) }
            func enrolled(_ p: Programme) -> [Member] {
                let ids = Set(active.filter { $0.programme == p }.compactMap(\.member))
                return living.filter { ids.contains($0.id) }
            }
            let categories = c.household.categories
            var found: [LedgerGroup: Int] = [:]   // group → persons
            if categories.contains(.registeredPoor) { found[.registeredPoor] = living.count }
            if categories.contains(.elderlyHousehold) { found[.elderlyHousehold] = living.count }
            if categories.contains(.specialHardship) { found[.specialHardship] = living.count }
            if categories.contains(.marginal) { found[.marginal] = living.count }
            if active.contains(where: { $0.programme == .dibao }) { found[.dibao] = living.count }
            let persons: [LedgerGroup: [Member]] = [
                .tekun: enrolled(.tekun),
                .severelyDisabled: living.filter { policy.severeDisability.isSevere($0.disability) },
                .seriouslyIll: living.filter(\.isSeriouslyIll),
                .orphan: enrolled(.orphan),
                .unsupportedChild: enrolled(.unsupportedChild),
            ]
            for (group, members) in persons where !members.isEmpty { found[group] = members.count }
            if !found.isEmpty {
                let income = IncomeAccount(survey: c.latestSurvey(onOrBefore: asOf), policy: policy,
                                           includes: { $0.map(livingIDs.contains) ?? true })
                for (group, count) in found { rows[group, default: GroupRow(group: group)].add(persons: count, income: income) }
            }

            // programme summary
            let tekun = Set(active.filter { $0.programme == .tekun }.compactMap(\.member))
            let covered = policy.dibao.excludesTekunMembers ? living.filter { !tekun.contains($0.id) } : living
            for e in active {
                var row = programmeRows[e.programme] ?? ProgrammeRow(programme: e.programme)
                row.add(household: c.household.id, persons: e.member.map { [$0] } ?? covered.map(\.id), amount: e.monthlyAmount)
                programmeRows[e.programme] = row
            }
        }
        // 回盘: paid, and failed lines not yet answered on the roll that pays them again
        let townHouseholds = Set(cases.filter { town.contains($0.household.village) }.map(\.household.id))
        let known = BankReturn.standing(bankReturns.filter { townHouseholds.contains($0.household) && $0.recordedOn <= asOf })
        let answered = Set(known.map(\.reference))
        for r in known {
            var row = programmeRows[r.programme] ?? ProgrammeRow(programme: r.programme)
            switch r.outcome {
            case .paid: row.bankPaid += r.amount
            case .failed:
                if let carry = r.carryReference, !answered.contains(carry) {
                    row.bankUnpaid += r.amount
                }
            }
            programmeRows[r.programme] = row
        }
        groups = LedgerGroup.allCases.map { rows[$0] ?? GroupRow(group: $0) }
        childrenInDifficulty = ChildrenInDifficulty(cases: mine, policy: policy, asOf: asOf)
        // every programme enrolled monthly, zero rows too; price subsidies and temporary aid only when enrolled
        programmes = Programme.allCases.compactMap { p in
            programmeRows[p] ?? ((p == .priceSubsidy || p == .temporaryAid) ? nil : ProgrammeRow(programme: p))
        }
    }

    /// `椑木镇社会救助对象分类台账（截至 2026-12-31）`
    public var title: String { "\(townName)社会救助对象分类台账（截至 \(asOf.iso)）" }
}

extension TownLedger {
    /// One group's households, persons and income (§4.2).
    public struct GroupRow: Sendable, Hashable {
        public var group: LedgerGroup
        /// 户数
        public var households: Int = 0
        /// 人数: the persons of the group (person groups) or the living members of its
        /// households (household groups); see ``LedgerGroup/isPersonGroup``.
        public var persons: Int = 0
        /// 月收入合计 of the households, exact (counted income, before deductions).
        public var monthlyIncome: FenFraction = .zero
        /// Counted monthly income by kind, exact.
        public var incomeByKind: [IncomeKind: FenFraction] = [:]

        public init(group: LedgerGroup) { self.group = group }

        mutating func add(persons: Int, income: IncomeAccount) {
            households += 1
            self.persons += persons
            monthlyIncome = monthlyIncome + income.gross
            for (kind, amount) in income.byKind { incomeByKind[kind, default: .zero] = incomeByKind[kind, default: .zero] + amount }
        }

        /// 月收入合计 rounded half up to the fen, as printed.
        public var monthlyIncomeRounded: Money { monthlyIncome.rounded(.halfUpToFen) }

        /// The share of a kind of income in the group's income, e.g. `37.5%` (one decimal,
        /// rounded half up, integer arithmetic); `nil` when the group has no income.
        public func share(of kind: IncomeKind) -> String? {
            ReportFormat.percent(incomeByKind[kind] ?? .zero, of: monthlyIncome)
        }
    }

    /// What one programme pays in the town in the as-of month.
    public struct ProgrammeRow: Sendable, Hashable {
        /// 项目
        public var programme: Programme
        /// 户数
        public var households: Int { householdIDs.count }
        /// 人数: dibao's covered persons, one per person for per-person programmes.
        public var persons: Int { personIDs.count }
        /// 月发放金额: the sum of the enrolments' monthly amounts.
        public var monthlyAmount: Money = .zero
        /// 已到账: what the bank has answered paid, by the as-of day (every roll so far).
        public var bankPaid: Money = .zero
        /// 未到账: what the bank answered failed and is still owed — its 补发 line not yet answered.
        public var bankUnpaid: Money = .zero
        var householdIDs: Set<UUID> = []
        var personIDs: Set<UUID> = []

        public init(programme: Programme) { self.programme = programme }

        mutating func add(household: UUID, persons: [UUID], amount: Money) {
            householdIDs.insert(household)
            personIDs.formUnion(persons)
            monthlyAmount += amount
        }
    }
}
