import Foundation

/// One thing that falls due on a village's or town's worklist (``DueList``).
///
/// Each item names the household (by id; listings print its short id), its village, the
/// person where there is one, what to do, the day it falls due and the clause it rests on.
/// The resident ID number is carried for the laptop's own listing and is printed masked only.
public struct DueItem: Sendable, Hashable {
    /// What falls due. New kinds are added as new cases (e.g. a social organisation's annual
    /// report, §3.7); an item that concerns no household leaves ``household`` `nil`.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// 复核调查: the latest income-and-asset survey is older than the programme's
        /// re-survey interval (`workflow.reviewSchedule.resurveyMonths`).
        case resurvey
        /// 渐退期届满 (§3.1.5): the gradual exit's last month.
        case gradualExitEnds
        /// 年满特困未成年人年龄 (§3.2.1): a 特困 child turns `tekun.minorUnder` (16).
        case tekunMinorAge
        /// 年满未成年人年龄 (§3.3.2, §3.3.3, §3.1.6): a child receiving an orphan, unsupported-child
        /// or minor's classified aid turns `ages.minorUnder` (18).
        case minorAge
        /// 先行救助补办手续 (§3.6.4): emergency aid paid first whose paperwork is still open.
        case aidFirstPaperwork
        /// 社会组织年度报告 (§3.7): a social organisation's annual report not yet received
        /// (the district's worklist; no household).
        case annualReport

        /// The name on the worklist.
        public var chineseName: String {
            switch self {
            case .resurvey: "复核调查"
            case .gradualExitEnds: "渐退期届满"
            case .tekunMinorAge: "特困未成年人满龄"
            case .minorAge: "儿童满18周岁"
            case .aidFirstPaperwork: "先行救助补办手续"
            case .annualReport: "社会组织年度报告"
            }
        }
    }

    public var kind: Kind
    /// The day it falls due (到期日).
    public var due: Day
    /// The clause it rests on, e.g. `3.1.5`.
    public var clause: String
    /// The household concerned; `nil` for items about no household.
    public var household: UUID?
    /// The village (村/社区) whose worklist it is on.
    public var village: OrgCode
    /// The programme concerned, if one.
    public var programme: Programme?
    /// The person concerned, if one.
    public var member: UUID?
    /// 姓名 of the person concerned, or the household head's.
    public var name: String
    /// 身份证号 of that person (print ``ResidentID/masked`` only).
    public var residentID: ResidentID?
    /// What to do, in Chinese, with the figures it rests on.
    public var detail: String

    /// Creates an item.
    public init(kind: Kind, due: Day, clause: String, household: UUID?, village: OrgCode, programme: Programme? = nil,
                member: UUID? = nil, name: String, residentID: ResidentID? = nil, detail: String) {
        self.kind = kind; self.due = due; self.clause = clause; self.household = household; self.village = village
        self.programme = programme; self.member = member; self.name = name; self.residentID = residentID; self.detail = detail
    }

    /// True when the item fell due before `day` (逾期).
    public func isOverdue(on day: Day) -> Bool { due < day }
}
