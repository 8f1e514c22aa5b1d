import Foundation

extension Assessor {
    /// §3.3.2 both parents dead or not to be found, and under 18.
    func isOrphan(_ m: Member, _ facts: HouseholdFacts) -> Bool {
        m.father.isGone && m.mother.isGone && facts.isMinor(m)
    }

    /// §3.3.2 孤儿: lost both parents or parents cannot be found, under 18: 900 a month.
    /// A child who turned 18 within the last year gets a determination saying it ended.
    func orphanDeterminations(_ facts: HouseholdFacts) -> [Determination] {
        var out: [Determination] = []
        for m in facts.livingMembers where m.father.isGone && m.mother.isGone {
            let age = facts.age(m)
            let limit = policy.ages.minorUnder
            guard age <= limit else { continue }
            var steps: [Determination.Step] = [
                .init("\(m.name) 父亲\(m.father.chineseName)、母亲\(m.mother.chineseName)", clause: "3.3.2"),
            ]
            if age < limit {
                steps.append(.init("\(age)岁，未满\(limit)周岁：孤儿基本生活费每月 \(policy.children.orphanStandard.y) 元", clause: "3.3.2"))
                out.append(Determination(programme: .orphan, member: m.id, status: .eligible, monthlyAmount: policy.children.orphanStandard, steps: steps))
            } else {
                steps.append(.init("已满\(limit)周岁（\(m.birthDate.iso) 出生），不再属孤儿保障范围", clause: "3.3.2"))
                out.append(Determination(programme: .orphan, member: m.id, status: .notEligible, steps: steps))
            }
        }
        return out
    }

    /// §3.3.3–3.3.5 事实无人抚养儿童: both parents unable to raise the child, or one dead or
    /// missing and the other unable. First enrolled in dibao or 特困 (§3.3.4); what that
    /// pays below the 900 standard is topped up. "Lost contact" counts once the town and
    /// police have established it (§3.3.5).
    func unsupportedChildDeterminations(_ facts: HouseholdFacts, dibao: DibaoOutcome, classified: [Determination],
                                        tekunMembers: Set<UUID>, orphans: Set<UUID>) -> [Determination] {
        var out: [Determination] = []
        let standard = policy.children.unsupportedChildStandard
        for m in facts.livingMembers where facts.isMinor(m) && !orphans.contains(m.id) {
            let f = m.father, mo = m.mother
            let both = f.isUnableToRaise && mo.isUnableToRaise
            let oneGone = (f.isGone && mo.isUnableToRaise) || (mo.isGone && f.isUnableToRaise)
            guard both || oneGone else { continue }
            var steps: [Determination.Step] = [
                .init("\(m.name)（\(facts.age(m))岁）父亲\(f.chineseName)、母亲\(mo.chineseName)：属事实无人抚养儿童", clause: "3.3.3"),
            ]
            if policy.children.lostContactRequiresConfirmation, f == .lostContact || mo == .lostContact, !m.lostContactConfirmed {
                steps.append(.init("父母失联情形须由镇人民政府、街道办事处会同公安机关认定后纳入", clause: "3.3.5"))
                out.append(Determination(programme: .unsupportedChild, member: m.id, status: .pending, steps: steps))
                continue
            }
            if f == .lostContact || mo == .lostContact {
                steps.append(.init("失联情形已由镇人民政府会同公安机关认定", clause: "3.3.5"))
            }
            // §3.3.4: what dibao or 特困 already pays this child
            var received = FenFraction.zero
            if tekunMembers.contains(m.id) {
                received = policy.tekun.standard.fraction
                steps.append(.init("已纳入特困人员供养，每月 \(policy.tekun.standard.y) 元", clause: "3.3.4"))
            } else if let share = dibao.share(of: m.id) {
                received = share
                var text = "已纳入低保，本人应得低保金 \(share.approximateText) 元"
                let covered = dibao.covered.count
                if dibao.singlePerson[m.id] == nil && covered > 1 {
                    text += "（家庭低保金 \(dibao.householdAmount.approximateText) ÷ \(covered) 人）"
                }
                if let aid = classified.first(where: { $0.member == m.id && $0.status == .eligible }) {
                    received = received + aid.monthlyAmount.fraction
                    text += "，分类救助 \(aid.monthlyAmount.y) 元"
                }
                steps.append(.init(text, clause: "3.3.4"))
            } else {
                steps.append(.init("未纳入低保或特困供养，按事实无人抚养儿童基本生活补贴标准全额发放", clause: "3.3.4", isSetting: true))
                out.append(Determination(programme: .unsupportedChild, member: m.id, status: .eligible, monthlyAmount: standard, steps: steps
                    + [.init("每月 \(standard.y) 元", clause: "3.3.3")]))
                continue
            }
            let gap = (standard.fraction - received).clampedAtZero
            let topUp = gap.rounded(policy.rounding)
            if topUp.fen > 0 {
                steps.append(.init("补差 = 标准 \(standard.y) − 已得 \(received.approximateText) = \(topUp.y) 元", clause: "3.3.4"))
                out.append(Determination(programme: .unsupportedChild, member: m.id, status: .eligible, monthlyAmount: topUp, steps: steps))
            } else {
                steps.append(.init("已得 \(received.approximateText) 元不低于标准 \(standard.y) 元，无需补差", clause: "3.3.4"))
                out.append(Determination(programme: .unsupportedChild, member: m.id, status: .notEligible, steps: steps))
            }
        }
        return out
    }
}
