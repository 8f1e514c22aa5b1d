import Foundation

/// The kinds of record that sync.
public enum EntityKind: String, Hashable, Sendable, Codable, CaseIterable {
    case household, member, obligor, visit, survey, application, workflow, decision, enrolment, payment, reserveFundEntry, policyVersion, specialPeriod,
         socialOrganisation, aidProject, villageNeed, volunteer, bankReturn

    /// 户, 成员 … for history listings.
    public var chineseName: String {
        switch self {
        case .household: "家庭"
        case .member: "家庭成员"
        case .obligor: "赡养(抚养、扶养)义务人"
        case .visit: "入户调查"
        case .survey: "家庭经济状况调查"
        case .application: "申请"
        case .workflow: "审核审批流程"
        case .decision: "审批决定"
        case .enrolment: "保障"
        case .payment: "发放"
        case .reserveFundEntry: "备用金"
        case .policyVersion: "政策标准"
        case .specialPeriod: "特殊时期"
        case .socialOrganisation: "社会组织"
        case .aidProject: "帮扶项目"
        case .villageNeed: "村需求"
        case .volunteer: "扶贫志愿者"
        case .bankReturn: "银行回盘"
        }
    }

    /// Append-only kinds: each record is written once and never edited (only voided).
    public var isAppendOnly: Bool { mergeRule == .appendOnly || mergeRule == .ledger }

    /// How concurrent changes to records of this kind are merged (ARCHITECTURE.md,
    /// "Principles of the sync"): the domain decides, not one global rule.
    public var mergeRule: MergeRule {
        switch self {
        case .household, .member, .obligor, .application, .enrolment, .policyVersion, .specialPeriod,
             .socialOrganisation, .aidProject, .villageNeed, .volunteer: .fieldByField
        case .visit, .survey, .decision, .payment, .bankReturn: .appendOnly
        case .reserveFundEntry: .ledger
        case .workflow: .workflow
        }
    }

    /// The roles that may write records of this kind (jurisdiction is checked apart).
    public var writers: Set<Role> {
        switch self {
        case .household, .member, .obligor, .visit, .survey, .application, .workflow, .villageNeed: [.collector, .townApprover, .districtOfficer]
        case .decision, .enrolment, .payment, .reserveFundEntry, .bankReturn: [.townApprover, .districtOfficer]
        case .policyVersion, .specialPeriod, .socialOrganisation, .aidProject, .volunteer: [.districtOfficer]
        }
    }

    /// District records: kept under the district's code and pulled read-only by every device of
    /// the district, whatever its scope — the policy records, and the §3.7 registry of social
    /// organisations, their aid projects and the volunteer pool.
    public var isDistrictRecord: Bool {
        switch self {
        case .policyVersion, .specialPeriod, .socialOrganisation, .aidProject, .volunteer: true
        default: false
        }
    }

    /// The district record kinds.
    public static let districtKinds: [EntityKind] = allCases.filter(\.isDistrictRecord)

    /// Policy records (政策标准, 特殊时期): the district's, kept under the district's code and
    /// pulled read-only by every device of the district, whatever its scope; the merge engine
    /// judges every workflow step against them.
    public var isPolicyRecord: Bool { self == .policyVersion || self == .specialPeriod }

    /// The policy record kinds.
    public static let policyKinds: [EntityKind] = allCases.filter(\.isPolicyRecord)
}

/// The merge rule of a record kind.
public enum MergeRule: String, Hashable, Sendable, Codable {
    /// Profile fields merge field by field by clock; the same field edited from a
    /// different base is a conflict (the losing value kept).
    case fieldByField
    /// Written once (visits, surveys, decisions, payments): versions never conflict.
    case appendOnly
    /// Money entries: append-only, and the derived balance must not go below zero.
    case ledger
    /// Workflow transitions: each must be legal for its actor; concurrent ones resolve by authority.
    case workflow
}

