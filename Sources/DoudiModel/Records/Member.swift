import Foundation

/// A member of a household (家庭成员). Birth date and sex come from the resident ID number.
public struct Member: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The household the person belongs to (one person, one household). In a household
    /// document it may be left out: the document's household is meant.
    public var household: UUID
    /// 姓名 (masked in public notices as surname + *).
    public var name: String
    /// 身份证号
    public var residentID: ResidentID
    /// 与户主关系
    public var relation: Relation
    /// 就业状况
    public var employment: Employment
    /// 劳动能力
    public var labourCapacity: LabourCapacity
    /// 健康状况; `seriouslyIll` with ``seriousIllness`` naming the disease.
    public var health: Health
    /// 重病病种 (sensitive).
    public var seriousIllness: String?
    /// 残疾 (category and grade), if certified.
    public var disability: Disability?
    /// 人员状态
    public var personStatus: PersonStatus
    /// Whether legal supporters (赡养/抚养/扶养义务人) exist and can support. §3.2.1
    public var legalSupporter: LegalSupporterStatus
    /// For children: each parent's status. §3.3.2, §3.3.3
    public var father: ParentStatus
    public var mother: ParentStatus
    /// A parent's "lost contact" status has been established by the town with the police. §3.3.5
    public var lostContactConfirmed: Bool
    /// Lives with and depends on the family and cannot form a household of their own. §3.1.3
    public var dependsOnFamily: Bool

    public init(
        id: UUID, household: UUID, name: String, residentID: ResidentID, relation: Relation, employment: Employment = .other,
        labourCapacity: LabourCapacity = .full, health: Health = .healthy, seriousIllness: String? = nil,
        disability: Disability? = nil, personStatus: PersonStatus = .normal,
        legalSupporter: LegalSupporterStatus = .able, father: ParentStatus = .present,
        mother: ParentStatus = .present, lostContactConfirmed: Bool = false, dependsOnFamily: Bool = false
    ) {
        self.id = id; self.household = household; self.name = name; self.residentID = residentID; self.relation = relation
        self.employment = employment; self.labourCapacity = labourCapacity; self.health = health
        self.seriousIllness = seriousIllness; self.disability = disability; self.personStatus = personStatus
        self.legalSupporter = legalSupporter; self.father = father; self.mother = mother
        self.lostContactConfirmed = lostContactConfirmed; self.dependsOnFamily = dependsOnFamily
    }

    enum CodingKeys: String, CodingKey {
        case id, household, name, residentID, relation, employment, labourCapacity, health, seriousIllness, disability
        case personStatus, legalSupporter, father, mother, lostContactConfirmed, dependsOnFamily
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UUID.self, forKey: .id)
        household = try c.decodeIfPresent(UUID.self, forKey: .household) ?? HouseholdCase.unassigned
        name = try c.decode(String.self, forKey: .name)
        guard !name.trimmingWhitespace().isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "a member needs a name")
        }
        residentID = try c.decode(ResidentID.self, forKey: .residentID)
        relation = try c.decode(Relation.self, forKey: .relation)
        employment = try c.decodeIfPresent(Employment.self, forKey: .employment) ?? .other
        labourCapacity = try c.decodeIfPresent(LabourCapacity.self, forKey: .labourCapacity) ?? .full
        health = try c.decodeIfPresent(Health.self, forKey: .health) ?? .healthy
        seriousIllness = try c.decodeIfPresent(String.self, forKey: .seriousIllness)
        disability = try c.decodeIfPresent(Disability.self, forKey: .disability)
        personStatus = try c.decodeIfPresent(PersonStatus.self, forKey: .personStatus) ?? .normal
        legalSupporter = try c.decodeIfPresent(LegalSupporterStatus.self, forKey: .legalSupporter) ?? .able
        father = try c.decodeIfPresent(ParentStatus.self, forKey: .father) ?? .present
        mother = try c.decodeIfPresent(ParentStatus.self, forKey: .mother) ?? .present
        lostContactConfirmed = try c.decodeIfPresent(Bool.self, forKey: .lostContactConfirmed) ?? false
        dependsOnFamily = try c.decodeIfPresent(Bool.self, forKey: .dependsOnFamily) ?? false
    }

    /// Birth date from the resident ID number.
    public var birthDate: Day { residentID.birthDate }

    /// Age in completed years on `day`.
    public func age(on day: Day) -> Int { birthDate.age(on: day) }

    /// Seriously ill (重病患者).
    public var isSeriouslyIll: Bool { health == .seriouslyIll }
}

/// 与户主关系 with GB/T 4761 two-digit codes.
public enum Relation: String, Codable, Sendable, CaseIterable {
    case head, spouse, son, daughter, grandchild, parent, grandparent, sibling, other
    /// GB/T 4761 code.
    public var code: String {
        switch self {
        case .head: "02"
        case .spouse: "10"
        case .son: "20"
        case .daughter: "30"
        case .grandchild: "40"
        case .parent: "50"
        case .grandparent: "60"
        case .sibling: "70"
        case .other: "99"
        }
    }
    public var chineseName: String {
        switch self {
        case .head: "本人(户主)"
        case .spouse: "配偶"
        case .son: "子"
        case .daughter: "女"
        case .grandchild: "孙子女"
        case .parent: "父母"
        case .grandparent: "祖父母"
        case .sibling: "兄弟姐妹"
        case .other: "其他"
        }
    }
}

/// 就业状况
public enum Employment: String, Codable, Sendable, CaseIterable {
    case employed, unemployed, farming, student, retired, other
    public var chineseName: String {
        switch self {
        case .employed: "在职"
        case .unemployed: "失业/无业"
        case .farming: "务农"
        case .student: "学生"
        case .retired: "退休"
        case .other: "其他"
        }
    }
}

/// 劳动能力: full, partly lost, fully lost.
public enum LabourCapacity: String, Codable, Sendable, CaseIterable {
    case full, partial, none
    public var chineseName: String {
        switch self {
        case .full: "有劳动能力"
        case .partial: "部分丧失劳动能力"
        case .none: "完全丧失劳动能力"
        }
    }
}

/// 健康状况
public enum Health: String, Codable, Sendable, CaseIterable {
    case healthy, fair, seriouslyIll
    public var chineseName: String {
        switch self {
        case .healthy: "健康"
        case .fair: "一般"
        case .seriouslyIll: "重病"
        }
    }
}

/// A certified disability (残疾证): category and grade 1 (most severe) to 4.
public struct Disability: Hashable, Sendable, Codable {
    public var category: DisabilityCategory
    public var grade: Int
    /// 残疾证号 (sensitive).
    public var certificate: String?

    public init(category: DisabilityCategory, grade: Int, certificate: String? = nil) throws(ModelError) {
        guard (1...4).contains(grade) else {
            throw ModelError(.invalidValue, field: "disability.grade", "disability grade must be 1–4 (一级 most severe), not \(grade)")
        }
        self.category = category; self.grade = grade; self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey { case category, grade, certificate }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        category = try c.decode(DisabilityCategory.self, forKey: .category)
        grade = try c.decode(Int.self, forKey: .grade)
        certificate = try c.decodeIfPresent(String.self, forKey: .certificate)
        guard (1...4).contains(grade) else {
            throw DecodingError.dataCorruptedError(forKey: .grade, in: c, debugDescription: "disability grade must be 1–4 (一级 most severe), not \(grade)")
        }
    }

    /// 一级 … 四级
    public var gradeName: String { ["一级", "二级", "三级", "四级"][grade - 1] }
}

/// 残疾类别
public enum DisabilityCategory: String, Codable, Sendable, CaseIterable {
    case visual, hearing, speech, physical, intellectual, mental, multiple
    public var chineseName: String {
        switch self {
        case .visual: "视力"
        case .hearing: "听力"
        case .speech: "言语"
        case .physical: "肢体"
        case .intellectual: "智力"
        case .mental: "精神"
        case .multiple: "多重"
        }
    }
}

/// 人员状态
public enum PersonStatus: String, Codable, Sendable, CaseIterable {
    case normal, missing, dead, imprisoned, movedOut
    public var chineseName: String {
        switch self {
        case .normal: "正常"
        case .missing: "失踪"
        case .dead: "死亡"
        case .imprisoned: "服刑"
        case .movedOut: "迁出"
        }
    }
}

/// Whether a person has legal supporters able to support them. §3.2.1
public enum LegalSupporterStatus: String, Codable, Sendable, CaseIterable {
    /// Has a legal supporter able to fulfil the duty.
    case able
    /// Has no legal supporter (无法定赡养、抚养、扶养义务人).
    case none
    /// Has one, but they cannot fulfil the duty (无履行义务能力).
    case unable
    public var chineseName: String {
        switch self {
        case .able: "有法定义务人且有履行能力"
        case .none: "无法定义务人"
        case .unable: "法定义务人无履行义务能力"
        }
    }
}

/// A parent's status, for the children's programmes. §3.3.2, §3.3.3
public enum ParentStatus: String, Codable, Sendable, CaseIterable {
    case present, dead, missing
    case severelyDisabled, seriouslyIll, imprisoned, drugRehabilitation, otherRestriction, lostContact

    public var chineseName: String {
        switch self {
        case .present: "在"
        case .dead: "死亡"
        case .missing: "失踪/查找不到"
        case .severelyDisabled: "重残"
        case .seriouslyIll: "重病"
        case .imprisoned: "服刑在押"
        case .drugRehabilitation: "强制隔离戒毒"
        case .otherRestriction: "被执行其他限制人身自由的措施"
        case .lostContact: "失联"
        }
    }

    /// Dead or cannot be found (§3.3.2).
    public var isGone: Bool { self == .dead || self == .missing }

    /// One of the §3.3.3 situations in which a living parent cannot raise the child.
    public var isUnableToRaise: Bool {
        switch self {
        case .severelyDisabled, .seriouslyIll, .imprisoned, .drugRehabilitation, .otherRestriction, .lostContact: true
        case .present, .dead, .missing: false
        }
    }
}

/// A legal supporter (赡养/抚养/扶养义务人) of a member, living outside the household. §3.1.3
public struct SupportObligor: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The household of the member supported (may be left out in a household document).
    public var household: UUID
    /// The member they owe support to.
    public var member: UUID
    public var name: String
    public var residentID: ResidentID?
    /// e.g. 子, 女, 配偶, 父母
    public var relation: String
    /// 单位
    public var employer: String?
    /// 应付赡养费/抚养费/扶养费 per month.
    public var supportOwed: Money
    /// When they cannot pay, why (残疾, 疾病, 缺乏劳动能力, 其他); then nothing is counted.
    public var cannotPayReason: String?

    public init(id: UUID, household: UUID = HouseholdCase.unassigned, member: UUID, name: String, residentID: ResidentID? = nil, relation: String,
                employer: String? = nil, supportOwed: Money, cannotPayReason: String? = nil) {
        self.id = id; self.household = household; self.member = member; self.name = name; self.residentID = residentID
        self.relation = relation; self.employer = employer; self.supportOwed = supportOwed
        self.cannotPayReason = cannotPayReason
    }

    enum CodingKeys: String, CodingKey { case id, household, member, name, residentID, relation, employer, supportOwed, cannotPayReason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UUID.self, forKey: .id)
        household = try c.decodeIfPresent(UUID.self, forKey: .household) ?? HouseholdCase.unassigned
        member = try c.decode(UUID.self, forKey: .member)
        name = try c.decode(String.self, forKey: .name)
        residentID = try c.decodeIfPresent(ResidentID.self, forKey: .residentID)
        relation = try c.decode(String.self, forKey: .relation)
        employer = try c.decodeIfPresent(String.self, forKey: .employer)
        supportOwed = try c.decode(Money.self, forKey: .supportOwed)
        cannotPayReason = try c.decodeIfPresent(String.self, forKey: .cannotPayReason)
    }
}

extension Member {
    /// The order a household register lists its members in: by relation to the head
    /// (the GB/T 4761 code: the head, the spouse, the children, …), then the elder first,
    /// then by id. The same on every device, whatever order the records arrived in.
    public static func registerOrder(_ a: Member, _ b: Member) -> Bool {
        (a.relation.code, a.residentID.birthDate, a.id.uuidString) < (b.relation.code, b.residentID.birthDate, b.id.uuidString)
    }
}
