import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi roll MONTH`: the monthly payment roll (发放花名册) for the bank's 一卡通 disbursement.
struct RollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roll", abstract: "发放花名册 The payment roll of a month: one line per person and programme, totals per town and programme.",
        discussion: """
            Monthly lines come from the enrolments active in the month (classified aid on the dibao line, \
            gradual exit marked), price subsidies from the policy in force at the month's end, and one-off \
            temporary aid paid in the month. --csv writes the bank file (UTF-8 with BOM, opens in Excel; \
            import the 身份证号 and 一卡通账号 columns as text): it carries full ID and account numbers and is \
            written only for town approvers and district officers. The terminal shows them masked.
            """)
    @Argument(help: ArgumentHelp("发放年月 YYYY-MM.", valueName: "month")) var month: String
    @Option(help: ArgumentHelp("镇 9-digit town code (default: your jurisdiction).", valueName: "town")) var town: String?
    @Option(help: ArgumentHelp("制表单位 Issuer (default: your office).", valueName: "text")) var issuer: String?
    @Option(help: ArgumentHelp("制表日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @Option(help: ArgumentHelp("Write the bank CSV here.", valueName: "file")) var csv: String?
    @Flag(help: "Print every line, not only the first 30.") var allLines = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func validate() throws { _ = try Parse.month(month, option: "month") }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let actor = try store.device().actor
            let ym = try Parse.month(month, option: "month")
            let org = try ReportScope.org(town, store: store)
            let tree = try store.orgTree()
            let policy = try store.policyBook().inForce(forRollOf: ym)
            let roll = PaymentRoll(month: ym, cases: try store.householdCases(within: org, includingVoided: true), oneOffPayments: try store.payments(in: ym),
                                   policy: policy, org: tree, issuer: issuer ?? "\(ReportScope.name(org, tree))民政", preparedOn: try Parse.day(date))
            print("\(roll.title)（\(roll.issuer)，政策 \(policy.id)）")
            var lines = Table(["序号", "村", "领款人", "身份证号", "补贴项目", "人数", "基本金", "分类施保", "合计", "备注"], rightAligned: [0, 5, 6, 7, 8])
            for l in roll.lines.prefix(allLines ? Int.max : 30) {
                lines.append(["\(l.number)", l.villageName, l.payeeName, l.residentIDText(masked: true), l.itemName, "\(l.persons)",
                              l.basic.yuanText, l.classifiedAid.yuanText, l.total.yuanText, l.remark])
            }
            print(lines.render(), terminator: "")
            if !allLines, roll.lines.count > 30 { print("… 共 \(roll.lines.count) 行 lines (--all-lines to print every one)") }
            print("合计 Totals per town and programme:")
            var totals = Table(["乡镇", "补贴项目", "户数", "人数", "金额"], rightAligned: [2, 3, 4], indent: 2)
            for t in roll.totals { totals.append([t.townName, t.programme.chineseName, "\(t.households)", "\(t.persons)", t.amount.yuanText]) }
            totals.append(["总计", "", "\(roll.households)", "\(roll.persons)", roll.grandTotal.yuanText])
            print(totals.render(), terminator: "")
            for e in roll.suspended {
                print("暂停发放 Suspended: \(e.programme.chineseName) \(e.monthlyAmount.yuanText)/月 of household \(Labels.short(e.household)) — the household is voided (注销) with no 停保 decision: decide it (`doudi enrolment stop \(Labels.short(e.household)) --reason … --last-month YYYY-MM`) or restore the household")
            }
            for e in roll.withheld {
                print("不予发放 Withheld: \(e.programme.chineseName) \(e.monthlyAmount.yuanText)/月 of household \(Labels.short(e.household)) — its gradual exit (渐退期, §3.1.5) has ended: end it with `doudi enrolment review \(Labels.short(e.household))`")
            }
            for p in roll.unplaced {
                print("未列入 Not on the roll: payment \(Labels.short(p.id)) of \(p.amount.yuanText) (household \(Labels.short(p.household)) is voided or missing, or the month is already paid): check it")
            }
            if let csv {
                guard actor.role == .townApprover || actor.role == .districtOfficer else {
                    throw CommandFailure("the bank file carries full ID and account numbers: only town approvers and district officers write it")
                }
                try ReportScope.write(roll.csv(), to: csv, what: "发放花名册 payment roll (bank CSV)")
            }
        }
    }
}
