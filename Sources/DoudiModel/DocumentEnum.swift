/// An enum written by its identifier in documents and on the wire. A wrong
/// identifier is refused with the identifiers allowed, e.g.
/// `"wife" is not one of: head, spouse, son, …`.
public protocol DocumentEnum: CaseIterable, RawRepresentable, Codable where RawValue == String {}

extension DocumentEnum {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "\"\(raw)\" is not one of: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}

extension HukouType: DocumentEnum {}
extension HouseholdCategory: DocumentEnum {}
extension Housing: DocumentEnum {}
extension PovertyCause: DocumentEnum {}
extension Relation: DocumentEnum {}
extension Employment: DocumentEnum {}
extension LabourCapacity: DocumentEnum {}
extension Health: DocumentEnum {}
extension DisabilityCategory: DocumentEnum {}
extension PersonStatus: DocumentEnum {}
extension LegalSupporterStatus: DocumentEnum {}
extension ParentStatus: DocumentEnum {}
extension Period: DocumentEnum {}
extension IncomeKind: DocumentEnum {}
extension DeductionKind: DocumentEnum {}
extension VisitConclusion: DocumentEnum {}
extension Programme: DocumentEnum {}
extension TemporaryAidType: DocumentEnum {}
extension Hardship: DocumentEnum {}
extension RoundingRule: DocumentEnum {}
extension Role: DocumentEnum {}
extension IncomeTest: DocumentEnum {}
extension DibaoFormula: DocumentEnum {}
extension DecisionOutcome: DocumentEnum {}
