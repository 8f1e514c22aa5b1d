import Foundation

/// A household with everything the assessment needs: members, legal supporters,
/// surveys, enrolment history and open applications.
///
/// This is also the **household document** format read by `doudi assess`
/// (see `docs/HOUSEHOLD-DOCUMENT.md` and `Samples/households/`).
public struct HouseholdCase: Hashable, Sendable, Codable {
    /// The household id child records carry until they are placed in a case
    /// (all zeros); a document may leave `household` out of its members, obligors,
    /// surveys and enrolments, and the case fills in its own.
    public static let unassigned = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    public var household: Household
    public var members: [Member]
    /// Legal supporters outside the household (§3.1.3).
    public var obligors: [SupportObligor]
    /// Income-and-asset surveys; the latest on or before the as-of day is used.
    public var surveys: [Survey]
    /// Enrolment history (for gradual exit §3.1.5 and classified-aid tiers §3.1.6).
    public var enrolments: [Enrolment]
    /// Applications to assess (temporary aid §3.6).
    public var applications: [Application]

    public init(household: Household, members: [Member], obligors: [SupportObligor] = [], surveys: [Survey] = [],
                enrolments: [Enrolment] = [], applications: [Application] = []) {
        self.household = household; self.members = members; self.obligors = obligors; self.surveys = surveys
        self.enrolments = enrolments; self.applications = applications
        adoptChildren()
    }

    /// Gives child records that do not name a household this case's household.
    mutating func adoptChildren() {
        let id = household.id
        for i in members.indices where members[i].household == Self.unassigned { members[i].household = id }
        for i in obligors.indices where obligors[i].household == Self.unassigned { obligors[i].household = id }
        for i in surveys.indices where surveys[i].household == Self.unassigned { surveys[i].household = id }
        for i in enrolments.indices where enrolments[i].household == Self.unassigned { enrolments[i].household = id }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case household, members, obligors, surveys, enrolments, applications }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        household = try c.decode(Household.self, forKey: .household)
        members = try c.decode([Member].self, forKey: .members)
        obligors = try c.decodeIfPresent([SupportObligor].self, forKey: .obligors) ?? []
        surveys = try c.decodeIfPresent([Survey].self, forKey: .surveys) ?? []
        enrolments = try c.decodeIfPresent([Enrolment].self, forKey: .enrolments) ?? []
        applications = try c.decodeIfPresent([Application].self, forKey: .applications) ?? []
        adoptChildren()
    }

    /// Reads a household document.
    ///
    /// - Throws: ``DocumentError`` naming the field: malformed JSON, a missing or
    ///   mistyped field, an invalid resident ID number, or a broken reference.
    public static func load(json data: Data, document: String) throws(DocumentError) -> HouseholdCase {
        let value = try DocumentError.decode(HouseholdCase.self, from: data, document: document)
        try DocumentError.rejectUnknownFields(in: data, decoded: value, document: document, reference: "docs/HOUSEHOLD-DOCUMENT.md")
        do { try value.validate() } catch { throw DocumentError(error, document: document) }
        return value
    }

    /// Checks the references and invariants inside the case.
    ///
    /// - Throws: ``ModelError`` naming the field.
    public func validate() throws(ModelError) {
        func check(_ record: some ValidatedRecord, _ prefix: String) throws(ModelError) {
            do { try record.validate() } catch {
                throw ModelError(error.code, field: error.field.map { "\(prefix).\($0)" } ?? prefix, error.message)
            }
        }
        try check(household, "household")
        for (i, m) in members.enumerated() { try check(m, "members[\(i)]") }
        for (i, o) in obligors.enumerated() { try check(o, "obligors[\(i)]") }
        for (i, s) in surveys.enumerated() { try check(s, "surveys[\(i)]") }
        for (i, e) in enrolments.enumerated() { try check(e, "enrolments[\(i)]") }
        for (i, a) in applications.enumerated() { try check(a, "applications[\(i)]") }
        guard !members.isEmpty else { throw ModelError(.missingValue, field: "members", "a household needs at least one member") }
        var ids = Set<UUID>(), numbers = [String: Int]()
        func mine(_ id: UUID, _ field: String) throws(ModelError) {
            if id != household.id { throw ModelError(.unknownReference, field: field, "names household \(id), but this is household \(household.id)") }
        }
        for (i, m) in members.enumerated() {
            try mine(m.household, "members[\(i)].household")
            guard ids.insert(m.id).inserted else { throw ModelError(.duplicate, field: "members[\(i)].id", "\(m.id) is used by two members") }
            if let j = numbers[m.residentID.value] {
                throw ModelError(.duplicate, field: "members[\(i)].residentID", "\(m.residentID.masked) is also members[\(j)]: one ID number registers one person")
            }
            numbers[m.residentID.value] = i
        }
        func known(_ id: UUID?, _ field: String) throws(ModelError) {
            if let id, !ids.contains(id) { throw ModelError(.unknownReference, field: field, "\(id) is not a member of this household") }
        }
        for (i, o) in obligors.enumerated() {
            try mine(o.household, "obligors[\(i)].household")
            try known(o.member, "obligors[\(i)].member")
            if o.supportOwed.isNegative { throw ModelError(.invalidValue, field: "obligors[\(i)].supportOwed", "cannot be negative") }
        }
        for (s, survey) in surveys.enumerated() {
            try mine(survey.household, "surveys[\(s)].household")
            for (i, item) in survey.incomes.enumerated() { try known(item.member, "surveys[\(s)].incomes[\(i)].member") }
            for (i, item) in survey.deductions.enumerated() { try known(item.member, "surveys[\(s)].deductions[\(i)].member") }
        }
        for (e, enrolment) in enrolments.enumerated() {
            try mine(enrolment.household, "enrolments[\(e)].household")
            try known(enrolment.member, "enrolments[\(e)].member")
            for (i, t) in enrolment.classifiedAid.enumerated() {
                try known(t.member, "enrolments[\(e)].classifiedAid[\(i)].member")
                if !(1...3).contains(t.tier) { throw ModelError(.invalidValue, field: "enrolments[\(e)].classifiedAid[\(i)].tier", "tier must be 1, 2 or 3, not \(t.tier)") }
            }
        }
        for (a, app) in applications.enumerated() {
            try known(app.member, "applications[\(a)].member")
            if app.household != household.id {
                throw ModelError(.unknownReference, field: "applications[\(a)].household", "must be this household's id \(household.id)")
            }
            if let n = app.persons, n < 1 { throw ModelError(.invalidValue, field: "applications[\(a)].persons", "must be at least 1") }
            if let amount = app.amountPerPerson, amount.isNegative { throw ModelError(.invalidValue, field: "applications[\(a)].amountPerPerson", "cannot be negative") }
        }
    }

    /// The member with this id.
    public func member(_ id: UUID) -> Member? { members.first { $0.id == id } }

    /// The household-level dibao enrolment active in `month` (not a single-person case).
    public func activeHouseholdDibao(in month: YearMonth) -> Enrolment? {
        enrolments.first { $0.programme == .dibao && $0.member == nil && $0.isActive(in: month) }
    }

    /// The latest survey dated on or before `day`.
    public func latestSurvey(onOrBefore day: Day) -> Survey? {
        surveys.filter { $0.date <= day }.max { $0.date < $1.date }
    }
}
