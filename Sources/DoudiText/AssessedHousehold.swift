import DoudiModel

/// One household document with its assessment, as the output writers see it.
public struct AssessedHousehold: Sendable {
    /// The file, as the user named it.
    public var document: String
    public var householdCase: HouseholdCase
    public var assessment: Assessment

    public init(document: String, householdCase: HouseholdCase, assessment: Assessment) {
        self.document = document; self.householdCase = householdCase; self.assessment = assessment
    }
}