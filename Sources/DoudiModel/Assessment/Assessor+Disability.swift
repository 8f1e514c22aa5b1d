import Foundation

extension Assessor {
    /// §3.4.1 every disabled person on rural dibao: living subsidy (100);
    /// §3.4.2 every disabled person of grade 1 or 2: nursing subsidy (80 / 50).
    func disabilityDeterminations(_ facts: HouseholdFacts, dibao: DibaoOutcome) -> [Determination] {
        var out: [Determination] = []
        let std = policy.disability
        for m in facts.livingMembers {
            guard let d = m.disability else { continue }
            let who = "\(m.name)（\(d.category.chineseName)\(d.gradeName)残疾）"
            if dibao.isOnDibao(m.id) {
                out.append(Determination(programme: .disabilityLiving, member: m.id, status: .eligible, monthlyAmount: std.livingSubsidy, steps: [
                    .init("\(who)享受农村低保：困难残疾人生活补贴每月 \(std.livingSubsidy.y) 元", clause: "3.4.1"),
                ]))
            } else {
                out.append(Determination(programme: .disabilityLiving, member: m.id, status: .notEligible, steps: [
                    .init("\(who)未享受农村低保，不属困难残疾人生活补贴范围", clause: "3.4.1"),
                ]))
            }
            let grades = std.nursingSubsidyByGrade.keys.compactMap(Int.init).sorted()
            let gradeNames = grades.map { ["一级", "二级", "三级", "四级"][$0 - 1] }.joined(separator: "、")
            if let amount = std.nursingSubsidy(grade: d.grade) {
                out.append(Determination(programme: .disabilityNursing, member: m.id, status: .eligible, monthlyAmount: amount, steps: [
                    .init("\(who)：重度残疾人护理补贴\(d.gradeName)每月 \(amount.y) 元", clause: "3.4.2"),
                ]))
            } else {
                out.append(Determination(programme: .disabilityNursing, member: m.id, status: .notEligible, steps: [
                    .init("\(who)：护理补贴限残疾等级为\(gradeNames)的残疾人", clause: "3.4.2"),
                ]))
            }
        }
        return out
    }

    /// §3.5: a temporary price subsidy the district published, paid in its months to each
    /// beneficiary of the groups it names (once per person, whatever the number of groups).
    func priceSubsidyDeterminations(_ facts: HouseholdFacts, qualifying: [Determination]) -> [Determination] {
        let month = facts.asOf.yearMonth
        var out: [Determination] = []
        for subsidy in policy.priceSubsidies where subsidy.from <= month && month <= subsidy.through {
            var persons: [UUID: Programme] = [:]
            for d in qualifying where d.status.qualifies && subsidy.groups.contains(d.programme) {
                if let member = d.member {
                    if persons[member] == nil { persons[member] = d.programme }
                } else if d.programme == .dibao, d.status.qualifies {
                    // household dibao: its covered persons
                    for m in facts.livingMembers where persons[m.id] == nil {
                        if qualifying.contains(where: { $0.programme == .tekun && $0.member == m.id && $0.status == .eligible }) { continue }
                        persons[m.id] = .dibao
                    }
                }
            }
            for m in facts.livingMembers {
                guard let programme = persons[m.id] else { continue }
                out.append(Determination(programme: .priceSubsidy, member: m.id, status: .eligible, monthlyAmount: subsidy.amountPerPerson, steps: [
                    .init("\(subsidy.title)（\(subsidy.from)–\(subsidy.through)）：\(m.name) 为\(programme.chineseName)对象，每人每月 \(subsidy.amountPerPerson.y) 元", clause: "3.5"),
                ]))
            }
        }
        return out
    }
}
