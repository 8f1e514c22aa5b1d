import DoudiModel
import DoudiText
import Foundation

/// `doudi roll MONTH --json`: the roll for scripts — every line with its reference, ID and
/// account numbers masked, money in integer fen — with what kept lines off it and the files
/// written.
struct RollReport: Encodable {
    struct Line: Encodable {
        var number: Int
        var reference: String
        var town: String
        var village: String
        var household: String
        var payee: String
        var residentID: String
        var accountNumber: String
        var bank: String
        var programme: String
        var item: String
        var persons: Int
        var basicFen: Int64
        var classifiedAidFen: Int64
        var totalFen: Int64
        var remark: String
        /// The failed bank return a 补发 line pays again (short id).
        @Nullable var carries: String?
    }

    struct Total: Encodable {
        var town: String
        var programme: String
        var households: Int
        var persons: Int
        var amountFen: Int64
    }

    struct File: Encodable {
        var kind: String
        var path: String
    }

    var month: String
    var title: String
    var issuer: String
    var preparedOn: String
    var policy: String
    var lines: [Line]
    var totals: [Total]
    var households: Int
    var persons: Int
    var grandTotalFen: Int64
    /// References of the lines whose household has no 一卡通 account (no bank file is written).
    var missingAccounts: [String]
    /// One-off payments of the month not on the roll (short ids).
    var unplacedPayments: [String]
    /// Enrolments not paid: voided household without 停保, gradual exit ended (short ids).
    var suspended: [String]
    var withheld: [String]
    /// Failed bank returns due on this roll whose household is not here (references).
    var unplacedReturns: [String]
    /// References of lines the bank's answers contradict (paid and failed): no bank file is written.
    var contradictions: [String]
    var files: [File] = []

    init(_ roll: PaymentRoll, policy: String) {
        month = roll.month.iso; title = roll.title; issuer = roll.issuer; preparedOn = roll.preparedOn.iso; self.policy = policy
        lines = roll.lines.map { l in
            Line(number: l.number, reference: l.reference, town: l.townName, village: l.villageName, household: Labels.short(l.household),
                 payee: l.payeeName, residentID: l.residentIDText(masked: true), accountNumber: l.accountNumberText(masked: true),
                 bank: l.account?.bank ?? "", programme: l.programme.rawValue, item: l.itemName, persons: l.persons,
                 basicFen: l.basic.fen, classifiedAidFen: l.classifiedAid.fen, totalFen: l.total.fen, remark: l.remark,
                 carries: l.carried.map(Labels.short))
        }
        totals = roll.totals.map { Total(town: $0.townName, programme: $0.programme.rawValue, households: $0.households, persons: $0.persons, amountFen: $0.amount.fen) }
        households = roll.households; persons = roll.persons; grandTotalFen = roll.grandTotal.fen
        missingAccounts = roll.missingAccounts.map(\.reference)
        unplacedPayments = roll.unplaced.map { Labels.short($0.id) }
        suspended = roll.suspended.map { Labels.short($0.id) }
        withheld = roll.withheld.map { Labels.short($0.id) }
        unplacedReturns = roll.unplacedReturns.map(\.reference)
        contradictions = roll.contradictions.map { $0[0].reference }
    }
}

/// `doudi roll reconcile FILE --json`: what the bank's answer recorded.
struct ReconcileReport: Encodable {
    struct Failure: Encodable {
        var reference: String
        var household: String
        var payee: String
        var item: String
        var amountFen: Int64
        var reason: String
        @Nullable var carryTo: String?
    }

    var format: String
    var file: String
    var paid: Int
    var paidFen: Int64
    var failed: Int
    var failedFen: Int64
    var alreadyRecorded: Int
    var failures: [Failure]
    /// The change set that recorded the answers (none when everything was recorded before).
    @Nullable var changeSet: String?
}
