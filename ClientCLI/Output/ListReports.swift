import DoudiModel
import DoudiText
import Foundation

/// `doudi fund show --json`: each town's reserve fund (备用金, §3.6.5), money in integer fen.
struct FundReport: Encodable {
    struct Entry: Encodable {
        var date: String
        var kind: String
        var amountFen: Int64
        @Nullable var application: String?
        @Nullable var note: String?
    }

    struct Town: Encodable {
        var town: String
        var name: String
        var balanceFen: Int64
        var allocatedFen: Int64
        var drawnFen: Int64
        var entries: [Entry]
    }

    var towns: [Town] = []

    mutating func add(_ fund: ReserveFundLedger, town: OrgCode, name: String) {
        towns.append(Town(town: town.value, name: name, balanceFen: fund.balance.fen, allocatedFen: fund.allocated.fen, drawnFen: fund.drawn.fen,
                          entries: fund.entries.map {
                              Entry(date: $0.date.iso, kind: $0.kind.rawValue, amountFen: $0.signedAmount.fen,
                                    application: $0.application.map(Labels.short), note: $0.note)
                          }))
    }
}

/// `doudi enrolment list HOUSEHOLD --json`: a household's enrolments, past and present.
struct EnrolmentListReport: Encodable {
    struct Row: Encodable {
        var enrolment: String
        var programme: String
        var name: String
        /// The person, or 全户 for the household.
        var covers: String
        var monthlyAmountFen: Int64
        var start: String
        @Nullable var end: String?
        @Nullable var gradualExitStart: String?
    }

    var household: String
    var enrolments: [Row]

    init(_ c: HouseholdCase) {
        household = Labels.short(c.household.id)
        enrolments = c.enrolments.map { e in
            Row(enrolment: Labels.short(e.id), programme: e.programme.rawValue, name: e.programme.chineseName,
                covers: e.member.flatMap { m in c.members.first { $0.id == m }?.name } ?? "全户",
                monthlyAmountFen: e.monthlyAmount.fen, start: e.start.iso, end: e.end?.iso, gradualExitStart: e.gradualExitStart?.iso)
        }
    }
}

/// `doudi notice sheet --json`: the notice sheet's rows as printed (ID numbers masked).
struct NoticeSheetReport: Encodable {
    @Nullable var title: String?
    @Nullable var postedOn: String?
    @Nullable var through: String?
    var columns: [String] = NoticeSheet.columns
    /// Each row keyed by its column title.
    var rows: [[String: String]] = []
    var files: [RollReport.File] = []

    init() {}

    init(_ sheet: NoticeSheet, postedOn: Day, through: Day) {
        title = sheet.title; self.postedOn = postedOn.iso; self.through = through.iso
        rows = sheet.rows.map { Dictionary(zip(NoticeSheet.columns, $0), uniquingKeysWith: { a, _ in a }) }
    }
}

/// `doudi policy list --json`: the policy versions the store holds, and which is in force.
struct PolicyListReport: Encodable {
    struct Version: Encodable {
        var id: String
        var title: String
        var effectiveFrom: String
        var dibaoStandardFen: Int64
        var tekunStandardFen: Int64
        var inForce: Bool
    }

    var day: String
    @Nullable var inForce: String?
    var versions: [Version]
}
