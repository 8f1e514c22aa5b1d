import Foundation

/// §3.7 帮扶项目: a social organisation's aid project, by kind, for some villages of the district
/// (or all of them), to be matched to the needs villages report.
///
/// A district record (``EntityKind/isDistrictRecord``): the district registers it; towns and
/// villages read it.
public struct AidProject: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var district: OrgCode
    /// The organisation running it.
    public var organisation: UUID
    /// 项目名称
    public var title: String
    /// 帮扶类型: 产业, 教育, 医疗健康, 易地搬迁.
    public var kind: AidKind
    /// The villages (or towns) it serves; empty: the whole district.
    public var areas: [OrgCode]
    /// 开始日期, 结束日期.
    public var start: Day
    public var end: Day?
    /// 资金 (yuan), if stated.
    public var funds: Money?
    /// 项目内容
    public var summary: String

    public init(id: UUID, district: OrgCode, organisation: UUID, title: String, kind: AidKind, areas: [OrgCode] = [],
                start: Day, end: Day? = nil, funds: Money? = nil, summary: String = "") {
        self.id = id; self.district = district; self.organisation = organisation; self.title = title; self.kind = kind
        self.areas = areas; self.start = start; self.end = end; self.funds = funds; self.summary = summary
    }

    /// True when the project serves `village` (an area that contains it, or the whole district).
    public func serves(_ village: OrgCode) -> Bool {
        areas.isEmpty ? district.contains(village) : areas.contains { $0.contains(village) }
    }

    /// True when it runs on `day`.
    public func runs(on day: Day) -> Bool { start <= day && end.map { day <= $0 } ?? true }
}

/// 帮扶类型 (§3.7): what a project offers and a village needs.
public enum AidKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// 产业帮扶
    case industry
    /// 教育帮扶
    case education
    /// 医疗健康帮扶
    case health
    /// 易地搬迁
    case relocation

    public var chineseName: String {
        switch self {
        case .industry: "产业帮扶"
        case .education: "教育帮扶"
        case .health: "医疗健康帮扶"
        case .relocation: "易地搬迁"
        }
    }
}

extension AidProject: ValidatedRecord {
    public func validate() throws(ModelError) {
        try requireDistrict(district)
        try requireText(title, "title", "the project's title")
        try requireWithin(district, areas, field: "areas")
        if let end, end < start { throw ModelError(.invalidValue, field: "end", "the end \(end) is before the start \(start)") }
        if let funds { try requireNonNegative(funds, "funds") }
    }
}
