/// One person, one dibao (§3.1): the rule the merge, both server stores and the field
/// store check, stated once.
extension Enrolment {
    /// True when the two enrolments cover at least one month in common. An open enrolment
    /// (no ``end``) runs on; an enrolment in gradual exit (渐退期, §3.1.5) has an end month
    /// and still pays until then.
    public func overlapsInMonths(_ other: Enrolment) -> Bool {
        let endsAfterOtherStarts = end.map { other.start <= $0 } ?? true
        let otherEndsAfterThisStarts = other.end.map { start <= $0 } ?? true
        return endsAfterOtherStarts && otherEndsAfterThisStarts
    }

    /// True when `other` would pay the same person a second dibao in some month: both are
    /// dibao, in the same household, for the same person (the same member, or either one
    /// covers the whole household), and their months overlap.
    ///
    /// A household-level enrolment (no ``member``) covers every member, so a single-person
    /// enrolment (单人保) beside it is a second dibao for that person.
    public func isSecondDibao(beside other: Enrolment) -> Bool {
        guard id != other.id, programme == .dibao, other.programme == .dibao, household == other.household else { return false }
        let samePerson = member == nil || other.member == nil || member == other.member
        return samePerson && overlapsInMonths(other)
    }

    /// The first of `others` that is a second dibao beside this one (§3.1: one person, one dibao).
    public func secondDibao(among others: some Sequence<Enrolment>) -> Enrolment? {
        others.first { isSecondDibao(beside: $0) }
    }
}
