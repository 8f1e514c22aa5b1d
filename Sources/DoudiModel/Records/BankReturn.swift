import Foundation

/// 银行回盘: what the bank answered for one line of a payment roll — paid into the account,
/// or failed with the bank's reason (账户已销户, 户名不符 …).
///
/// Append-only, written by the town (or the district) when it reconciles the bank's result
/// file (`doudi roll reconcile`, ``BankReconciliation``). A failed line is owed: the roll of
/// ``carryTo`` pays it again, once (``PaymentRoll``), on the household's account as it is then
/// (so a corrected account is used). The ledger counts paid and unpaid from these records.
public struct BankReturn: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The household paid.
    public var household: UUID
    /// The member paid (领款人), if the line named one.
    public var member: UUID?
    /// 补贴项目 of the line.
    public var programme: Programme
    /// The roll the line was on (the batch sent to the bank).
    public var rollMonth: YearMonth
    /// 发放年月 of the money: ``rollMonth`` for a line of the month, the original month for
    /// a line that pays a failed one again.
    public var month: YearMonth
    /// 业务流水号: the line's reference in the batch (``PaymentRoll/Line/reference``).
    public var reference: String
    /// 金额合计 of the line.
    public var amount: Money
    /// 回盘结果
    public var outcome: Outcome
    /// 失败原因, as the bank gave it (for a failure).
    public var reason: String?
    /// For a failure: the month whose roll pays it again (补发), normally the next one.
    public var carryTo: YearMonth?
    /// 回盘日期: the day the result was recorded.
    public var recordedOn: Day
    /// The bank's result file it came from (its name), for the audit trail.
    public var batch: String?

    /// 成功 / 失败
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case paid, failed

        /// 已到账 / 未到账
        public var chineseName: String {
            switch self {
            case .paid: "已到账"
            case .failed: "未到账"
            }
        }
    }

    public init(id: UUID, household: UUID, member: UUID? = nil, programme: Programme, rollMonth: YearMonth,
                month: YearMonth, reference: String, amount: Money, outcome: Outcome, reason: String? = nil,
                carryTo: YearMonth? = nil, recordedOn: Day, batch: String? = nil) {
        self.id = id; self.household = household; self.member = member; self.programme = programme
        self.rollMonth = rollMonth; self.month = month; self.reference = reference; self.amount = amount
        self.outcome = outcome; self.reason = reason; self.carryTo = carryTo; self.recordedOn = recordedOn; self.batch = batch
    }

    /// For a failure: the reference of the 补发 line that pays it again on the roll of ``carryTo``.
    public var carryReference: String? {
        guard outcome == .failed, let carryTo else { return nil }
        return PaymentRoll.reference(month: carryTo, identity: PaymentRoll.carryIdentity(self))
    }

    /// True for a failure paid again on the roll of `month`.
    public func isCarried(into month: YearMonth) -> Bool { outcome == .failed && carryTo == month }

    /// Lines answered both paid and failed (on two laptops, before they synced): each group the
    /// answers of one reference, ordered by reference. One of them is wrong — the bank knows which;
    /// the wrong one is voided (`doudi roll void-return`). Until then ``standing(_:)`` keeps the earliest.
    public static func contradictions(_ returns: [BankReturn]) -> [[BankReturn]] {
        Dictionary(grouping: returns, by: \.reference).values
            .filter { Set($0.map(\.outcome)).count > 1 }
            .map { $0.sorted { ($0.recordedOn, $0.id.uuidString) < ($1.recordedOn, $1.id.uuidString) } }
            .sorted { $0[0].reference < $1[0].reference }
    }

    /// The answers that stand: one per line reference — the earliest recorded (then the smallest
    /// id), whatever order they come in. Two laptops that read the same result file before
    /// syncing record the same line twice; the roll carries it and the ledger counts it once.
    public static func standing(_ returns: [BankReturn]) -> [BankReturn] {
        var first: [String: BankReturn] = [:]
        for r in returns {
            if let kept = first[r.reference], (kept.recordedOn, kept.id.uuidString) <= (r.recordedOn, r.id.uuidString) { continue }
            first[r.reference] = r
        }
        return first.values.sorted { ($0.recordedOn, $0.reference) < ($1.recordedOn, $1.reference) }
    }
}

extension BankReturn: ValidatedRecord {
    public func validate() throws(ModelError) {
        try requireText(reference, "reference", "the line's reference (业务流水号)")
        guard !amount.isNegative, amount != .zero else {
            throw ModelError(.invalidValue, field: "amount", "a returned line pays more than 0 (\(amount.yuanText))")
        }
        guard month <= rollMonth else {
            throw ModelError(.invalidValue, field: "month", "the money's month \(month) is after the roll's \(rollMonth)")
        }
        switch outcome {
        case .paid:
            guard carryTo == nil else {
                throw ModelError(.invalidValue, field: "carryTo", "a paid line is not paid again: leave carryTo out")
            }
        case .failed:
            try requireText(reason ?? "", "reason", "the bank's reason for a failed payment")
            guard let carryTo else {
                throw ModelError(.missingValue, field: "carryTo", "a failed payment names the month whose roll pays it again")
            }
            guard carryTo > rollMonth else {
                throw ModelError(.invalidValue, field: "carryTo", "a failed payment of the \(rollMonth) roll is paid again on a later roll, not \(carryTo)")
            }
        }
    }
}
