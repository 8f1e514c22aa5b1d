import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// The town's and the district's actions: what a workflow step writes besides the workflow,
/// the reserve fund, policy publication and enrolment reviews. The rules are DoudiModel's
/// (``StepRecords``, ``ReserveFundLedger``, ``DibaoReview``); this file only reads and writes.
extension FieldStore {
    /// Writes the records the workflow's last step brings: decision, enrolments, payment,
    /// reserve-fund draw. A draw beyond the town's balance is refused here (§3.6.5).
    func recordStep(_ workflow: ApplicationWorkflow, policy: PolicyVersion, _ r: inout ChangeRecorder) throws {
        let db = r.db
        guard let application = try Application.active(db, id: workflow.application) else {
            throw FieldError(.notFound, field: "application", "application \(workflow.application) is not in this store (or was voided)")
        }
        let householdCase = try Self.householdCase(application.household, db, keys: r.keys)
        let records: StepRecords
        do {
            records = try StepRecords(after: workflow, application: application, householdCase: householdCase, policy: policy, makeID: makeID)
        } catch { throw FieldError(error) }
        for entry in records.reserveFundEntries where entry.kind == .draw {
            let fund = try Self.reserveFund(town: entry.town, db)
            do { try fund.checkDraw(entry.amount) } catch { throw FieldError(error) }
        }
        for d in records.decisions { try r.create(d) }
        for e in records.enrolments { try r.create(e) }
        for p in records.payments { try r.create(p) }
        for e in records.reserveFundEntries { try r.create(e) }
    }

    /// The district allocates or replenishes a town's fund.
    func fundReserve(_ entry: ReserveFundEntry, _ r: inout ChangeRecorder) throws {
        guard entry.kind.writers.contains(r.author.role) else {
            let how = entry.kind == .draw ? "a draw is made by paying emergency aid first (doudi review pay-first)" : "the district allocates and replenishes reserve funds (§3.6.5)"
            throw FieldError(.forbidden, "a \(r.author.role.rawValue) cannot record a reserve-fund \(entry.kind.chineseName): \(how)")
        }
        guard entry.town.level == .town else {
            throw FieldError(.validation, field: "town", "\(entry.town) is not a town (镇/街道) code: give the 9-digit code")
        }
        guard entry.amount > .zero else {
            throw FieldError(.validation, field: "amount", "the amount must be above zero, not \(entry.amount.yuanText)")
        }
        try r.create(entry)
    }

    /// The district publishes a policy version; the versions stored must still form a valid book.
    func publishPolicy(_ policy: PolicyVersion, _ r: inout ChangeRecorder) throws {
        guard r.author.role == .districtOfficer else {
            throw FieldError(.forbidden, "only the district publishes policy versions; this device's user is a \(r.author.role.rawValue)")
        }
        let existing = try PolicyVersion.fetchAll(r.db)
        do { _ = try PolicyBook(existing + [policy]) } catch { throw FieldError(error) }
        try r.publish(policy)
    }

    /// Reviews a household's dibao enrolment after a re-survey (§3.1.5).
    func reviewEnrolment(_ household: UUID, on day: Day, policy: PolicyVersion, _ r: inout ChangeRecorder) throws {
        guard EntityKind.enrolment.writers.contains(r.author.role) else {
            throw FieldError(.forbidden, "enrolments are reviewed by the town; this device's user is a \(r.author.role.rawValue)")
        }
        let householdCase = try Self.householdCase(household, r.db, keys: r.keys)
        let review: DibaoReview
        do { review = try DibaoReview(householdCase: householdCase, policy: policy, on: day) } catch {
            throw FieldError(error)
        }
        guard review.outcome != .unchanged else {
            throw FieldError(.noChange, "the assessment on \(day) keeps the dibao enrolment as it is (\(review.enrolment.monthlyAmount.yuanText) a month): nothing to change")
        }
        try r.update(review.updated)
        for dependent in review.dependents { try r.update(dependent) }
        if let next = review.successor(id: makeID()) { try r.create(next) }
    }

    /// A town's reserve-fund ledger, inside a transaction.
    static func reserveFund(town: OrgCode, _ db: Database) throws -> ReserveFundLedger {
        let entries = try ReserveFundEntry.fetchAll(db, sql: "SELECT * FROM reserveFundEntry WHERE town = ? AND voidReason IS NULL ORDER BY date, rowid",
                                                    arguments: [town.value])
        return ReserveFundLedger(town: town, entries: entries)
    }
}
