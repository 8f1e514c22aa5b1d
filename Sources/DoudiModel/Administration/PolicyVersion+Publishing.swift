import Foundation

extension PolicyVersion {
    /// The version the district publishes to add a temporary price subsidy (§3.5): the
    /// standards of `self` unchanged, the subsidy added, in force from `effectiveFrom`.
    ///
    /// - Parameters:
    ///   - subsidy: The subsidy: months, amount per person, eligible programmes.
    ///   - id: The new version's id, e.g. `dongxing-2020-jg2026-12`.
    ///   - effectiveFrom: The first day the new version applies (on or before the subsidy's first month).
    /// - Throws: ``ModelError`` when the new version is not valid (a subsidy id used twice, months
    ///   reversed, a zero amount, no groups) or does not follow `self`.
    public func publishing(_ subsidy: PriceSubsidy, as id: String, effectiveFrom: Day) throws(ModelError) -> PolicyVersion {
        guard effectiveFrom > self.effectiveFrom else {
            throw ModelError(.invalidValue, field: "effectiveFrom",
                             "the new version must take effect after \(self.id) (in force from \(self.effectiveFrom)), not on \(effectiveFrom)")
        }
        guard effectiveFrom.yearMonth <= subsidy.through else {
            throw ModelError(.invalidValue, field: "effectiveFrom", "the version takes effect after the subsidy's last month \(subsidy.through): nothing would be paid")
        }
        var next = self
        next.id = id
        next.title = "\(title)（\(subsidy.title)）"
        next.effectiveFrom = effectiveFrom
        next.priceSubsidies.append(subsidy)
        try next.validate()
        return next
    }
}
