/// The temporary-assistance rules (§3.6.2–3.6.5), the one home of its bands and authority.
public struct TemporaryAidRules: Sendable {
    public let policy: PolicyVersion
    /// The special procedure (§4.4) the town approves under, if any: it raises the town's limit.
    public let special: SpecialProcedure?

    /// The rules of `policy`, under the special procedure when one applies (§4.4).
    public init(policy: PolicyVersion, special: SpecialProcedure? = nil) { self.policy = policy; self.special = special }

    /// The town's limit per person: `townAuthorityMultipleOfStandard` × the monthly dibao standard (§3.6.3);
    /// under the special procedure its `temporaryAidTownAuthorityMultipleOfStandard` (§4.4).
    public var townLimitPerPerson: Money {
        policy.dibao.standard * (special?.rules.temporaryAidTownAuthorityMultipleOfStandard ?? policy.temporaryAid.townAuthorityMultipleOfStandard)
    }

    /// The largest reserve-fund draw per person (§3.6.5).
    public var reserveFundDrawLimitPerPerson: Money { policy.dibao.standard * policy.reserveFund.drawLimitMultipleOfStandard }

    /// The band per person for a hardship (§3.6.2); no maximum for 一事一议.
    public func band(for hardship: Hardship) -> (minimum: Money, maximum: Money?) {
        let ta = policy.temporaryAid
        switch hardship {
        case .ordinary: return (ta.ordinaryMin, ta.ordinaryMax)
        case .particular: return (ta.ordinaryMin, ta.particularMax)
        case .major: return (ta.ordinaryMin, nil)
        }
    }

    /// Who may approve a per-person amount (§3.6.3): the town within its limit,
    /// the district above it, case by case above the particularly-difficult maximum.
    public func authority(forPerPerson amount: Money) -> ApprovalAuthority {
        if amount <= townLimitPerPerson { return .town }
        if amount <= policy.temporaryAid.particularMax { return .district }
        return .districtCaseByCase
    }

    /// Size of a town's reserve fund: population × yuan per resident (§3.6.5).
    public func reserveFundSize(population: Int) -> Money { policy.reserveFund.perResident * population }
}
