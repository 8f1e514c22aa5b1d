import Foundation

extension Assessor {
    /// §3.2: elderly, disabled persons and minors under 16 with no labour capacity, no
    /// source of income and no legal supporter able to support them: 500 a month.
    ///
    /// A determination is made for every member in one of the three groups (and for
    /// minors up to the general minor age, so that a 16th birthday shows why it ends).
    func tekunDeterminations(_ facts: HouseholdFacts) -> [Determination] {
        let t = policy.tekun
        var out: [Determination] = []
        for m in facts.livingMembers {
            let age = facts.age(m)
            var groups: [String] = []
            if facts.isElderly(m) { groups.append("老年人（\(age)岁 ≥ \(policy.ages.elderlyFrom)）") }
            if let d = m.disability { groups.append("残疾人（\(d.category.chineseName)\(d.gradeName)）") }
            if age < t.minorUnder { groups.append("未满\(t.minorUnder)周岁的未成年人（\(age)岁）") }
            let minorTooOld = groups.isEmpty && facts.isMinor(m)
            guard !groups.isEmpty || minorTooOld else { continue }
            var steps: [Determination.Step] = []
            func result(_ status: Determination.Status, _ amount: Money = .zero) -> Determination {
                Determination(programme: .tekun, member: m.id, status: status, monthlyAmount: amount, steps: steps)
            }
            if minorTooOld {
                steps.append(.init("\(m.name) \(age)岁，已满\(t.minorUnder)周岁，不属特困供养的未成年人范围", clause: "3.2.1"))
                out.append(result(.notEligible))
                continue
            }
            steps.append(.init("\(m.name) 属\(groups.joined(separator: "、"))", clause: "3.2.1"))
            var missing: [String] = []
            if m.labourCapacity != .none { missing.append("有劳动能力（\(m.labourCapacity.chineseName)）") }
            let own = facts.survey.map { s in s.incomes.filter { $0.member == m.id && !$0.disregarded } } ?? []
            if !own.isEmpty {
                let total = own.reduce(FenFraction.zero) { $0 + $1.amount.fraction / $1.period.months }
                missing.append("有生活来源（月收入 \(total.approximateText) 元）")
            }
            if m.legalSupporter == .able { missing.append("有法定义务人且有履行能力") }
            if !facts.hasDistrictHukou { missing.append("户籍不在本区") }
            guard missing.isEmpty else {
                steps.append(.init("须同时具备无劳动能力、无生活来源、无法定义务人或其无履行能力；不符合：\(missing.joined(separator: "、"))", clause: "3.2.1"))
                out.append(result(.notEligible))
                continue
            }
            steps.append(.init("无劳动能力、无生活来源、\(m.legalSupporter.chineseName)", clause: "3.2.1"))
            if isOrphan(m, facts) {
                steps.append(.init("已享受孤儿基本生活费 \(policy.children.orphanStandard.y) 元，不重复享受特困供养（就高）", clause: "3.3.2", isSetting: true))
                out.append(result(.notEligible))
                continue
            }
            steps.append(.init("特困人员供养金每月 \(t.standard.y) 元", clause: "3.2.2"))
            out.append(result(.eligible, t.standard))
        }
        return out
    }
}
