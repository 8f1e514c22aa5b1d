import Foundation

/// §3.7 扶贫志愿者: a volunteer of the district's poverty-relief pool, with skills and the
/// villages they serve. A district record (``EntityKind/isDistrictRecord``).
public struct Volunteer: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    public var district: OrgCode
    /// 姓名
    public var name: String
    /// 联系电话 (masked in listings).
    public var phone: String?
    /// 专长: e.g. 种养殖技术, 医护, 教学.
    public var skills: [String]
    /// 服务村(社区) (or towns); empty: anywhere in the district.
    public var villages: [OrgCode]
    /// 所属社会组织, if any.
    public var organisation: UUID?
    /// 登记日期
    public var registeredOn: Day

    public init(id: UUID, district: OrgCode, name: String, phone: String? = nil, skills: [String], villages: [OrgCode] = [],
                organisation: UUID? = nil, registeredOn: Day) {
        self.id = id; self.district = district; self.name = name; self.phone = phone; self.skills = skills
        self.villages = villages; self.organisation = organisation; self.registeredOn = registeredOn
    }

    /// True when the volunteer serves `village`.
    public func serves(_ village: OrgCode) -> Bool {
        villages.isEmpty ? district.contains(village) : villages.contains { $0.contains(village) }
    }
}

extension Volunteer: ValidatedRecord {
    public func validate() throws(ModelError) {
        try requireDistrict(district)
        try requireText(name, "name", "the volunteer's name")
        guard !skills.isEmpty, !skills.contains(where: { $0.trimmingWhitespace().isEmpty }) else {
            throw ModelError(.missingValue, field: "skills", "name at least one skill (专长), e.g. 种养殖技术")
        }
        try requireWithin(district, villages, field: "villages")
        if let phone, !phone.isEmpty, !phone.allSatisfy({ $0.isNumber || $0 == "-" || $0 == " " }) {
            throw ModelError(.invalidValue, field: "phone", "\(phone) is not a phone number: digits and - only")
        }
    }
}
