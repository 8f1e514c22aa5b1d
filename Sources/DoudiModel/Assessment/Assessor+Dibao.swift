import Foundation

/// What the dibao assessment found, for the programmes that build on it.
struct DibaoOutcome {
    var determinations: [Determination] = []
    /// Status of the household's dibao (`notEligible` when only single-person cases qualify).
    var householdStatus: Determination.Status = .notEligible
    /// Members covered by household dibao (保障人口).
    var covered: [UUID] = []
    /// The household's monthly dibao before rounding, for per-person shares (§3.3.4).
    var householdAmount: FenFraction = .zero
    /// Single-person cases that qualify (§3.1.3), member → monthly amount.
    var singlePerson: [UUID: Money] = [:]

    /// True when the member receives dibao (household or single-person, incl. gradual exit).
    func isOnDibao(_ member: UUID) -> Bool {
        (householdStatus.qualifies && covered.contains(member)) || singlePerson[member] != nil
    }

    /// The member's share of the dibao paid (household amount ÷ covered persons, or their single-person amount).
    func share(of member: UUID) -> FenFraction? {
        if let own = singlePerson[member] { return own.fraction }
        guard householdStatus.qualifies, covered.contains(member), !covered.isEmpty else { return nil }
        return householdAmount / covered.count
    }
}

extension Assessor {
    /// §3.1.0–§3.1.5: the household's dibao, and single-person cases (§3.1.3) when the household is not on dibao.
    func dibaoDeterminations(_ facts: HouseholdFacts, tekunMembers: Set<UUID>) -> DibaoOutcome {
        var outcome = DibaoOutcome()
        let d = householdDibao(facts, tekunMembers: tekunMembers, outcome: &outcome)
        outcome.determinations.append(d)
        if !d.status.qualifies {
            for member in facts.livingMembers where !tekunMembers.contains(member.id) {
                if let single = singlePersonCase(facts, member: member) {
                    if single.status == .eligible { outcome.singlePerson[member.id] = single.monthlyAmount }
                    outcome.determinations.append(single)
                }
            }
        }
        return outcome
    }

    private func householdDibao(_ facts: HouseholdFacts, tekunMembers: Set<UUID>, outcome: inout DibaoOutcome) -> Determination {
        let std = policy.dibao.standard
        var steps: [Determination.Step] = []
        func result(_ status: Determination.Status, _ amount: Money = .zero, covered: Int? = nil, priority: Bool = false) -> Determination {
            Determination(programme: .dibao, status: status, monthlyAmount: amount, coveredPersons: covered, priority: priority, steps: steps)
        }
        // §3.1.0 hukou
        guard facts.hasDistrictHukou else {
            steps.append(.init("户籍 \(facts.household.hukou) 不在本区（\(policy.district)），不符合低保条件", clause: "3.1.0"))
            return result(.notEligible)
        }
        steps.append(.init("户籍 \(facts.household.hukou) 属本区", clause: "3.1.0"))
        // who counts
        var members = facts.livingMembers
        if !facts.excludedMembers.isEmpty {
            let names = facts.excludedMembers.map { "\($0.name)（\($0.personStatus.chineseName)）" }
            steps.append(.init("不计入共同生活家庭成员：\(names.joined(separator: "、"))", isSetting: true))
        }
        if policy.dibao.excludesTekunMembers, !tekunMembers.isEmpty {
            let names = members.filter { tekunMembers.contains($0.id) }.map(\.name)
            members.removeAll { tekunMembers.contains($0.id) }
            steps.append(.init("特困人员 \(names.joined(separator: "、")) 单独供养，不计入低保家庭人口（特困与低保不重复享受）", clause: "3.2.1", isSetting: true))
        }
        guard !members.isEmpty else {
            steps.append(.init("无其他需保障的家庭成员"))
            return result(.notEligible)
        }
        let n = members.count
        let ids = Set(members.map(\.id))
        guard let survey = facts.survey else {
            steps.append(.init("尚无 \(facts.asOf) 前的家庭经济状况调查，无法核算收入：请先录入调查", clause: "3.1.0"))
            return result(.pending)
        }
        // income §3.1.0, §3.1.4
        let account = IncomeAccount(survey: survey, policy: policy, includes: { $0.map(ids.contains) ?? true })
        steps.append(.init("依据 \(survey.date) 家庭经济状况调查"))
        steps += account.steps(subject: "家庭")
        let perCapita = account.countable / n
        let below: Bool = switch policy.dibao.incomeTest {
        case .strictlyBelow: perCapita < std.fraction
        case .atOrBelow: !(std.fraction < perCapita)
        }
        let comparison = below ? (policy.dibao.incomeTest == .strictlyBelow ? "<" : "≤") : (perCapita == std.fraction ? "=" : ">")
        steps.append(.init("家庭人均收入 \(perCapita.approximateText) 元（\(account.countable.approximateText) ÷ \(n) 人）\(comparison) 低保标准 \(std.y) 元"
                           + (below ? "" : (policy.dibao.incomeTest == .strictlyBelow ? "，须低于标准" : "，须不高于标准")), clause: "3.1.0"))
        // assets §3.1.0
        let assetProblems = assetProblems(survey.assets, persons: n)
        let placeholderNote = policy.dibao.assets.placeholder ? "（资产规定为占位值，待区民政局确定）" : ""
        if assetProblems.isEmpty {
            steps.append(.init("家庭财产符合本区规定\(placeholderNote)", clause: "3.1.0", isSetting: policy.dibao.assets.placeholder))
        } else {
            steps.append(.init("家庭财产超过本区规定：\(assetProblems.joined(separator: "；"))\(placeholderNote)", clause: "3.1.0", isSetting: policy.dibao.assets.placeholder))
            return result(.notEligible)
        }
        // §3.1.2 all-enrol
        let allEnrol = allEnrolApplies(facts, members: members)
        if let allEnrol { steps.append(allEnrol) }
        let categorical = allEnrol != nil && policy.dibao.allEnrolIsCategorical
        guard below || categorical else {
            return gradualExit(facts, steps: steps)
        }
        if !below, categorical {
            steps.append(.init("收入虽未低于标准，按“全部纳入”规定纳入农村低保", clause: "3.1.2"))
        }
        // amount
        var amount: FenFraction
        switch policy.dibao.formula {
        case .difference:
            amount = (std.fraction * n - account.countable).clampedAtZero
            steps.append(.init("月低保金 = (低保标准 \(std.y) − 人均收入 \(perCapita.approximateText)) × 保障人口 \(n) 人 = \(amount.approximateText) 元（差额补助）", isSetting: true))
        case .fullStandard:
            amount = std.fraction * n
            steps.append(.init("月低保金 = 低保标准 \(std.y) × 保障人口 \(n) 人 = \(amount.approximateText) 元（按标准全额）", isSetting: true))
        }
        let paid = amount.rounded(policy.rounding)
        if paid.fraction != amount {
            steps.append(.init("按“\(policy.rounding.chineseName)”取整为 \(paid.y) 元", isSetting: true))
        }
        // §3.1.1 priority
        let priority = priorityStep(facts, account: account)
        if let priority { steps.append(priority) }
        outcome.householdStatus = .eligible
        outcome.covered = members.map(\.id)
        outcome.householdAmount = amount
        return result(.eligible, paid, covered: n, priority: priority != nil)
    }

    /// §3.1.0 asset rules (district settings).
    private func assetProblems(_ assets: Assets, persons: Int) -> [String] {
        let rules = policy.dibao.assets
        var problems: [String] = []
        let limit = policy.dibao.standard * (rules.financialMonthsOfStandardPerPerson * persons)
        if assets.financial > limit {
            problems.append("金融资产 \(assets.financial.y) 元 > \(rules.financialMonthsOfStandardPerPerson) 个月标准 × \(persons) 人 = \(limit.y) 元")
        }
        if assets.houses > rules.maxHouses { problems.append("房产 \(assets.houses) 套 > \(rules.maxHouses) 套") }
        if assets.countedVehicles > rules.maxCountedVehicles {
            problems.append("非豁免车辆 \(assets.countedVehicles) 辆 > \(rules.maxCountedVehicles) 辆")
        }
        if assets.registeredBusiness && rules.registeredBusinessDisqualifies { problems.append("有工商登记") }
        return problems
    }

    /// §3.1.2: the main members (户主及配偶) have fully or partly lost labour capacity and
    /// the household cannot escape poverty through industry or employment support.
    private func allEnrolApplies(_ facts: HouseholdFacts, members: [Member]) -> Determination.Step? {
        let main = members.filter { $0.relation == .head || $0.relation == .spouse }
        guard !main.isEmpty, main.allSatisfy({ $0.labourCapacity != .full }), facts.household.employmentSupportExhausted else { return nil }
        let names = main.map { "\($0.name)（\($0.labourCapacity.chineseName)）" }.joined(separator: "、")
        return .init("主要成员 \(names)，且无法通过产业扶持和就业帮扶稳定脱贫：全部纳入农村低保", clause: "3.1.2")
    }

    /// §3.1.1 priority for registered-poor households (low income, or support payments a high share of income).
    private func priorityStep(_ facts: HouseholdFacts, account: IncomeAccount) -> Determination.Step? {
        let cats = facts.household.categories.intersection(policy.dibao.priorityCategories)
        guard !cats.isEmpty else { return nil }
        let names = cats.sorted().map(\.chineseName).joined(separator: "、")
        let pct = policy.dibao.supportSharePriorityPercent
        if account.supportShareAtLeast(percent: pct) {
            let support = account.byKind[.support] ?? .zero
            return .init("\(names)，赡养费收入 \(support.approximateText) 元占家庭收入 \(account.gross.approximateText) 元的 \(pct)% 以上：优先纳入", clause: "3.1.1")
        }
        return .init("低收入\(names)：优先纳入", clause: "3.1.1")
    }

    /// §3.1.5: income is no longer below the standard. A dibao household of a gradual-exit
    /// category keeps its benefit for at most `maxMonths` months, from the month after the re-survey.
    private func gradualExit(_ facts: HouseholdFacts, steps inSteps: [Determination.Step]) -> Determination {
        var steps = inSteps
        let rule = policy.dibao.gradualExit
        func result(_ status: Determination.Status, _ amount: Money = .zero) -> Determination {
            Determination(programme: .dibao, status: status, monthlyAmount: amount, steps: steps)
        }
        guard let enrolment = facts.activeDibaoEnrolment else {
            steps.append(.init("不符合农村低保条件", clause: "3.1.0"))
            return result(.notEligible)
        }
        let categories = facts.household.categories.intersection(rule.categories)
        guard !categories.isEmpty else {
            let allowed = rule.categories.map(\.chineseName).joined(separator: "、")
            steps.append(.init("已享受低保但收入已不低于标准；渐退期仅适用于\(allowed)，应退出低保", clause: "3.1.5"))
            return result(.notEligible)
        }
        let asOfMonth = facts.asOf.yearMonth
        let catNames = categories.sorted().map(\.chineseName).joined(separator: "、")
        // the one rule for when a gradual exit ends (also used by the enrolment review and the payment roll)
        guard let phase = enrolment.gradualExitPhase(in: asOfMonth, surveyMonth: facts.survey?.date.yearMonth ?? asOfMonth, rule: rule) else {
            steps.append(.init("不符合农村低保条件", clause: "3.1.0"))
            return result(.notEligible)
        }
        let start = phase.window.lowerBound, last = phase.window.upperBound
        let recorded = enrolment.gradualExitStart == nil ? "（渐退起始月未登记，按调查次月计）" : ""
        switch phase {
        case .ended:
            steps.append(.init("渐退期自 \(start) 起已满 \(rule.maxMonths) 个月（\(last) 结束），应退出低保，\(last) 之后不再发放\(recorded)", clause: "3.1.5"))
            return result(.notEligible)
        case .notStarted:
            steps.append(.init("将于 \(start) 进入渐退期，至迟 \(last) 结束；当前保障金 \(enrolment.monthlyAmount.y) 元\(recorded)", clause: "3.1.5"))
        case .running(let month, _) where enrolment.gradualExitStart == nil:
            steps.append(.init("\(catNames)已享受低保，收入超过标准：自 \(start) 起进入渐退期，至迟 \(last) 结束（不超过 \(rule.maxMonths) 个月），现为第 \(month) 个月，渐退期内保障金照发 \(enrolment.monthlyAmount.y) 元\(recorded)", clause: "3.1.5"))
        case .running(let month, _):
            steps.append(.init("渐退期第 \(month) 个月（共不超过 \(rule.maxMonths) 个月，自 \(start) 至 \(last)），保障金照发 \(enrolment.monthlyAmount.y) 元", clause: "3.1.5"))
        }
        return result(.gradualExit, enrolment.monthlyAmount)
    }

    /// §3.1.3: an adult, unemployed, severely disabled or seriously ill person who lives with
    /// and depends on a family not on dibao may apply alone; income counted is their own
    /// cash and in-kind income plus the support legal supporters owe.
    private func singlePersonCase(_ facts: HouseholdFacts, member m: Member) -> Determination? {
        let severe = facts.isSeverelyDisabled(m)
        guard severe || m.isSeriouslyIll else { return nil }
        var steps: [Determination.Step] = []
        func result(_ status: Determination.Status, _ amount: Money = .zero) -> Determination {
            Determination(programme: .dibao, member: m.id, status: status, monthlyAmount: amount, coveredPersons: status == .eligible ? 1 : nil, steps: steps)
        }
        let condition = severe ? "重度残疾（\(m.disability!.category.chineseName)\(m.disability!.gradeName)）" : "重病患者"
        steps.append(.init("\(facts.label(m))为\(condition)，家庭未享受低保，可单人户申请", clause: "3.1.3"))
        guard facts.age(m) >= policy.ages.minorUnder else {
            steps.append(.init("未满 \(policy.ages.minorUnder) 周岁，不属成年人", clause: "3.1.3"))
            return result(.notEligible)
        }
        guard m.employment != .employed else {
            steps.append(.init("在职，不属无业人员", clause: "3.1.3"))
            return result(.notEligible)
        }
        guard m.dependsOnFamily else {
            steps.append(.init("未登记为“靠家庭供养且无法单独立户”", clause: "3.1.3"))
            return result(.notEligible)
        }
        guard facts.hasDistrictHukou else {
            steps.append(.init("户籍不在本区", clause: "3.1.0"))
            return result(.notEligible)
        }
        guard let survey = facts.survey else {
            steps.append(.init("尚无家庭经济状况调查，无法核算本人收入"))
            return result(.pending)
        }
        var account = IncomeAccount(survey: survey, policy: policy, includes: { $0 == m.id }, excludeKinds: [.support])
        let owed = facts.householdCase.obligors.filter { $0.member == m.id }
        for o in owed {
            if let reason = o.cannotPayReason {
                steps.append(.init("法定义务人 \(o.name)（\(o.relation)）无履行能力（\(reason)），不计赡养费", clause: "3.1.3"))
            } else {
                account.add(o.supportOwed.fraction, kind: .support)
                steps.append(.init("计入法定义务人 \(o.name)（\(o.relation)）应付赡养（抚养、扶养）费 \(o.supportOwed.y) 元", clause: "3.1.3"))
            }
        }
        steps += account.steps(subject: "本人")
        let income = account.countable
        let std = policy.dibao.standard
        let below = policy.dibao.incomeTest == .strictlyBelow ? income < std.fraction : !(std.fraction < income)
        guard below else {
            steps.append(.init("本人收入 \(income.approximateText) 元不低于低保标准 \(std.y) 元", clause: "3.1.0"))
            return result(.notEligible)
        }
        let amount = (std.fraction - income).clampedAtZero
        let paid = amount.rounded(policy.rounding)
        steps.append(.init("本人收入 \(income.approximateText) 元 < 低保标准 \(std.y) 元", clause: "3.1.0"))
        steps.append(.init("单人户月低保金 = \(std.y) − \(income.approximateText) = \(paid.y) 元（差额补助）", isSetting: true))
        return result(.eligible, paid)
    }

    /// §3.1.6: elderly, minors, severely disabled and seriously ill persons on dibao are
    /// classified-aid candidates; the town decides the tier, which sets the amount.
    func classifiedAidDeterminations(_ facts: HouseholdFacts, dibao: DibaoOutcome) -> [Determination] {
        guard dibao.householdStatus == .eligible || !dibao.singlePerson.isEmpty else { return [] }
        let tiers = policy.dibao.classifiedAid.tiers
        let tierList = tiers.enumerated().map { "\(["一", "二", "三", "四", "五"][min($0.offset, 4)])档 \($0.element.y)" }.joined(separator: "、")
        var out: [Determination] = []
        for m in facts.livingMembers
        where (dibao.householdStatus == .eligible && dibao.covered.contains(m.id)) || dibao.singlePerson[m.id] != nil {
            var kinds: [String] = []
            if facts.isElderly(m) { kinds.append("老年人（\(facts.age(m))岁 ≥ \(policy.ages.elderlyFrom)）") }
            if facts.isMinor(m) { kinds.append("未成年人（\(facts.age(m))岁 < \(policy.ages.minorUnder)）") }
            if facts.isSeverelyDisabled(m) { kinds.append("重度残疾人（\(m.disability!.category.chineseName)\(m.disability!.gradeName)）") }
            if m.isSeriouslyIll { kinds.append("重病患者") }
            guard !kinds.isEmpty else { continue }
            var steps: [Determination.Step] = [.init("\(m.name) 为低保家庭中的\(kinds.joined(separator: "、"))，属分类救助对象", clause: "3.1.6")]
            let decided = (facts.activeDibaoEnrolment?.classifiedAid ?? []) + (facts.activeEnrolment(.dibao, member: m.id)?.classifiedAid ?? [])
            if let tier = decided.first(where: { $0.member == m.id })?.tier, tier >= 1, tier <= tiers.count {
                let amount = tiers[tier - 1]
                steps.append(.init("镇人民政府确定为\(["一", "二", "三", "四", "五"][min(tier - 1, 4)])档：每月 \(amount.y) 元", clause: "3.1.6"))
                out.append(Determination(programme: .classifiedAid, member: m.id, status: .eligible, monthlyAmount: amount, steps: steps))
            } else {
                steps.append(.init("档次由镇人民政府、街道办事处根据实际生活状况确定（\(tierList) 元），审批表报区民政局备案", clause: "3.1.6"))
                out.append(Determination(programme: .classifiedAid, member: m.id, status: .candidate, steps: steps))
            }
        }
        return out
    }
}
