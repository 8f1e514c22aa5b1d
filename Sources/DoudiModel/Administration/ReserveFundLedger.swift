import Foundation

/// A town's reserve fund (临时救助备用金, §3.6.5): its ledger and the balance derived from it.
///
/// The balance is never stored: it is the sum of the entries' ``ReserveFundEntry/signedAmount``
/// (allocations and replenishments in, draws out). A draw that would take it below zero is
/// refused where it is made; two offline laptops that both drew are flagged by the merge.
public struct ReserveFundLedger: Hashable, Sendable {
    /// The town (9-digit code).
    public var town: OrgCode
    /// The town's entries, oldest first; entries of other towns are left out.
    public var entries: [ReserveFundEntry]

    /// A ledger from entries (those of other towns are ignored), ordered by date.
    public init(town: OrgCode, entries: [ReserveFundEntry]) {
        self.town = town
        self.entries = entries.filter { $0.town == town }.enumerated()
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
    }

    /// The balance: allocations and replenishments less draws.
    public var balance: Money { entries.reduce(.zero) { $0 + $1.signedAmount } }

    /// Total allocated and replenished.
    public var allocated: Money { entries.filter { $0.kind != .draw }.reduce(.zero) { $0 + $1.amount } }

    /// Total drawn.
    public var drawn: Money { entries.filter { $0.kind == .draw }.reduce(.zero) { $0 + $1.amount } }

    /// The allocation §3.6.5 sets for a town: the policy's amount per resident × the town's population.
    public static func allocation(population: Int, policy: PolicyVersion) -> Money {
        policy.reserveFund.perResident * population
    }

    /// Checks that a draw fits the balance.
    ///
    /// - Throws: ``ModelError`` saying the balance and what to do when `amount` exceeds it.
    public func checkDraw(_ amount: Money) throws(ModelError) {
        guard amount <= balance else {
            throw ModelError(.invalidValue, field: "amount",
                             "drawing \(amount.yuanText) would overdraw town \(town)'s reserve fund (备用金 balance \(balance.yuanText), §3.6.5): pay at most \(max(balance, .zero).yuanText) first, or ask the district to replenish the fund")
        }
    }
}
