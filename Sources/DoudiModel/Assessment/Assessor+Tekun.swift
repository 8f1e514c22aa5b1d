import Foundation

extension Assessor {
    /// §3.2: elderly, disabled persons and minors under 16 with no labour capacity, no
    /// source of income and no legal supporter able to support them: 500 a month.
    ///
    /// A determination is made for every member in one of the three groups (and for
    /// minors up to the general minor age, so that a 16th birthday shows why it ends).
    /// The national rule the seed relies on decides the first two conditions (settings,
    /// `tekun.deemedNoLabourCapacity` and `tekun.noLivelihood`): persons under 16, aged 60 or
    /// over, or with the severe disabilities it lists **are deemed** to have no labour
    /// capacity whatever was entered; own income below the dibao standard is no source of
    /// livelihood, and an income line of 0.00 is no income at all.
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
            // no labour capacity: deemed by the national rule for its groups, whatever was entered
            let deemed = t.deemedNoLabourCapacity
            if let reason = deemed.reason(age: age, disability: m.disability) {
                let entered = m.labourCapacity == .none ? "" : "（登记为“\(m.labourCapacity.chineseName)”，按规定应当认定为无劳动能力）"
                steps.append(.init("\(m.name) \(reason)，视为无劳动能力\(entered)：\(deemed.source)", clause: "3.2.1", isSetting: true))
            } else if m.labourCapacity != .none {
                missing.append("有劳动能力（\(m.labourCapacity.chineseName)）")
            }
            // no source of livelihood: own counted income; a recorded 0.00 is no income
            let own = IncomeAccount(survey: facts.survey, policy: policy, includes: { $0 == m.id })
            let income = own.gross
            if income.numerator > 0 {
                let std = policy.dibao.standard
                if t.noLivelihood.incomeBelowDibaoStandard {
                    if income < std.fraction {
                        steps.append(.init("\(m.name) 本人月收入 \(income.approximateText) 元 < 低保标准 \(std.y) 元，视为无生活来源：\(t.noLivelihood.source)",
                                           clause: "3.2.1", isSetting: true))
                    } else {
                        missing.append("有生活来源（本人月收入 \(income.approximateText) 元，不低于低保标准 \(std.y) 元）")
                    }
                } else {
                    missing.append("有生活来源（本人月收入 \(income.approximateText) 元）")
                }
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
