import Foundation

/// A household (家庭/户): the unit that applies for dibao and is assessed.
///
/// Members, surveys and enrolments are their own records that point at the
/// household by its id; a ``HouseholdCase`` gathers them for assessment.
public struct Household: Identifiable, Hashable, Sendable, Codable {
    /// Stable id, made by the device that registered the household.
    public var id: UUID
    /// The village or community (村/社区) the household lives in and is managed by.
    public var village: OrgCode
    /// Where the household is registered (户籍行政区划代码); any level of code.
    /// §3.1.0 requires district hukou.
    public var hukou: OrgCode
    /// 户籍类别
    public var hukouType: HukouType
    /// 家庭住址 (street, group 组, house number).
    public var address: String
    /// 联系电话 (masked in listings).
    public var phone: String?
    /// 建档立卡, 老人户, 边缘户, 特殊困难户 …
    public var categories: Set<HouseholdCategory>
    /// 住房状况
    public var housing: Housing?
    /// 致贫原因
    public var povertyCauses: [PovertyCause]
    /// The household cannot escape poverty through industry or employment support
    /// (无法通过产业扶持和就业帮扶实现稳定脱贫), as found by the village and town. §3.1.2
    public var employmentSupportExhausted: Bool
    /// 一卡通 account for payments.
    public var benefitAccount: BenefitAccount?
    /// 在册 / 注销
    public var status: RecordStatus

    public init(
        id: UUID, village: OrgCode, hukou: OrgCode, hukouType: HukouType = .agricultural, address: String,
        phone: String? = nil, categories: Set<HouseholdCategory> = [], housing: Housing? = nil,
        povertyCauses: [PovertyCause] = [], employmentSupportExhausted: Bool = false,
        benefitAccount: BenefitAccount? = nil, status: RecordStatus = .active
    ) {
        self.id = id; self.village = village; self.hukou = hukou; self.hukouType = hukouType
        self.address = address; self.phone = phone; self.categories = categories; self.housing = housing
        self.povertyCauses = povertyCauses; self.employmentSupportExhausted = employmentSupportExhausted
        self.benefitAccount = benefitAccount; self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, village, hukou, hukouType, address, phone, categories, housing, povertyCauses
        case employmentSupportExhausted, benefitAccount, status
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UUID.self, forKey: .id)
        village = try c.decode(OrgCode.self, forKey: .village)
        hukou = try c.decode(OrgCode.self, forKey: .hukou)
        hukouType = try c.decodeIfPresent(HukouType.self, forKey: .hukouType) ?? .agricultural
        address = try c.decode(String.self, forKey: .address)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        categories = try c.decodeIfPresent(Set<HouseholdCategory>.self, forKey: .categories) ?? []
        housing = try c.decodeIfPresent(Housing.self, forKey: .housing)
        povertyCauses = try c.decodeIfPresent([PovertyCause].self, forKey: .povertyCauses) ?? []
        employmentSupportExhausted = try c.decodeIfPresent(Bool.self, forKey: .employmentSupportExhausted) ?? false
        benefitAccount = try c.decodeIfPresent(BenefitAccount.self, forKey: .benefitAccount)
        status = try c.decodeIfPresent(RecordStatus.self, forKey: .status) ?? .active
    }

    /// Encodes with the categories sorted, so that the same household always encodes
    /// to the same bytes (a `Set`'s order is not stable, and change capture compares encodings).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(village, forKey: .village)
        try c.encode(hukou, forKey: .hukou)
        try c.encode(hukouType, forKey: .hukouType)
        try c.encode(address, forKey: .address)
        try c.encodeIfPresent(phone, forKey: .phone)
        try c.encode(categories.sorted(), forKey: .categories)
        try c.encodeIfPresent(housing, forKey: .housing)
        try c.encode(povertyCauses, forKey: .povertyCauses)
        try c.encode(employmentSupportExhausted, forKey: .employmentSupportExhausted)
        try c.encodeIfPresent(benefitAccount, forKey: .benefitAccount)
        try c.encode(status, forKey: .status)
    }
}

/// 户籍类别
public enum HukouType: String, Codable, Sendable, CaseIterable {
    case agricultural, nonAgricultural
    public var chineseName: String { self == .agricultural ? "农业" : "非农业" }
}

/// Household categories that policy names (§3.1.1, §3.1.5, §3.6.1, §4.2).
public enum HouseholdCategory: String, Codable, Sendable, CaseIterable, Comparable {
    /// 建档立卡贫困户
    case registeredPoor
    /// 建档立卡“老人户”
    case elderlyHousehold
    /// 边缘户
    case marginal
    /// 非建档立卡特殊困难户
    case specialHardship

    public var chineseName: String {
        switch self {
        case .registeredPoor: "建档立卡贫困户"
        case .elderlyHousehold: "老人户"
        case .marginal: "边缘户"
        case .specialHardship: "特殊困难户"
        }
    }
    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }
}

/// 住房状况
public enum Housing: String, Codable, Sendable, CaseIterable {
    case ownBuilt, rented, borrowed, dilapidated, other
    public var chineseName: String {
        switch self {
        case .ownBuilt: "自建"
        case .rented: "租房"
        case .borrowed: "借住"
        case .dilapidated: "危房"
        case .other: "其他"
        }
    }
}

/// 致贫原因
public enum PovertyCause: String, Codable, Sendable, CaseIterable {
    case illness, disability, lackOfLabour, disaster, unemployment, landLoss, other
    public var chineseName: String {
        switch self {
        case .illness: "疾病"
        case .disability: "残疾"
        case .lackOfLabour: "缺乏劳动力"
        case .disaster: "灾害"
        case .unemployment: "失业"
        case .landLoss: "失地"
        case .other: "其他"
        }
    }
}

/// The 一卡通 benefit account payments go to.
public struct BenefitAccount: Hashable, Sendable, Codable {
    /// 开户银行
    public var bank: String
    /// 账户名称
    public var accountName: String
    /// 银行账号 / 一卡通账号 (masked in listings: 4 + **** + 4).
    public var accountNumber: String

    public init(bank: String, accountName: String, accountNumber: String) {
        self.bank = bank; self.accountName = accountName; self.accountNumber = accountNumber
    }
}

/// Records are never deleted: a voided record stays, with the reason.
///
/// Encoded as the string `"active"` or as `{"voided": "reason"}`.
public enum RecordStatus: Hashable, Sendable, Codable {
    /// 在册
    case active
    /// 注销, with the reason given.
    case voided(reason: String)

    public var isActive: Bool { self == .active }

    /// 在册 / 注销
    public var chineseName: String { isActive ? "在册" : "注销" }

    private struct Voided: Codable { var voided: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            // a database column holds the voided object as JSON text
            if s.hasPrefix("{"), let voided = try? JSONDecoder().decode(Voided.self, from: Data(s.utf8)) {
                self = .voided(reason: voided.voided)
                return
            }
            guard s == "active" else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "status is \"active\" or {\"voided\": \"reason\"}") }
            self = .active
        } else {
            self = .voided(reason: try c.decode(Voided.self).voided)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .active: try c.encode("active")
        case .voided(let reason): try c.encode(Voided(voided: reason))
        }
    }
}
