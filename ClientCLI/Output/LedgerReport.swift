import DoudiModel
import Foundation

/// `doudi ledger --json`: each town's ledger (台账, §4.2) for scripts, money in integer fen
/// (income rounded half up to the fen, as printed), shares as printed (`37.5%`, `—`).
struct LedgerReport: Encodable {
    struct Group: Encodable {
        var group: String
        var name: String
        var households: Int
        var persons: Int
        var monthlyIncomeFen: Int64
        var shares: [String: String]
    }

    struct ProgrammeRow: Encodable {
        var programme: String
        var name: String
        var households: Int
        var persons: Int
        var monthlyAmountFen: Int64
        /// 已到账: answered paid by the bank (every roll so far).
        var bankPaidFen: Int64
        /// 未到账: answered failed and still owed.
        var bankUnpaidFen: Int64
    }

    struct Town: Encodable {
        var town: String
        var name: String
        var title: String
        var asOf: String
        var groups: [Group]
        var programmes: [ProgrammeRow]
        var childrenInDifficulty: Int
        var childrenTarget: Int
    }

    var towns: [Town]
    var files: [RollReport.File] = []

    init(_ ledgers: [TownLedger]) {
        towns = ledgers.map { l in
            Town(town: l.town.value, name: l.townName, title: l.title, asOf: l.asOf.iso,
                 groups: l.groups.map { g in
                     Group(group: g.group.rawValue, name: g.group.chineseName, households: g.households, persons: g.persons,
                           monthlyIncomeFen: g.monthlyIncomeRounded.fen,
                           shares: Dictionary(uniqueKeysWithValues: IncomeKind.allCases.map { ($0.rawValue, g.share(of: $0) ?? "—") }))
                 },
                 programmes: l.programmes.map { p in
                     ProgrammeRow(programme: p.programme.rawValue, name: p.programme.chineseName, households: p.households, persons: p.persons,
                                  monthlyAmountFen: p.monthlyAmount.fen, bankPaidFen: p.bankPaid.fen, bankUnpaidFen: p.bankUnpaid.fen)
                 },
                 childrenInDifficulty: l.childrenInDifficulty.total, childrenTarget: l.childrenInDifficulty.target)
        }
    }
}
