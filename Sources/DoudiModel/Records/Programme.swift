/// The assistance programmes of the policy document, with their stable codes.
public enum Programme: String, Codable, Sendable, CaseIterable, Comparable {
    /// 农村最低生活保障 §3.1
    case dibao
    /// 分类救助 §3.1.6
    case classifiedAid
    /// 特困人员救助供养 §3.2
    case tekun
    /// 孤儿基本生活费 §3.3.2
    case orphan
    /// 事实无人抚养儿童基本生活补贴 §3.3.3–3.3.4
    case unsupportedChild
    /// 困难残疾人生活补贴 §3.4.1
    case disabilityLiving
    /// 重度残疾人护理补贴 §3.4.2
    case disabilityNursing
    /// 价格临时补贴 §3.5
    case priceSubsidy
    /// 临时救助 §3.6
    case temporaryAid

    /// Official Chinese name, as on ledgers and payment rolls.
    public var chineseName: String {
        switch self {
        case .dibao: "农村低保"
        case .classifiedAid: "分类救助"
        case .tekun: "特困人员救助供养"
        case .orphan: "孤儿基本生活费"
        case .unsupportedChild: "事实无人抚养儿童基本生活补贴"
        case .disabilityLiving: "困难残疾人生活补贴"
        case .disabilityNursing: "重度残疾人护理补贴"
        case .priceSubsidy: "价格临时补贴"
        case .temporaryAid: "临时救助"
        }
    }

    /// English name for docs and `--help`.
    public var englishName: String {
        switch self {
        case .dibao: "rural minimum living allowance (dibao)"
        case .classifiedAid: "classified aid"
        case .tekun: "extreme-poverty support"
        case .orphan: "orphan allowance"
        case .unsupportedChild: "de-facto unsupported child allowance"
        case .disabilityLiving: "living subsidy for disabled people in difficulty"
        case .disabilityNursing: "nursing subsidy for the severely disabled"
        case .priceSubsidy: "temporary price subsidy"
        case .temporaryAid: "temporary assistance"
        }
    }

    var order: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }
    public static func < (l: Self, r: Self) -> Bool { l.order < r.order }
}

/// 急难型 / 支出型 temporary aid (§3.6.4).
public enum TemporaryAidType: String, Codable, Sendable, CaseIterable {
    /// 急难型: aid first (先行救助), paperwork after.
    case emergency
    /// 支出型: full review, shortened time limits.
    case expenditure
    public var chineseName: String { self == .emergency ? "急难型" : "支出型" }
}

/// How hard the situation is, which sets the temporary-aid band (§3.6.2).
public enum Hardship: String, Codable, Sendable, CaseIterable {
    /// 360–1,080 per person by urgency and duration.
    case ordinary
    /// 特别困难: up to 2,160 per person.
    case particular
    /// 重大生活困难: case by case (一事一议).
    case major
    public var chineseName: String {
        switch self {
        case .ordinary: "一般困难"
        case .particular: "特别困难"
        case .major: "重大生活困难(一事一议)"
        }
    }
}
