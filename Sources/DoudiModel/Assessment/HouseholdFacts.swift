import Foundation

/// Facts about a household on the as-of day that several programmes use:
/// who counts, ages, the survey in force, the enrolment in force.
struct HouseholdFacts {
    let householdCase: HouseholdCase
    let policy: PolicyVersion
    let asOf: Day

    init(_ householdCase: HouseholdCase, policy: PolicyVersion, asOf: Day) {
        self.householdCase = householdCase; self.policy = policy; self.asOf = asOf
    }

    var household: Household { householdCase.household }

    /// §3.1.0 holds the district's hukou.
    var hasDistrictHukou: Bool { policy.district.contains(household.hukou) }

    /// Members living in the household (正常); the dead, missing, imprisoned and
    /// moved-out are not counted as co-residing family (national rule).
    var livingMembers: [Member] { householdCase.members.filter { $0.personStatus == .normal } }

    var excludedMembers: [Member] { householdCase.members.filter { $0.personStatus != .normal } }

    /// The survey in force on the as-of day.
    var survey: Survey? { householdCase.latestSurvey(onOrBefore: asOf) }

    func age(_ m: Member) -> Int { m.age(on: asOf) }
    func isElderly(_ m: Member) -> Bool { age(m) >= policy.ages.elderlyFrom }
    func isMinor(_ m: Member) -> Bool { age(m) < policy.ages.minorUnder }
    func isSeverelyDisabled(_ m: Member) -> Bool { policy.severeDisability.isSevere(m.disability) }

    /// The household-level dibao enrolment active in the as-of month.
    var activeDibaoEnrolment: Enrolment? {
        householdCase.activeHouseholdDibao(in: asOf.yearMonth)
    }

    /// An enrolment of one person in a programme, active in the as-of month.
    func activeEnrolment(_ programme: Programme, member: UUID) -> Enrolment? {
        householdCase.enrolments.first { $0.programme == programme && $0.member == member && $0.isActive(in: asOf.yearMonth) }
    }

    /// `张三（68岁）`
    func label(_ m: Member) -> String { "\(m.name)（\(age(m))岁）" }
}

extension Money {
    /// `360.00`
    var y: String { yuanText }
}
