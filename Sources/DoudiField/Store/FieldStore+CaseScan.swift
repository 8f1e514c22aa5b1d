import DoudiModel
import Foundation
import GRDB

/// Reading every household of an area at once, for reports that assess a whole district.
extension FieldStore {
    /// Every household (voided ones left out) whose village lies within `org`, with its
    /// records, read **table by table**: one query per kind of record for the whole area,
    /// instead of six queries per household as ``householdCases(within:includingVoided:)``
    /// makes. The cases are the same, in the same order (by village, then as stored), each
    /// household's records in the order ``householdCase(_:)`` gives them.
    ///
    /// For reports over ~30,000 households (`doudi policy what-if`): the per-household reads
    /// cost more than assessing them.
    ///
    /// - Throws: ``FieldError/locked`` while the store is locked (sealed fields).
    public func householdCasesScanned(within org: OrgCode) throws -> [HouseholdCase] {
        try database.writer.read { db in
            let area = "substr(h.village, 1, \(org.value.count)) = ?"
            let households = try Household.fetchAll(db, sql: """
                SELECT h.* FROM household h WHERE h.voidReason IS NULL AND \(area) ORDER BY h.village, h.rowid
                """, arguments: [org.value], keys: keys)
            func children<R: StoredRecord>(_ type: R.Type, order: String) throws -> [UUID: [R]] {
                let records = try R.fetchAll(db, sql: """
                    SELECT c.* FROM "\(R.databaseTableName)" c JOIN household h ON h.id = c.household
                    WHERE c.voidReason IS NULL AND h.voidReason IS NULL AND \(area) ORDER BY \(order)
                    """, arguments: [org.value], keys: keys)
                return Dictionary(grouping: records) { $0.householdID ?? HouseholdCase.unassigned }
            }
            let members = try children(Member.self, order: "c.rowid")
            let obligors = try children(SupportObligor.self, order: "c.rowid")
            let surveys = try children(Survey.self, order: "c.date, c.rowid")
            let enrolments = try children(Enrolment.self, order: "c.start, c.rowid")
            let applications = try children(Application.self, order: "c.date, c.rowid")
            return households.map { h in
                HouseholdCase(household: h, members: (members[h.id] ?? []).sorted(by: Member.registerOrder),
                              obligors: obligors[h.id] ?? [], surveys: surveys[h.id] ?? [],
                              enrolments: enrolments[h.id] ?? [], applications: applications[h.id] ?? [])
            }
        }
    }
}
