import DoudiModel
import Foundation
import GRDB

extension FieldStore {
    /// The bank returns (银行回盘) of the households within `org`, not voided, oldest first.
    public func bankReturns(within org: OrgCode) throws -> [BankReturn] {
        try database.writer.read { db in
            try BankReturn.fetchAll(db, sql: """
                SELECT b.* FROM bankReturn b JOIN household h ON h.id = b.household
                WHERE b.voidReason IS NULL AND substr(h.village, 1, ?) = ? ORDER BY b.recordedOn, b.rowid
                """, arguments: [org.value.count, org.value])
        }
    }

    /// The standing bank return (not voided) of a roll line, by its reference (upper case).
    public func bankReturn(reference: String) throws -> BankReturn? {
        try database.writer.read { db in
            try BankReturn.fetchOne(db, sql: "SELECT * FROM bankReturn WHERE reference = ? AND voidReason IS NULL ORDER BY recordedOn, id LIMIT 1",
                                    arguments: [reference])
        }
    }

    /// The payment roll of `month` within `org` as this laptop's records make it: every household
    /// (voided ones too: they are paid through a decided end), the month's one-off payments, the
    /// bank's answers so far (failures carried into this month), the policy in force for the roll.
    /// The roll the bank was sent and the one its answer is matched against are made here alike.
    public func paymentRoll(month: YearMonth, within org: OrgCode, issuer: String, preparedOn: Day) throws -> (roll: PaymentRoll, policy: PolicyVersion) {
        let policy = try policyBook().inForce(forRollOf: month)
        let roll = PaymentRoll(month: month, cases: try householdCases(within: org, includingVoided: true), oneOffPayments: try payments(in: month),
                               bankReturns: try bankReturns(within: org), policy: policy, org: try orgTree(), issuer: issuer, preparedOn: preparedOn)
        return (roll, policy)
    }

    /// 作废回盘: voids every standing answer of the line `reference` (two laptops may each have
    /// recorded it). Refused when a failure's 补发 line has been answered itself: that money went
    /// out again, and re-reading the first answer as paid would count it twice.
    func voidBankAnswer(_ reference: String, reason: String, _ r: inout ChangeRecorder) throws {
        guard EntityKind.bankReturn.writers.contains(r.author.role) else {
            throw FieldError(.forbidden, "the bank's answers are withdrawn by the town or the district that records them")
        }
        let answers = try BankReturn.fetchAll(r.db, sql: "SELECT * FROM bankReturn WHERE reference = ? AND voidReason IS NULL", arguments: [reference])
        guard !answers.isEmpty else {
            throw FieldError(.notFound, field: "reference", "no bank answer is recorded for line \(reference) on this laptop: check the reference (doudi roll MONTH --json lists them), or sync first")
        }
        let answered = try r.db.cachedStatement(sql: "SELECT recordedOn FROM bankReturn WHERE reference = ? AND voidReason IS NULL")
        for a in answers {
            if let carry = a.carryReference, let day = try String.fetchOne(answered, arguments: [carry]) {
                throw FieldError(.validation, field: "reference", "line \(reference)'s failure was paid again on the \(a.carryTo.map(\.description) ?? "") roll (line \(carry)), whose answer was recorded \(day): withdraw that answer first, or leave this one")
            }
        }
        for a in answers { try r.void(BankReturn.self, id: a.id, reason: reason) }
    }

    /// 回盘: records the bank's answers, each line once. A reference already answered is refused
    /// (``BankReconciliation`` leaves such answers out, so this is a second writer's race).
    func recordBankReturns(_ returns: [BankReturn], _ r: inout ChangeRecorder) throws {
        guard !returns.isEmpty else {
            throw FieldError(.validation, field: "bankReturns", "the bank's file answers no line not yet recorded: nothing to record")
        }
        guard EntityKind.bankReturn.writers.contains(r.author.role) else {
            throw FieldError(.forbidden, "the bank's answers are recorded by the town or the district; this device's user is a \(r.author.role.rawValue)")
        }
        let answered = try r.db.cachedStatement(sql: "SELECT recordedOn FROM bankReturn WHERE reference = ? AND voidReason IS NULL")
        for b in returns {
            guard try Household.exists(r.db, id: b.household) else {
                throw FieldError(.notFound, field: "household", "household \(Self.shortID(b.household)) of line \(b.reference) is not on this laptop: sync first")
            }
            if let day = try String.fetchOne(answered, arguments: [b.reference]) {
                throw FieldError(.duplicate, field: "reference", "line \(b.reference) was answered already (recorded \(day)): nothing recorded")
            }
            try r.create(b)
        }
    }
}
