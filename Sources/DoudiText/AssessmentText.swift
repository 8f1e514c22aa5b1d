import DoudiModel

/// The human output of `doudi assess`, in Chinese: for each household a header
/// (village, address, categories, members with masked ID numbers and ages on the
/// as-of day), then each determination with its amount and its explanation, one
/// step a line, and the household's monthly total.
///
/// ID numbers are always masked (`511011********1234`, FORMS.md).
public struct AssessmentText {
    public var policy: PolicyVersion
    public var asOf: Day

    /// A text for `policy`, with ages and amounts as of `asOf`.
    public init(policy: PolicyVersion, asOf: Day) { self.policy = policy; self.asOf = asOf }

    public func render(_ results: [AssessedHousehold]) -> String {
        var out = "政策版本 \(policy.id)《\(policy.title)》，\(policy.effectiveFrom) 起施行；测算日 \(asOf)\n"
        for result in results {
            out += "\n" + household(result)
        }
        if results.count > 1 {
            let total = results.reduce(Money.zero) { $0 + $1.assessment.monthlyTotal }
            out += "\n共 \(results.count) 户，每月合计 \(total)（政策版本 \(policy.id)）\n"
        }
        return out
    }

    public func household(_ result: AssessedHousehold) -> String {
        let c = result.householdCase
        let h = c.household
        var lines: [String] = []
        lines.append("━━ \(h.address) ━━  \(result.document)")
        lines.append("户编号 \(h.id.uuidString.lowercased())  村(社区) \(h.village)  户籍 \(h.hukou)（\(h.hukouType.chineseName)）"
                     + (h.status.isActive ? "" : "  已注销"))
        let categories = h.categories.sorted().map(\.chineseName)
        lines.append("类别：" + (categories.isEmpty ? "无" : categories.joined(separator: "、")))
        lines.append("成员 \(c.members.count) 人（年龄按测算日）：")
        for m in c.members {
            lines.append("  " + member(m))
        }
        lines.append("")
        for d in result.assessment.determinations {
            lines.append(heading(d, in: c))
            for (i, step) in d.steps.enumerated() {
                lines.append("    \(i + 1). \(step.line)")
            }
        }
        lines.append("")
        var total = "本户每月合计 \(result.assessment.monthlyTotal)"
        let oneOff = result.assessment.determinations
            .filter { $0.status.qualifies }
            .compactMap { d in d.temporaryAid.flatMap { f in f.requestedPerPerson?.times(f.persons) } }
            .reduce(Money.zero, +)
        if oneOff > .zero { total += "；另申请一次性临时救助 \(oneOff)" }
        lines.append(total)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `王建军  男  45岁  与户主关系 本人(户主)  511011********0312  肢体二级残疾`
    public func member(_ m: Member) -> String {
        var parts = [m.name, m.residentID.sex.chineseName, "\(m.age(on: asOf))岁", "与户主关系 \(m.relation.chineseName)", m.residentID.masked]
        if let d = m.disability { parts.append("\(d.category.chineseName)\(d.gradeName)残疾") }
        if m.health == .seriouslyIll { parts.append(m.health.chineseName) }
        if m.labourCapacity != .full { parts.append(m.labourCapacity.chineseName) }
        if m.personStatus != .normal { parts.append(m.personStatus.chineseName) }
        return parts.joined(separator: "  ")
    }

    /// `【农村低保】全户：符合，每月 210.00 元，保障人口 3 人，优先纳入`
    public func heading(_ d: Determination, in c: HouseholdCase) -> String {
        let who = d.member.map { id in c.member(id)?.name ?? id.uuidString.lowercased() } ?? "全户"
        var parts = ["\(d.status.chineseName)"]
        if let f = d.temporaryAid {
            let band = f.maximumPerPerson.map { "\(f.minimumPerPerson.yuanText)–\($0.yuanText) 元/人" } ?? "一事一议"
            if let asked = f.requestedPerPerson {
                parts.append("一次性 \(asked.yuanText) 元/人 × \(f.persons) 人" + (asked.times(f.persons).map { " = \($0)" } ?? ""))
            } else {
                parts.append("\(f.persons) 人")
            }
            parts.append("标准 \(band)")
            parts.append(f.authority.chineseName)
            if f.aidFirst { parts.append("可先行救助") }
        } else if d.status.qualifies {
            parts.append(d.status == .candidate && d.monthlyAmount == .zero ? "金额待镇(街道)确定" : "每月 \(d.monthlyAmount)")
        }
        if let n = d.coveredPersons, d.status.qualifies { parts.append("保障人口 \(n) 人") }
        if d.priority { parts.append("优先纳入") }
        return "【\(d.programme.chineseName)】\(who)：" + parts.joined(separator: "，")
    }
}