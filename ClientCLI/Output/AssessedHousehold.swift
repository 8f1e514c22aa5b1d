import DoudiModel

/// One household document with its assessment, as the output writers see it.
struct AssessedHousehold {
    /// The file, as the user named it.
    var document: String
    var householdCase: HouseholdCase
    var assessment: Assessment
}
