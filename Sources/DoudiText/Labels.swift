import DoudiModel
import DoudiSync
import Foundation

/// The Chinese terms the human output uses for fields, actions and times.
public enum Labels {
    /// Record fields as the paper forms name them (FORMS.md); unknown names pass through.
    public static let fields: [String: String] = [
        // household
        "village": "村(社区)", "hukou": "户籍地", "hukouType": "户籍类别", "address": "家庭住址", "phone": "联系电话",
        "categories": "户类别", "housing": "住房状况", "povertyCauses": "致贫原因",
        "employmentSupportExhausted": "无法通过产业就业帮扶脱贫", "benefitAccount": "一卡通账户", "status": "状态",
        "voidReason": "注销原因", "restoreReason": "恢复原因",
        // member
        "household": "所在家庭", "name": "姓名", "residentID": "身份证号", "relation": "与户主关系", "employment": "就业状况",
        "labourCapacity": "劳动能力", "health": "健康状况", "seriousIllness": "重病病种", "disability": "残疾",
        "personStatus": "人员状态", "legalSupporter": "法定义务人", "father": "父亲状况", "mother": "母亲状况",
        "lostContactConfirmed": "失联已认定", "dependsOnFamily": "随家庭生活",
        // visit, survey, application, workflow
        "date": "日期", "visitors": "调查人", "interviewee": "受访人", "observations": "走访所见", "neighbourNotes": "邻里访问",
        "conclusion": "结论", "remarks": "备注", "surveyors": "调查人", "incomes": "收入", "deductions": "刚性支出",
        "assets": "家庭财产", "member": "成员", "programme": "救助项目", "temporaryAidType": "临时救助类型",
        "hardship": "困难程度", "amountPerPerson": "每人金额", "persons": "人数", "summary": "困难情况",
        "state": "办理阶段", "history": "办理记录",
        // enrolment, decision
        "end": "截止年月", "stopPayment": "停保",
    ]

    public static func field(_ name: String) -> String { fields[name] ?? name }

    /// `household.register` → 登记家庭, `application.submit` → 提交申请 …
    public static func action(_ name: String) -> String {
        switch name {
        case "household.register": return "登记家庭"
        case "household.edit": return "修改家庭信息"
        case "member.add": return "增加家庭成员"
        case "member.edit": return "修改成员信息"
        case "obligor.record": return "登记赡养(抚养、扶养)义务人"
        case "visit.record": return "入户调查"
        case "survey.record": return "家庭经济状况调查"
        case "application.draft": return "起草申请"
        case "conflict.resolve": return "处理冲突"
        default:
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let entity = EntityKind(rawValue: parts[0]) else { return name }
            if parts[1] == "void" { return voidVerb(entity) + entity.chineseName }
            if parts[1] == "restore" { return "恢复" + entity.chineseName }
            if entity == .enrolment, parts[1] == "stop" { return "停保" }
            if entity == .application, let kind = WorkflowEvent.Kind(rawValue: parts[1]) { return kind.chineseName }
            return name
        }
    }

    /// 新建 / 修改 / 注销 (a household or member) / 作废 (other records).
    public static func operation(_ op: ChangeOperation, _ entity: EntityKind) -> String {
        switch op {
        case .create: "新建"
        case .update: "修改"
        case .void: voidVerb(entity)
        case .restore: "恢复"
        }
    }

    public static func voidVerb(_ entity: EntityKind) -> String {
        entity == .household || entity == .member ? "注销" : "作废"
    }

    /// A stamp's wall-clock time where the user is, `2020-07-01 08:00:05`.
    public static func time(_ stamp: HLCStamp) -> String {
        time(Date(timeIntervalSince1970: Double(stamp.wallMillis) / 1000))
    }

    /// A moment where the user is, `2020-07-01 08:00:05`.
    public static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// What the user typed, as messages repeat it: resident ID numbers in it are masked.
    public static func echo(_ text: String) -> String { maskingResidentIDs(text) }

    /// `text` with every resident ID number in it masked, valid or mistyped (`511011********1234`):
    /// an ID number never reaches the terminal in full, even inside an option's value.
    public static func maskingResidentIDs(_ text: String) -> String {
        // a run of exactly 17 digits and a digit or X, with no digit on either side
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            let end = i + 18
            if chars[i].isASCIIDigit, i == 0 || !chars[i - 1].isASCIIDigit, end <= chars.count,
               chars[i..<(i + 17)].allSatisfy(\.isASCIIDigit), chars[i + 17].isASCIIDigit || chars[i + 17] == "X" || chars[i + 17] == "x",
               end == chars.count || !chars[end].isASCIIDigit {
                // a mistyped number is still mostly someone's number: mask it too
                out += String(chars[i..<(i + 6)]) + String(repeating: "*", count: 8) + String(chars[(i + 14)..<end]).uppercased()
                i = end
            } else {
                out.append(chars[i]); i += 1
            }
        }
        return out
    }

    /// The short id listings show.
    public static func short(_ id: UUID) -> String { id.shortID }

    /// A bank or 一卡通 account number masked `4 + **** + 4` (FORMS.md).
    public static func maskedAccount(_ number: String) -> String {
        guard number.count > 8 else { return String(repeating: "*", count: number.count) }
        return String(number.prefix(4)) + "****" + String(number.suffix(4))
    }

    /// `建档立卡贫困户、老人户`, or 无.
    public static func categories(_ categories: Set<HouseholdCategory>) -> String {
        categories.isEmpty ? "无" : categories.sorted().map(\.chineseName).joined(separator: "、")
    }

    /// 在册, or 注销（reason）.
    public static func status(_ status: RecordStatus) -> String {
        switch status {
        case .active: "在册"
        case .voided(let reason): "注销（\(reason)）"
        }
    }

    /// `肢体二级`, or empty.
    public static func disability(_ d: Disability?) -> String {
        d.map { "\($0.category.chineseName)\($0.gradeName)" } ?? ""
    }
}
