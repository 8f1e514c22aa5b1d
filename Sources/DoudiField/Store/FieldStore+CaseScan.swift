import DoudiModel
import Foundation
import GRDB

/// Reading every household of an area at once, for reports that assess a whole district.
extension FieldStore {
    /// Every household (voided ones left out) whose village lies within `org`, with its
    /// records, read **table by table**: one query per kind of record for the whole area,
    /// not six per household. The cases are the same, in the same order (by village, then as
    /// stored), each household's records in the order ``householdCase(_:)`` gives them.
    /// `doudi ledger`, `roll`, `due` and `policy what-if` read their areas so.
    ///
    /// For reports over ~30,000 households, where decoding the records costs more than
    /// anything done with them: a large area is read in slices at once, each on its own reader
    /// of the store's pool.
    ///
    /// - Parameters:
    ///   - org: the district, a town or a village.
    ///   - includingVoided: voided households (注销) too: a payment roll pays them through the
    ///     last month a stop-payment decision (停保) gave. Their voided records stay left out.
    ///   - parts: the number of slices; nil: one per processor, at most 4, of at least 2,000 households each.
    ///
    /// - Throws: ``FieldError/locked`` while the store is locked (sealed fields).
    public func householdCases(within org: OrgCode, includingVoided: Bool = false, parts: Int? = nil) throws -> [HouseholdCase] {
        let order = try database.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM household WHERE (? OR voidReason IS NULL) AND substr(village, 1, ?) = ? ORDER BY village, rowid
                """, arguments: [includingVoided, org.value.count, org.value])
        }
        let slices = max(1, parts ?? min(ProcessInfo.processInfo.activeProcessorCount, 4, order.count / 2_000))
        let results = SliceResults(count: slices)
        let keys = keys, writer = database.writer
        DispatchQueue.concurrentPerform(iterations: slices) { k in
            results[k] = Result { try writer.read { db in try Self.scan(db, org: org, includingVoided: includingVoided, slice: k, of: slices, keys: keys) } }
        }
        var byID: [String: HouseholdCase] = [:]
        byID.reserveCapacity(order.count)
        for k in 0..<slices {
            for c in try results[k].get() { byID[c.household.id.uuidString] = c }
        }
        return order.compactMap { byID[$0] }
    }

    /// The households of one slice (`rowid % slices == slice`) within `org`, in one read.
    static func scan(_ db: Database, org: OrgCode, includingVoided: Bool, slice: Int, of slices: Int, keys: StoreKeys?) throws -> [HouseholdCase] {
        let standing = includingVoided ? "" : "h.voidReason IS NULL AND "
        let area = "\(standing)substr(h.village, 1, \(org.value.count)) = ? AND h.rowid % \(slices) = \(slice)"
        let households = try Household.fetchAll(db, sql: """
            SELECT h.* FROM household h WHERE \(area) ORDER BY h.village, h.rowid
            """, arguments: [org.value], keys: keys)
        func children<R: StoredRecord>(_ type: R.Type, order: String) throws -> [UUID: [R]] {
            let records = try R.fetchAll(db, sql: """
                SELECT c.* FROM "\(R.databaseTableName)" c JOIN household h ON h.id = c.household
                WHERE c.voidReason IS NULL AND \(area) ORDER BY \(order)
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

/// The slices' results, written by the threads that read them.
private final class SliceResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[HouseholdCase], any Error>]

    init(count: Int) { results = Array(repeating: .success([]), count: count) }

    subscript(k: Int) -> Result<[HouseholdCase], any Error> {
        get { lock.lock(); defer { lock.unlock() }; return results[k] }
        set { lock.lock(); defer { lock.unlock() }; results[k] = newValue }
    }
}
