import Foundation

/// §3.7 村需求: a need a village reports, gathered from its home visits and income surveys,
/// to be matched with a social organisation's aid project.
///
/// A village record: recorded by the village (or its town), matched by the town or the district
/// (``project``), synced like the village's households.
public struct VillageNeed: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// 村(社区)
    public var village: OrgCode
    /// 需求类型
    public var kind: AidKind
    /// 需求内容 (no names or ID numbers: it reaches the district's matching list).
    public var summary: String
    /// 涉及户数
    public var households: Int
    /// 登记日期
    public var recordedOn: Day
    /// The visit or survey it was gathered from, if any.
    public var source: UUID?
    /// 对接项目: the aid project matched to it, once matched.
    public var project: UUID?

    public init(id: UUID, village: OrgCode, kind: AidKind, summary: String, households: Int, recordedOn: Day,
                source: UUID? = nil, project: UUID? = nil) {
        self.id = id; self.village = village; self.kind = kind; self.summary = summary; self.households = households
        self.recordedOn = recordedOn; self.source = source; self.project = project
    }
}

extension VillageNeed: ValidatedRecord {
    public func validate() throws(ModelError) {
        guard village.level == .village else {
            throw ModelError(.invalidValue, field: "village", "\(village) is not a village code: use the 12-digit code of the village or community")
        }
        try requireText(summary, "summary", "what the village needs")
        guard households >= 0 else { throw ModelError(.invalidValue, field: "households", "cannot be negative") }
    }
}

/// §3.7 matching aid projects to village needs: for each need not yet matched, the projects of
/// its kind that serve its village and run on the day, the ones naming the village first.
public enum ProjectMatching {
    /// One open need and the projects that could meet it.
    public struct Suggestion: Hashable, Sendable {
        public var need: VillageNeed
        public var projects: [AidProject]
    }

    /// The open needs (no project yet) with their candidate projects, oldest need first.
    public static func suggestions(needs: [VillageNeed], projects: [AidProject], on day: Day) -> [Suggestion] {
        needs.filter { $0.project == nil }.sorted { ($0.recordedOn, $0.village) < ($1.recordedOn, $1.village) }.map { need in
            let fitting = projects.filter { $0.kind == need.kind && $0.serves(need.village) && $0.runs(on: day) }
                .sorted { (rank($0, need), $0.title) < (rank($1, need), $1.title) }
            return Suggestion(need: need, projects: fitting)
        }
    }

    /// Can `project` be matched to `need`? Same kind, serving its village.
    ///
    /// - Throws: ``ModelError`` saying why not.
    public static func check(_ project: AidProject, for need: VillageNeed) throws(ModelError) {
        guard project.kind == need.kind else {
            throw ModelError(.invalidValue, field: "project", "project \(project.title) is \(project.kind.chineseName) but the need is \(need.kind.chineseName): match a project of the same kind")
        }
        guard project.serves(need.village) else {
            throw ModelError(.invalidValue, field: "project", "project \(project.title) does not serve village \(need.village): match a project that covers it, or widen the project's areas")
        }
    }

    /// 0 for a project naming the village itself, 1 its town, 2 the whole district.
    private static func rank(_ project: AidProject, _ need: VillageNeed) -> Int {
        if project.areas.contains(need.village) { return 0 }
        return project.areas.isEmpty ? 2 : 1
    }
}
