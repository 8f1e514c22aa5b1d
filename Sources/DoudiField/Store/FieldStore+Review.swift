import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// An open application with its household, as the town's review queue lists it.
public struct CaseInReview: Hashable, Sendable {
    public var application: Application
    public var workflow: ApplicationWorkflow
    /// The applicant household with its members, surveys and enrolments.
    public var householdCase: HouseholdCase
}

/// What the town and the district read: review queues, the reserve fund, the cases of a
/// town for rolls, ledgers and notices, and one-off payments.
extension FieldStore {
    /// Applications not voided whose workflow is at one of `stages`, oldest application first.
    public func cases(at stages: Set<ApplicationWorkflow.Stage>) throws -> [CaseInReview] {
        try database.writer.read { db in
            let applications = try Application.fetchAll(db, sql: "SELECT * FROM application WHERE voidReason IS NULL ORDER BY date, rowid")
            var out: [CaseInReview] = []
            for a in applications {
                guard let w = try ApplicationWorkflow.fetchOne(db, key: a.id), stages.contains(w.stage) else { continue }
                out.append(CaseInReview(application: a, workflow: w, householdCase: try Self.householdCase(a.household, db, keys: keys)))
            }
            return out
        }
    }

    /// One application with its workflow and household.
    public func caseInReview(_ application: UUID) throws -> CaseInReview {
        try database.writer.read { db in
            guard let a = try Application.active(db, id: application), let w = try ApplicationWorkflow.fetchOne(db, key: application) else {
                throw FieldError(.notFound, field: "application", "no open application \(application) in this store")
            }
            return CaseInReview(application: a, workflow: w, householdCase: try Self.householdCase(a.household, db, keys: keys))
        }
    }

    /// One-off payments (temporary aid) for a month, not voided.
    public func payments(in month: YearMonth) throws -> [Payment] {
        try database.writer.read { db in
            try Payment.fetchAll(db, sql: "SELECT * FROM payment WHERE voidReason IS NULL AND month = ? ORDER BY paidOn, rowid",
                                 arguments: [month.description])
        }
    }

    /// A town's reserve-fund ledger, as far as this store has synced.
    public func reserveFund(town: OrgCode) throws -> ReserveFundLedger {
        try database.writer.read { db in try Self.reserveFund(town: town, db) }
    }

    /// The towns whose reserve-fund entries this store holds.
    public func reserveFundTowns() throws -> [OrgCode] {
        try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT town FROM reserveFundEntry WHERE voidReason IS NULL ORDER BY town").map { try OrgCode($0) }
        }
    }

    /// Decisions on an application, oldest first.
    public func decisions(on application: UUID) throws -> [Decision] {
        try database.writer.read { db in
            try Decision.fetchAll(db, sql: "SELECT * FROM decision WHERE application = ? AND voidReason IS NULL ORDER BY date, rowid",
                                  arguments: [application.uuidString])
        }
    }
}
