/// All policy versions known, choosing the one in force on a day.
public struct PolicyBook: Sendable {
    /// Versions sorted by effective date.
    public private(set) var versions: [PolicyVersion]
    /// Special periods the district has declared (§4.4), voided ones left out.
    public var specialPeriods: [SpecialPeriod]

    /// - Parameters:
    ///   - versions: The policy versions.
    ///   - specialPeriods: The declared special periods (§4.4) that stand.
    /// - Throws: ``ModelError`` when two versions share an id or an effective date.
    public init(_ versions: [PolicyVersion], specialPeriods: [SpecialPeriod] = []) throws(ModelError) {
        let sorted = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.effectiveFrom == b.effectiveFrom {
            throw ModelError(.duplicate, field: "effectiveFrom", "policy versions \(a.id) and \(b.id) both take effect on \(a.effectiveFrom); give one a later date")
        }
        var ids = Set<String>()
        for v in sorted where !ids.insert(v.id).inserted {
            throw ModelError(.duplicate, field: "id", "two policy versions are called \(v.id)")
        }
        self.versions = sorted
        self.specialPeriods = specialPeriods
    }

    /// The version in force on `day`: the latest one effective on or before it.
    ///
    /// - Throws: ``ModelError`` with code `no-policy-in-force` when `day` is before every version.
    public func inForce(on day: Day) throws(ModelError) -> PolicyVersion {
        guard let v = versions.last(where: { $0.effectiveFrom <= day }) else {
            let first = versions.first.map { "; the earliest takes effect on \($0.effectiveFrom)" } ?? ""
            throw ModelError(.noPolicyInForce, "no policy version is in force on \(day)\(first)")
        }
        return v
    }

    /// The version a month's payment roll is made under: the one in force on the month's last
    /// day, so a price subsidy (§3.5) published during the month is paid for it.
    public func inForce(forRollOf month: YearMonth) throws(ModelError) -> PolicyVersion {
        try inForce(on: month.adding(months: 1).firstDay.adding(days: -1))
    }

    /// The version with this id.
    public func version(id: String) -> PolicyVersion? { versions.first { $0.id == id } }
}
