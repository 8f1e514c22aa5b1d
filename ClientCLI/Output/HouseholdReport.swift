import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// The `--json` output of `doudi household list`: one object per household.
/// Resident ID numbers are masked; codes, not Chinese names.
struct HouseholdListItem: Encodable {
    var id: String
    var shortID: String
    var village: String
    var address: String
    @Nullable var headName: String?
    /// Masked, `511011********1234`.
    @Nullable var headResidentID: String?
    var members: Int
    var categories: [String]
    /// `active` or `voided`.
    var status: String
    @Nullable var voidReason: String?

    init(_ s: HouseholdSummary) {
        id = JSONOutput.id(s.id)
        shortID = Labels.short(s.id)
        village = s.village.value
        address = s.address
        headName = s.headName
        headResidentID = s.headResidentIDMasked
        members = s.members
        categories = s.categories.sorted().map(\.rawValue)
        switch s.status {
        case .active: status = "active"; voidReason = nil
        case .voided(let reason): status = "voided"; voidReason = reason
        }
    }
}

/// Everything `doudi household show` prints, read from the store once.
struct HouseholdDetail {
    var householdCase: HouseholdCase
    var visits: [Visit]
    var applications: [ApplicationSummary]
    /// Ages are given on this day.
    var today: Day

    init(store: FieldStore, id: UUID, today: Day) throws {
        householdCase = try store.householdCase(id)
        visits = try store.visits(of: id)
        applications = try store.applications(of: id)
        self.today = today
    }

    var household: Household { householdCase.household }
    /// The latest survey (the store orders them by date): the one the assessment uses.
    var latestSurvey: Survey? { householdCase.surveys.last }

    func memberName(_ id: UUID?) -> String? {
        id.map { id in householdCase.member(id)?.name ?? Labels.short(id) }
    }
}

/// The `--json` output of `doudi household show`.
struct HouseholdDetailReport: Encodable {
    struct HouseholdPart: Encodable {
        var id: String
        var shortID: String
        var village: String
        var hukou: String
        var hukouType: String
        var address: String
        @Nullable var phone: String?
        var categories: [String]
        @Nullable var housing: String?
        var povertyCauses: [String]
        var employmentSupportExhausted: Bool
        /// The account number masked `4 + **** + 4`.
        @Nullable var benefitAccount: [String: String]?
        var status: String
        @Nullable var voidReason: String?
        var members: Int
    }

    struct MemberPart: Encodable {
        var id: String
        var shortID: String
        var name: String
        /// Masked.
        var residentID: String
        var sex: String
        var birthDate: String
        var age: Int
        var relation: String
        var employment: String
        var labourCapacity: String
        var health: String
        @Nullable var seriousIllness: String?
        @Nullable var disability: DisabilityPart?
        var personStatus: String
        var legalSupporter: String
        var father: String
        var mother: String
        var lostContactConfirmed: Bool
        var dependsOnFamily: Bool
    }

    struct DisabilityPart: Encodable {
        var category: String
        var grade: Int
    }

    struct SurveyPart: Encodable {
        struct Income: Encodable {
            var kind: String
            var amountFen: Int64
            var period: String
            @Nullable var member: String?
            @Nullable var memberName: String?
            var disregarded: Bool
            @Nullable var basis: String?
        }
        struct DeductionPart: Encodable {
            var kind: String
            var amountFen: Int64
            var period: String
            @Nullable var member: String?
            @Nullable var memberName: String?
        }
        struct VehiclePart: Encodable {
            var kind: String
            @Nullable var valueFen: Int64?
            @Nullable var exemptReason: String?
        }
        var id: String
        var shortID: String
        var date: String
        var surveyors: [String]
        var incomes: [Income]
        var deductions: [DeductionPart]
        var financialAssetsFen: Int64
        var houses: Int
        var vehicles: [VehiclePart]
        var registeredBusiness: Bool
    }

    struct VisitPart: Encodable {
        var id: String
        var shortID: String
        var date: String
        var visitors: [String]
        var interviewee: String
        var observations: String
        @Nullable var neighbourNotes: String?
        var conclusion: String
        @Nullable var remarks: String?
    }

    struct ApplicationPart: Encodable {
        var id: String
        var shortID: String
        var programme: String
        @Nullable var member: String?
        @Nullable var memberName: String?
        var date: String
        @Nullable var temporaryAidType: String?
        @Nullable var hardship: String?
        @Nullable var amountPerPersonFen: Int64?
        @Nullable var persons: Int?
        var summary: String
        /// The workflow stage code, e.g. `draft`, `submitted`.
        @Nullable var stage: String?
        @Nullable var voidReason: String?
    }

    var household: HouseholdPart
    var members: [MemberPart]
    @Nullable var latestSurvey: SurveyPart?
    var surveys: Int
    var visits: [VisitPart]
    var applications: [ApplicationPart]

    init(_ d: HouseholdDetail) {
        let h = d.household
        var voidReason: String?
        if case .voided(let reason) = h.status { voidReason = reason }
        household = HouseholdPart(
            id: JSONOutput.id(h.id), shortID: Labels.short(h.id), village: h.village.value, hukou: h.hukou.value,
            hukouType: h.hukouType.rawValue, address: h.address, phone: h.phone, categories: h.categories.sorted().map(\.rawValue),
            housing: h.housing?.rawValue, povertyCauses: h.povertyCauses.map(\.rawValue),
            employmentSupportExhausted: h.employmentSupportExhausted,
            benefitAccount: h.benefitAccount.map { ["bank": $0.bank, "accountName": $0.accountName, "accountNumber": Labels.maskedAccount($0.accountNumber)] },
            status: h.status.isActive ? "active" : "voided", voidReason: voidReason, members: d.householdCase.members.count)
        members = d.householdCase.members.map { m in
            MemberPart(id: JSONOutput.id(m.id), shortID: Labels.short(m.id), name: m.name, residentID: m.residentID.masked,
                       sex: m.residentID.sex.rawValue, birthDate: m.birthDate.iso, age: m.age(on: d.today),
                       relation: m.relation.rawValue, employment: m.employment.rawValue, labourCapacity: m.labourCapacity.rawValue,
                       health: m.health.rawValue, seriousIllness: m.seriousIllness,
                       disability: m.disability.map { DisabilityPart(category: $0.category.rawValue, grade: $0.grade) },
                       personStatus: m.personStatus.rawValue, legalSupporter: m.legalSupporter.rawValue,
                       father: m.father.rawValue, mother: m.mother.rawValue,
                       lostContactConfirmed: m.lostContactConfirmed, dependsOnFamily: m.dependsOnFamily)
        }
        latestSurvey = d.latestSurvey.map { s in
            SurveyPart(
                id: JSONOutput.id(s.id), shortID: Labels.short(s.id), date: s.date.iso, surveyors: s.surveyors,
                incomes: s.incomes.map { i in
                    .init(kind: i.kind.rawValue, amountFen: i.amount.fen, period: i.period.rawValue, member: i.member.map(JSONOutput.id),
                          memberName: d.memberName(i.member), disregarded: i.disregarded, basis: i.basis)
                },
                deductions: s.deductions.map { x in
                    .init(kind: x.kind.rawValue, amountFen: x.amount.fen, period: x.period.rawValue, member: x.member.map(JSONOutput.id),
                          memberName: d.memberName(x.member))
                },
                financialAssetsFen: s.assets.financial.fen, houses: s.assets.houses,
                vehicles: s.assets.vehicles.map { .init(kind: $0.kind, valueFen: $0.value?.fen, exemptReason: $0.exemptReason) },
                registeredBusiness: s.assets.registeredBusiness)
        }
        surveys = d.householdCase.surveys.count
        visits = d.visits.map { v in
            VisitPart(id: JSONOutput.id(v.id), shortID: Labels.short(v.id), date: v.date.iso, visitors: v.visitors,
                      interviewee: v.interviewee, observations: v.observations, neighbourNotes: v.neighbourNotes,
                      conclusion: v.conclusion.rawValue, remarks: v.remarks)
        }
        applications = d.applications.map { s in
            let a = s.application
            return ApplicationPart(
                id: JSONOutput.id(a.id), shortID: Labels.short(a.id), programme: a.programme.rawValue,
                member: a.member.map(JSONOutput.id), memberName: d.memberName(a.member), date: a.date.iso,
                temporaryAidType: a.temporaryAidType?.rawValue, hardship: a.hardship?.rawValue,
                amountPerPersonFen: a.amountPerPerson?.fen, persons: a.persons, summary: a.summary,
                stage: s.workflow?.stage.rawValue, voidReason: s.voidReason)
        }
    }
}

/// The human output of `doudi household show`, in Chinese.
struct HouseholdText {
    var detail: HouseholdDetail

    func render() -> String {
        let d = detail
        let h = d.household
        let c = d.householdCase
        var out = "户 \(Labels.short(h.id))（\(JSONOutput.id(h.id))）\n"
        let head = c.members.first { $0.relation == .head } ?? c.members.first
        var fields = Table([], indent: 2)
        fields.rows = [
            ["户主", head.map { "\($0.name)（\($0.residentID.masked)）" } ?? "无"],
            ["家庭住址", h.address],
            ["村(社区)", h.village.value],
            ["户籍", "\(h.hukou.value)（\(h.hukouType.chineseName)）"],
            ["户类别", Labels.categories(h.categories)],
            ["联系电话", h.phone ?? "无"],
            ["家庭人口", "\(c.members.count) 人"],
            ["状态", Labels.status(h.status)],
        ]
        if let housing = h.housing { fields.rows.append(["住房状况", housing.chineseName]) }
        if !h.povertyCauses.isEmpty { fields.rows.append(["致贫原因", h.povertyCauses.map(\.chineseName).joined(separator: "、")]) }
        if h.employmentSupportExhausted { fields.rows.append(["产业就业帮扶", "无法通过产业扶持和就业帮扶实现稳定脱贫"]) }
        if let account = h.benefitAccount {
            fields.rows.append(["一卡通", "\(account.bank) \(account.accountName) \(Labels.maskedAccount(account.accountNumber))"])
        }
        out += fields.render()

        out += "\n家庭成员（\(c.members.count) 人，年龄按 \(d.today)）\n"
        if c.members.isEmpty {
            out += "  无\n"
        } else {
            var t = Table(["短号", "姓名", "身份证号", "性别", "与户主关系", "年龄", "劳动能力", "健康状况", "残疾", "其他"], rightAligned: [5], indent: 2)
            for m in c.members {
                var other: [String] = []
                if m.personStatus != .normal { other.append(m.personStatus.chineseName) }
                if m.father != .present { other.append("父\(m.father.chineseName)") }
                if m.mother != .present { other.append("母\(m.mother.chineseName)") }
                if m.lostContactConfirmed { other.append("失联已认定") }
                if m.legalSupporter != .able { other.append(m.legalSupporter.chineseName) }
                if m.dependsOnFamily { other.append("随家庭生活") }
                t.append([Labels.short(m.id), m.name, m.residentID.masked, m.residentID.sex.chineseName, m.relation.chineseName,
                          "\(m.age(on: d.today))", m.labourCapacity.chineseName, m.health.chineseName,
                          Labels.disability(m.disability), other.joined(separator: "、")])
            }
            out += t.render()
        }

        if let s = d.latestSurvey {
            out += "\n家庭经济状况调查 \(s.date)（调查人 \(s.surveyors.isEmpty ? "未填" : s.surveyors.joined(separator: "、"))；短号 \(Labels.short(s.id))；共 \(c.surveys.count) 次，显示最近一次）\n"
            var t = Table(["项目", "类别", "金额", "成员", "备注"], rightAligned: [2], indent: 2)
            for i in s.incomes {
                t.append(["收入", i.kind.chineseName, "\(i.amount.yuanText) 元/\(i.period.chineseName)", d.memberName(i.member) ?? "全户",
                          i.disregarded ? "不计入：\(i.basis ?? "")" : ""])
            }
            for x in s.deductions {
                t.append(["扣减", x.kind.chineseName, "\(x.amount.yuanText) 元/\(x.period.chineseName)", d.memberName(x.member) ?? "全户",
                          x.evidence ?? ""])
            }
            t.append(["财产", "金融资产", "\(s.assets.financial.yuanText) 元", "全户", ""])
            t.append(["财产", "房产", "\(s.assets.houses) 套", "全户", ""])
            for v in s.assets.vehicles {
                t.append(["财产", "车辆 \(v.kind)", v.value.map { "\($0.yuanText) 元" } ?? "", "全户",
                          v.exemptReason.map { "不计：\($0)" } ?? ""])
            }
            if s.assets.registeredBusiness { t.append(["财产", "工商登记", "有", "全户", ""]) }
            out += t.render()
        } else {
            out += "\n家庭经济状况调查：无（record one with `doudi survey record \(Labels.short(h.id)) …`）\n"
        }

        out += "\n入户调查（\(d.visits.count) 次）\n"
        if d.visits.isEmpty {
            out += "  无\n"
        } else {
            var t = Table(["日期", "调查人", "受访人", "结论", "短号"], indent: 2)
            for v in d.visits {
                t.append([v.date.iso, v.visitors.joined(separator: "、"), v.interviewee, v.conclusion.chineseName, Labels.short(v.id)])
            }
            out += t.render()
        }

        out += "\n申请（\(d.applications.count) 件）\n"
        if d.applications.isEmpty {
            out += "  无\n"
        } else {
            var t = Table(["短号", "救助项目", "申请日期", "对象", "办理阶段"], indent: 2)
            for s in d.applications {
                let a = s.application
                var programme = a.programme.chineseName
                if let type = a.temporaryAidType { programme += "（\(type.chineseName)）" }
                let stage = s.voidReason.map { "已作废（\($0)）" } ?? s.workflow?.stage.chineseName ?? "—"
                t.append([Labels.short(a.id), programme, a.date.iso, d.memberName(a.member) ?? "全户", stage])
            }
            out += t.render()
        }
        return out
    }
}
