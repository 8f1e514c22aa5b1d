/// §3.7 the worklist of social organisations' annual reports (年度报告) due: every report not
/// yet received whose due day falls on or before the end of the look-ahead window, overdue ones
/// first. The bureau's register keeps the due day of each report (``AnnualReport/due``).
public enum AnnualReportWorklist {
    /// One report to chase.
    public struct Item: Hashable, Sendable {
        public var organisation: SocialOrganisation
        public var report: AnnualReport
        /// Days past the due day on `asOf` (0 or less: not yet due).
        public var daysOverdue: Int

        /// 已逾期 N 天 / N 天后到期 / 今日到期
        public var statusText: String {
            daysOverdue > 0 ? "已逾期 \(daysOverdue) 天" : daysOverdue == 0 ? "今日到期" : "\(-daysOverdue) 天后到期"
        }
    }

    /// The reports outstanding on `asOf` or falling due within `days` after it, overdue first,
    /// then by due day and name.
    public static func items(_ organisations: [SocialOrganisation], asOf: Day, within days: Int) -> [Item] {
        let horizon = asOf.adding(days: max(0, days))
        return organisations.flatMap { org in
            org.reportsOutstanding(by: horizon).map { Item(organisation: org, report: $0, daysOverdue: $0.due.days(until: asOf)) }
        }.sorted { ($0.report.due, $0.organisation.name) < ($1.report.due, $1.organisation.name) }
    }
}
