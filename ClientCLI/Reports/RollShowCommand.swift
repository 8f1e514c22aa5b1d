import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi roll [show] MONTH`: the monthly payment roll (发放花名册) for the bank's 一卡通
/// disbursement, its copy for Excel and one batch file per bank.
struct RollShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "发放花名册 The payment roll of a month: one line per person and programme, totals per town and programme.",
        discussion: """
            Monthly lines come from the enrolments active in the month (classified aid on the dibao line, \
            gradual exit marked), price subsidies from the policy in force at the month's end, and one-off \
            temporary aid paid in the month. --csv writes the bank file (UTF-8 with BOM, opens in Excel; \
            import the 身份证号 and 一卡通账号 columns as text): it carries full ID and account numbers and is \
            written only for town approvers and district officers. The terminal shows them masked.

            --bank-batch DIR writes one batch file per bank (代发批量文件), laid out as that bank takes \
            it (ServerConfig/banks, docs/BANK-FORMATS.md): each line carries its 业务流水号, by which the \
            bank's result file names it (`doudi roll reconcile`). Lines the bank could not pay on an \
            earlier roll are paid again on the roll their reconciliation carried them to (补发), once.

            No file with full numbers is written while a payee has no 一卡通 account (add it with \
            `doudi household edit ID --bank … --account-name … --account-number …`) or, for \
            --bank-batch, while an account is at a bank no format serves.
            """)
    @Argument(help: ArgumentHelp("发放年月 YYYY-MM.", valueName: "month")) var month: String
    @Option(help: ArgumentHelp("镇 9-digit town code (default: your jurisdiction).", valueName: "town")) var town: String?
    @Option(help: ArgumentHelp("制表单位 Issuer (default: your office).", valueName: "text")) var issuer: String?
    @Option(help: ArgumentHelp("制表日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @Option(help: ArgumentHelp("Write the bank CSV here.", valueName: "file")) var csv: String?
    @Option(help: ArgumentHelp("Write the roll as an Excel workbook (.xlsx: 发放明细, 合计, 说明; ID and account numbers as text).", valueName: "file"))
    var xlsx: String?
    @Option(help: ArgumentHelp("代发批量文件 Write one batch file per bank (and its control file) into this folder.", valueName: "dir"))
    var bankBatch: String?
    @Flag(help: "Print every line, not only the first 30.") var allLines = false
    @OptionGroup(title: "Banks") var bankOptions: BankOptions
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func validate() throws { _ = try Parse.month(month, option: "month") }

    func run() throws {
        try reportingFailures { try output.report { () throws -> RollReport in
            let store = try storeOptions.open()
            let actor = try store.device().actor
            let ym = try Parse.month(month, option: "month")
            let org = try ReportScope.org(town, store: store)
            let tree = try store.orgTree()
            let (roll, policy) = try store.paymentRoll(month: ym, within: org, issuer: issuer ?? "\(ReportScope.name(org, tree))民政",
                                                       preparedOn: try Parse.day(date))
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
            for r in roll.unplacedReturns {
                print("未列入 Not on the roll: 补发 of \(r.amount.yuanText) for \(r.month) (line \(r.reference), household \(Labels.short(r.household))) — the household is not on this laptop within \(org): sync, or make the roll of its town")
            }
            for group in roll.contradictions {
                let said = group.map { "\($0.outcome.chineseName)（\($0.recordedOn)，\($0.batch ?? "")）" }.joined(separator: " / ")
                print("回盘矛盾 Contradicting answers: line \(group[0].reference) of household \(Labels.short(group[0].household)) was recorded \(said): ask the bank which is right and withdraw the other (`doudi roll void-return \(group[0].reference) --reason …`, then reconcile the right file)")
            }
            for l in roll.missingAccounts {
                print("缺少账户 No account: line \(l.number) \(l.payeeName) \(l.itemName) \(l.total.yuanText) — household \(Labels.short(l.household)) has no 一卡通 account: `doudi household edit \(Labels.short(l.household)) --bank … --account-name … --account-number …`")
            }
            var report = RollReport(roll, policy: policy.id)
            guard csv != nil || bankBatch != nil || xlsx != nil else { return report }
            guard actor.role == .townApprover || actor.role == .districtOfficer else {
                throw CommandFailure("the bank file carries full ID and account numbers: only town approvers and district officers write it")
            }
            try roll.checkReadyForBank()
            var batches: [BankBatch] = []
            if bankBatch != nil {
                do { batches = try roll.bankBatches(formats: try bankOptions.load()) } catch let notReady as RollNotReadyForBank {
                    for l in notReady.unserved {
                        print("无银行格式 No bank format: line \(l.number) \(l.payeeName) — 开户行 \(l.account?.bank ?? "") is served by no format in ServerConfig/banks")
                    }
                    throw notReady
                }
            }
            if let csv {
                try ReportScope.write(roll.csv(), to: csv, what: "发放花名册 payment roll (CSV for Excel)")
                report.files.append(.init(kind: "csv", path: csv))
            }
            if let xlsx {
                do { try roll.writeXLSX(to: URL(fileURLWithPath: xlsx)) } catch {
                    throw CommandFailure("cannot write the roll's workbook to \(xlsx): \(error)")
                }
                print("已写入 Wrote 发放花名册 payment roll (Excel workbook): \(xlsx)")
                report.files.append(.init(kind: "xlsx", path: xlsx))
            }
            if let bankBatch {
                for batch in batches {
                    let path = (bankBatch as NSString).appendingPathComponent(batch.fileName)
                    try ReportScope.write(batch.text, encoding: batch.format.encoding, to: path,
                                          what: "代发批量文件 \(batch.format.name) batch (\(batch.count) 笔, \(batch.total.yuanText) 元)")
                    report.files.append(.init(kind: "bank-batch:\(batch.format.id)", path: path))
                    if let control = batch.controlText, let name = batch.controlFileName {
                        let controlPath = (bankBatch as NSString).appendingPathComponent(name)
                        try ReportScope.write(control, encoding: batch.format.encoding, to: controlPath, what: "\(batch.format.name) control file")
                        report.files.append(.init(kind: "bank-control:\(batch.format.id)", path: controlPath))
                    }
                }
            }
            return report
        } }
    }
}
