import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi roll reconcile FILE --format ID`: records the bank's answer to a batch (回盘).
struct RollReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "回盘对账 Record the bank's result file: each line paid or failed; failures are paid again on the next roll.",
        discussion: """
            The bank answers each batch with a result file: every line (by its 业务流水号) paid, or \
            failed with a reason (账户已销户, 户名不符 …). This records each answer on the laptop \
            (synced to the town and the district), lists the failures for the town to correct — \
            usually the household's account: `doudi household edit ID --bank … --account-name … \
            --account-number …` — and carries each failed amount into the roll of the next month \
            (--carry-to to choose a later one), where it is paid once, to the account as it is then.

            The whole file is recorded or nothing: a line on no roll of your jurisdiction, an amount \
            that differs from the roll's, or an answer that contradicts one already recorded is \
            refused with the row. Reading the same file again records nothing twice.

            Example:
              doudi roll reconcile ~/回盘/代发-sichuan-rcc-202612-回盘.txt --format sichuan-rcc
            """)
    @Argument(help: ArgumentHelp("The bank's result file (回盘文件).", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("The bank's format id (ServerConfig/banks/*.json), e.g. sichuan-rcc.", valueName: "id")) var format: String
    @Option(help: ArgumentHelp("补发年月 The month whose roll pays the failures again (default: the month after each line's roll).", valueName: "month"))
    var carryTo: String?
    @Option(help: ArgumentHelp("回盘日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @Option(help: ArgumentHelp("镇 9-digit town code (default: your jurisdiction).", valueName: "town")) var town: String?
    @OptionGroup(title: "Banks") var bankOptions: BankOptions
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func validate() throws { if let carryTo { _ = try Parse.month(carryTo, option: "carry-to") } }

    func run() throws {
        try reportingFailures { try output.report { () throws -> ReconcileReport in
            let formats = try bankOptions.load()
            guard let format = formats.first(where: { $0.id == format }) else {
                throw CommandFailure("no bank format \(self.format): give one of \(formats.map(\.id).joined(separator: ", "))")
            }
            let store = try storeOptions.open()
            let org = try ReportScope.org(town, store: store)
            let day = try Parse.day(date)
            let carry = try carryTo.map { try Parse.month($0, option: "carry-to") }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw CommandFailure("cannot read the bank's result file \(file): \(error.localizedDescription)")
            }
            let recorded: RecordedBankAnswer
            do {
                recorded = try store.recordBankAnswer(data, format: format, within: org, on: day, carryTo: carry, batch: (file as NSString).lastPathComponent)
            } catch let error as FieldError where error.code == .validation { throw CommandFailure(error.message) }
            let result = recorded.reconciliation, changeSet = recorded.changeSet
            let paid = result.returns.filter { $0.outcome == .paid }
            let failed = result.returns.filter { $0.outcome == .failed }
            print("回盘已登记 Recorded the bank's answer (\(format.name)): \(paid.count) 已到账 paid (\(paid.reduce(Money.zero) { $0 + $1.amount }.yuanText) 元), "
                  + "\(failed.count) 未到账 failed (\(failed.reduce(Money.zero) { $0 + $1.amount }.yuanText) 元)"
                  + (result.alreadyRecorded.isEmpty ? "" : ", \(result.alreadyRecorded.count) already recorded"))
            let report = ReconcileReport(
                format: format.id, file: file, paid: paid.count, paidFen: paid.reduce(Money.zero) { $0 + $1.amount }.fen,
                failed: failed.count, failedFen: failed.reduce(Money.zero) { $0 + $1.amount }.fen, alreadyRecorded: result.alreadyRecorded.count,
                failures: result.failures.map { answer, line in
                    ReconcileReport.Failure(reference: answer.reference, household: Labels.short(line.household), payee: line.payeeName,
                                            item: line.itemName, amountFen: line.total.fen, reason: answer.reason ?? answer.status,
                                            carryTo: result.returns.first { $0.reference == answer.reference }?.carryTo?.iso)
                },
                changeSet: changeSet.map { JSONOutput.id($0.id) })
            guard !result.failures.isEmpty else { return report }
            print("未到账 Failed — correct these, then they are paid on the roll named (补发):")
            var table = Table(["业务流水号", "户", "领款人", "项目", "金额", "失败原因", "补发"], rightAligned: [4], indent: 2)
            for (answer, line) in result.failures {
                let r = result.returns.first { $0.reference == answer.reference }
                table.append([answer.reference, Labels.short(line.household), line.payeeName, line.itemName, line.total.yuanText,
                              answer.reason ?? answer.status, r?.carryTo?.description ?? ""])
            }
            print(table.render(), terminator: "")
            print("改正账户 Correct an account: doudi household edit ID --bank … --account-name … --account-number …")
            return report
        } }
    }
}
