import DoudiModel
import DoudiText
import Foundation

/// The `--json` output of `doudi assess`: one object per household.
///
/// A stable, explicit schema for scripts: codes rather than Chinese names,
/// money as integer fen, ids as lowercase UUID strings, every key always present
/// (`null` when there is no value). Documented in the README.
struct AssessmentReport: Encodable {
    var document: String
    var household: String
    var asOf: String
    var policy: String
    var determinations: [DeterminationReport]
    var monthlyTotalFen: Int64

    init(_ result: AssessedHousehold) {
        let a = result.assessment
        document = result.document
        household = a.household.uuidString.lowercased()
        asOf = a.asOf.iso
        policy = a.policy
        determinations = a.determinations.map { DeterminationReport($0, in: result.householdCase) }
        monthlyTotalFen = a.monthlyTotal.fen
    }

    /// The whole output: a JSON array, keys sorted, pretty-printed.
    static func json(_ results: [AssessedHousehold]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .useDefaultKeys
        encoder.dateEncodingStrategy = .iso8601
        encoder.dataEncodingStrategy = .base64
        encoder.nonConformingFloatEncodingStrategy = .throw
        return String(decoding: try encoder.encode(results.map(AssessmentReport.init)), as: UTF8.self)
    }
}

/// One determination in the `--json` output.
struct DeterminationReport: Encodable {
    var programme: String
    var member: String?
    var memberName: String?
    var status: String
    var eligible: Bool
    var monthlyAmountFen: Int64
    var coveredPersons: Int?
    var priority: Bool
    var clauses: [String]
    var steps: [String]
    var temporaryAid: TemporaryAidReport?

    init(_ d: Determination, in householdCase: HouseholdCase) {
        programme = d.programme.rawValue
        member = d.member?.uuidString.lowercased()
        memberName = d.member.flatMap { householdCase.member($0)?.name }
        status = d.status.rawValue
        eligible = d.status.qualifies
        monthlyAmountFen = d.monthlyAmount.fen
        coveredPersons = d.coveredPersons
        priority = d.priority
        clauses = d.clauses
        steps = d.steps.map(\.line)
        temporaryAid = d.temporaryAid.map(TemporaryAidReport.init)
    }

    enum CodingKeys: String, CodingKey {
        case programme, member, memberName, status, eligible, monthlyAmountFen, coveredPersons, priority
        case clauses, steps, temporaryAid
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(programme, forKey: .programme)
        try c.encode(member, forKey: .member)
        try c.encode(memberName, forKey: .memberName)
        try c.encode(status, forKey: .status)
        try c.encode(eligible, forKey: .eligible)
        try c.encode(monthlyAmountFen, forKey: .monthlyAmountFen)
        try c.encode(coveredPersons, forKey: .coveredPersons)
        try c.encode(priority, forKey: .priority)
        try c.encode(clauses, forKey: .clauses)
        try c.encode(steps, forKey: .steps)
        try c.encode(temporaryAid, forKey: .temporaryAid)
    }
}

/// What the policy says about a temporary-aid application (§3.6), in the `--json` output.
struct TemporaryAidReport: Encodable {
    var minimumPerPersonFen: Int64
    var maximumPerPersonFen: Int64?
    var requestedPerPersonFen: Int64?
    var persons: Int
    var requestedTotalFen: Int64?
    var authority: String
    var aidFirst: Bool
    var meansTestRequired: Bool
    var reserveFundEligible: Bool

    init(_ f: TemporaryAidFinding) {
        minimumPerPersonFen = f.minimumPerPerson.fen
        maximumPerPersonFen = f.maximumPerPerson?.fen
        requestedPerPersonFen = f.requestedPerPerson?.fen
        persons = f.persons
        requestedTotalFen = f.requestedPerPerson?.times(f.persons)?.fen
        authority = f.authority.rawValue
        aidFirst = f.aidFirst
        meansTestRequired = f.meansTestRequired
        reserveFundEligible = f.reserveFundEligible
    }

    enum CodingKeys: String, CodingKey {
        case minimumPerPersonFen, maximumPerPersonFen, requestedPerPersonFen, persons, requestedTotalFen
        case authority, aidFirst, meansTestRequired, reserveFundEligible
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minimumPerPersonFen, forKey: .minimumPerPersonFen)
        try c.encode(maximumPerPersonFen, forKey: .maximumPerPersonFen)
        try c.encode(requestedPerPersonFen, forKey: .requestedPerPersonFen)
        try c.encode(persons, forKey: .persons)
        try c.encode(requestedTotalFen, forKey: .requestedTotalFen)
        try c.encode(authority, forKey: .authority)
        try c.encode(aidFirst, forKey: .aidFirst)
        try c.encode(meansTestRequired, forKey: .meansTestRequired)
        try c.encode(reserveFundEligible, forKey: .reserveFundEligible)
    }
}
