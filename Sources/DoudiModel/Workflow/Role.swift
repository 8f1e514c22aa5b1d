/// The roles of Doudi's users, each bound to an org unit (their jurisdiction).
public enum Role: String, Codable, Sendable, CaseIterable {
    /// 村干部: registers households, records visits and surveys, drafts and submits applications.
    case collector
    /// 镇(街道) approver: reviews, posts notices, approves within the town's authority.
    case townApprover
    /// 区民政局 officer: files, decides above-limit cases, publishes standards.
    case districtOfficer
    /// Read-only auditor at any level.
    case auditor

    /// The org level this role works at.
    public var level: OrgLevel {
        switch self {
        case .collector: .village
        case .townApprover: .town
        case .districtOfficer, .auditor: .district
        }
    }

    public var chineseName: String {
        switch self {
        case .collector: "村(社区)信息采集员"
        case .townApprover: "镇(街道)审核审批人"
        case .districtOfficer: "区民政局经办人"
        case .auditor: "审计(只读)"
        }
    }
}

/// Who acts: a user in a role, at an org unit.
public struct Actor: Hashable, Sendable, Codable {
    public var user: String
    public var role: Role
    /// The unit the user works for; their jurisdiction is this unit and everything inside it.
    public var org: OrgCode

    public init(user: String, role: Role, org: OrgCode) { self.user = user; self.role = role; self.org = org }

    /// True when `code` lies within the actor's jurisdiction.
    public func hasJurisdiction(over code: OrgCode) -> Bool { org.contains(code) }
}
