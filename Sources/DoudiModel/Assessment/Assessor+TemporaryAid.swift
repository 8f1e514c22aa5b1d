import Foundation

extension Assessor {
    /// §3.6.1–3.6.5 for each temporary-aid application in the case: who may receive it,
    /// the band for its hardship, who may approve the amount asked, whether it may be
    /// paid first from the reserve fund, and whether a means test is needed.
    func temporaryAidDeterminations(_ facts: HouseholdFacts, current: [Determination]) -> [Determination] {
        let rules = TemporaryAidRules(policy: policy)
        var out: [Determination] = []
        for app in facts.householdCase.applications where app.programme == .temporaryAid {
            var steps: [Determination.Step] = []
            // §3.6.1 target groups
            var groups = facts.household.categories.sorted().map(\.chineseName)
            let receiving = Set(current.filter { $0.status.qualifies }.map(\.programme))
            for p in [Programme.dibao, .tekun, .orphan, .unsupportedChild] where receiving.contains(p) { groups.append("\(p.chineseName)对象") }
            if facts.livingMembers.contains(where: { facts.isSeverelyDisabled($0) || $0.isSeriouslyIll }) { groups.append("重残重病人员") }
            let member = app.member
            guard !groups.isEmpty else {
                steps.append(.init("不属临时救助兜底保障对象（建档立卡、老人户、特殊困难户、边缘户、低保、特困、重残重病、孤儿、事实无人抚养儿童）", clause: "3.6.1"))
                out.append(Determination(programme: .temporaryAid, member: member, status: .notEligible, steps: steps))
                continue
            }
            steps.append(.init("属临时救助兜底保障对象：\(groups.joined(separator: "、"))", clause: "3.6.1"))
            // §3.6.2 band
            let hardship = app.hardship ?? .ordinary
            let band = rules.band(for: hardship)
            let bandText = band.maximum.map { "\(band.minimum.y)–\($0.y) 元/人" } ?? "一事一议确定"
            steps.append(.init("\(hardship.chineseName)：一次性救助 \(bandText)", clause: "3.6.2"))
            var status = Determination.Status.eligible
            if let asked = app.amountPerPerson {
                if let max = band.maximum, asked > max {
                    steps.append(.init("申请 \(asked.y) 元/人超过\(hardship.chineseName)上限 \(max.y) 元，须按更高档次认定或一事一议", clause: "3.6.2"))
                    status = .pending
                } else if asked < band.minimum {
                    steps.append(.init("申请 \(asked.y) 元/人低于救助下限 \(band.minimum.y) 元", clause: "3.6.2"))
                }
            }
            // §3.6.3 authority
            let asked = app.amountPerPerson ?? band.maximum ?? policy.temporaryAid.particularMax
            let authority = rules.authority(forPerPerson: asked)
            let limit = rules.townLimitPerPerson
            switch authority {
            case .town:
                steps.append(.init("人均 \(asked.y) 元 ≤ 月低保标准 \(policy.dibao.standard.y) × \(policy.temporaryAid.townAuthorityMultipleOfStandard) = \(limit.y) 元：镇(街道)审批，报区民政局备案", clause: "3.6.3"))
            case .district:
                steps.append(.init("人均 \(asked.y) 元 > 镇审批权限 \(limit.y) 元：报区民政局审批", clause: "3.6.3"))
            case .districtCaseByCase:
                steps.append(.init("人均 \(asked.y) 元 > 特别困难上限 \(policy.temporaryAid.particularMax.y) 元：区民政局一事一议", clause: "3.6.2"))
            }
            // §3.6.4 type and means test
            let noMeansTest = !facts.household.categories.isDisjoint(with: policy.temporaryAid.noMeansTestCategories)
                || !receiving.isDisjoint(with: policy.temporaryAid.noMeansTestProgrammes)
            let type = app.temporaryAidType ?? .expenditure
            let reserveOK = asked <= rules.reserveFundDrawLimitPerPerson
            let aidFirst = type == .emergency && reserveOK
            switch type {
            case .emergency:
                steps.append(.init(aidFirst ? "急难型：可先行救助，情况缓解后补齐手续"
                                            : "急难型，但人均超过备用金动用上限 \(rules.reserveFundDrawLimitPerPerson.y) 元：不能先行救助", clause: "3.6.4"))
            case .expenditure:
                steps.append(.init("支出型：严格执行审核审批程序，压缩办理时限", clause: "3.6.4"))
            }
            steps.append(.init(noMeansTest ? "建档立卡贫困户、低保或特困对象：重点核实生活必需支出，不再进行家庭收入和财产状况调查"
                                           : "须进行家庭收入和财产状况调查", clause: "3.6.4"))
            steps.append(.init(reserveOK ? "可动用镇(街道)临时救助备用金（人均不高于 \(rules.reserveFundDrawLimitPerPerson.y) 元）"
                                         : "不可动用备用金（人均高于 \(rules.reserveFundDrawLimitPerPerson.y) 元）", clause: "3.6.5"))
            let persons = app.persons ?? facts.livingMembers.count
            let finding = TemporaryAidFinding(minimumPerPerson: band.minimum, maximumPerPerson: band.maximum, authority: authority,
                                              requestedPerPerson: app.amountPerPerson, persons: persons, aidFirst: aidFirst,
                                              meansTestRequired: !noMeansTest, reserveFundEligible: reserveOK)
            if let per = app.amountPerPerson {
                steps.append(.init("一次性救助合计 \(per.y) × \(persons) 人 = \((per * persons).y) 元"))
            }
            out.append(Determination(programme: .temporaryAid, member: member, status: status, temporaryAid: finding, steps: steps))
        }
        return out
    }
}
