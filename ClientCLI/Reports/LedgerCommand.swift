import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi ledger`: the town ledger (台账, §4.2) per group, with income shares, and the programme summary.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "台账 Each town's ledger per group (§4.2): households, persons, income and its shares; a summary per programme; children in difficulty against the district's target (§3.3.1).")
    @Option(help: ArgumentHelp("镇 9-digit town code (default: every town in your jurisdiction).", valueName: "town")) var town: String?
    @Option(help: ArgumentHelp("截至日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @Option(help: ArgumentHelp("Write CSV (UTF-8 with BOM) here; with several towns, one after another.", valueName: "file")) var csv: String?
    @Option(help: ArgumentHelp("Write an Excel workbook (.xlsx) here: one sheet per table (分类台账, 项目汇总, 困境儿童, 说明), a 乡镇 column first, numbers as numbers.", valueName: "file")) var xlsx: String?
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    /// `本镇困境儿童 12 人（孤儿 2，…），全区目标 1450 人 §3.3.1`; for the district, with the share of the target.
    static func childrenLine(_ c: ChildrenInDifficulty, scope: String) -> String {
        let share = scope == "全区" ? "，完成 \(c.shareOfTarget ?? "—")" : ""
        return "\(scope)\(c.breakdown)，全区目标 \(c.target) 人\(share) §3.3.1"
    }

    func run() throws {
        try reportingFailures { try output.report { () throws -> LedgerReport in
            let store = try storeOptions.open()
            let org = try ReportScope.org(town, store: store)
            let day = try Parse.day(date)
            let policy = try ApplySubmitCommand.policy(store, on: day)
            let tree = try store.orgTree()
            // voided households too: the bank's answers for what they were paid count (the ledger's groups leave them out)
            let cases = try store.householdCases(within: org, includingVoided: true)
            let returns = try store.bankReturns(within: org)
            var text = ""
            var ledgers: [TownLedger] = []
            for code in ReportScope.towns(within: org, cases: cases) {
                let ledger = TownLedger(town: code, cases: cases, policy: policy, asOf: day, org: tree, bankReturns: returns)
                ledgers.append(ledger)
                print(ledger.title)
                var groups = Table(["类别", "户数", "人数", "月收入合计"] + IncomeKind.allCases.map { $0.chineseName + "占比" }, rightAligned: Set(1...(3 + IncomeKind.allCases.count)), indent: 2)
                for g in ledger.groups {
                    groups.append([g.group.chineseName, "\(g.households)", "\(g.persons)", g.monthlyIncomeRounded.yuanText]
                                  + IncomeKind.allCases.map { g.share(of: $0) ?? "—" })
                }
                print(groups.render(), terminator: "")
                var programmes = Table(["项目", "户数", "人数", "月发放金额", "已到账", "未到账"], rightAligned: [1, 2, 3, 4, 5], indent: 2)
                for p in ledger.programmes {
                    programmes.append([p.programme.chineseName, "\(p.households)", "\(p.persons)", p.monthlyAmount.yuanText,
                                       p.bankPaid.yuanText, p.bankUnpaid.yuanText])
                }
                print(programmes.render(), terminator: "")
                print("  " + Self.childrenLine(ledger.childrenInDifficulty, scope: "本镇"))
                let part = ledger.csv()
                text += text.isEmpty ? part : String(part.drop { String($0) == CSVText.byteOrderMark }) + "\r\n"
            }
            if org.level == .district {
                // §3.3.1: the target is the district's; its report counts every town together
                let children = ChildrenInDifficulty(cases: cases.filter { $0.household.status.isActive }, policy: policy, asOf: day)
                print("\(ReportScope.name(org, tree))（截至 \(day.iso)）" + Self.childrenLine(children, scope: "全区"))
            }
            var report = LedgerReport(ledgers)
            if let csv, !text.isEmpty {
                try ReportScope.write(text, to: csv, what: "台账 ledger (CSV)")
                report.files.append(.init(kind: "csv", path: csv))
            }
            if let xlsx, !ledgers.isEmpty {
                do { try TownLedger.writeXLSX(ledgers, to: URL(fileURLWithPath: xlsx)) } catch { throw CommandFailure("cannot write 台账 ledger (xlsx): \(error)") }
                print("已写入 Wrote 台账 ledger (xlsx): \(xlsx)")
                report.files.append(.init(kind: "xlsx", path: xlsx))
            }
            return report
        } }
    }
}
