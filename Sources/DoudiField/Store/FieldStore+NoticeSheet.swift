import DoudiModel
import Foundation

extension FieldStore {
    /// The public-notice sheet (张榜公示, §3.6.3) of the cases of `org` posted on `posted`
    /// (default: the latest posting day), as the town prints it; nil when no case of `org` is
    /// on notice. A case approved under the special procedure is on the sheet of the notice
    /// posted after it (§4.4).
    ///
    /// - Parameters:
    ///   - office: 公示单位 (default: the town's 人民政府).
    ///   - phone: 监督电话.
    /// - Throws: ``FieldError`` `notFound` when nothing was posted on `posted`.
    public func noticeSheet(within org: OrgCode, posted: Day?, office: String?, phone: String) throws -> NoticeSheet? {
        let tree = try orgTree()
        let onNotice = try cases(at: [.publicNotice, .approved])
            .filter { org.contains($0.householdCase.household.village) && $0.workflow.noticeOnSheet != nil }
        let periods = Set(onNotice.compactMap { $0.workflow.noticeOnSheet?.postedOn })
        guard let chosen = posted ?? periods.max() else { return nil }
        let cases = onNotice.filter { $0.workflow.noticeOnSheet?.postedOn == chosen }
        guard let through = cases.first?.workflow.noticeOnSheet?.through else {
            throw FieldError(.notFound, field: "posted",
                             "no notice was posted on \(chosen); notices were posted on \(periods.sorted().map(\.description).joined(separator: ", "))")
        }
        let book = try policyBook()
        let policy: PolicyVersion
        do { policy = try book.inForce(on: chosen) } catch { throw FieldError(.notFound, field: "posted", "\(error)") }
        let entries = cases.map { c in
            NoticeSheet.Entry(application: c.application, householdCase: c.householdCase,
                              assessment: Assessor(policy: policy).assess(c.householdCase, asOf: chosen))
        }
        let town = org.town ?? org
        let townName = tree[town]?.name ?? town.value
        return NoticeSheet(town: townName, office: office ?? "\(townName)人民政府", phone: phone, from: chosen, through: through,
                           entries: entries, org: tree)
    }
}
