import Foundation
import Testing
@testable import DoudiModel

/// The roll's bank side: accounts required, one batch per bank as its format says, and the
/// bank's answer (回盘) — a failure paid again once on the next roll, never twice.
@Suite("Bank batches and returns 代发与回盘")
struct BankReturnTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let november = R.month("2026-11"), december = R.month("2026-12"), january = R.month("2027-01")

    static let pipeFormat = BankFormat(
        id: "rcc", name: "四川农信", banks: ["四川农信"], encoding: .gb18030, delimiter: "|", header: false,
        columns: [.init(title: "流水号", field: .reference), .init(title: "账号", field: .accountNumber),
                  .init(title: "户名", field: .accountName), .init(title: "金额", field: .amountYuan), .init(title: "摘要", field: .summary)],
        control: .init(placement: .separateFile, fields: [.count, .totalYuan]),
        result: .init(header: false, reference: .position(1), status: .position(3), paidValues: ["0000"], failedValues: ["1002", "1003"], reason: .position(4),
                      amountYuan: .position(2)))

    static let postFormat = BankFormat(
        id: "psbc", name: "邮储银行", banks: ["邮储银行"], header: true,
        columns: [.init(title: "序号", field: .sequence), .init(title: "账号", field: .accountNumber), .init(title: "户名", field: .accountName),
                  .init(title: "金额", field: .amountFen), .init(title: "流水号", field: .reference)],
        control: .init(placement: .lastLine, fields: [.count, .totalFen]),
        result: .init(header: true, reference: .title("流水号"), status: .title("状态"), paidValues: ["成功"], failedValues: ["失败"], reason: .title("原因")))

    static func cases(account: BenefitAccount? = R.account) -> [HouseholdCase] {
        [R.household(10, members: [F.member(2, name: "张大山", born: "1950-03-04", relation: .head)],
                     enrolments: [R.enrolment(20, .dibao, start: "2026-01", amount: "480.00")], account: account)]
    }

    static func roll(_ month: YearMonth, _ cases: [HouseholdCase], returns: [BankReturn] = []) -> PaymentRoll {
        PaymentRoll(month: month, cases: cases, oneOffPayments: [], bankReturns: returns, policy: F.policy2020, org: R.org,
                    issuer: "椑木镇人民政府", preparedOn: F.day("2026-11-25"))
    }

    /// The answers of a result file in the pipe format: reference|amount|status|reason.
    static func answers(_ rows: [String]) throws -> [BankReconciliation.Answer] {
        try BankReconciliation.answers(rows: DelimitedText.rows(rows.joined(separator: "\r\n"), delimiter: "|"), layout: pipeFormat.result)
    }

    static func reconcile(_ rows: [String], rolls: [PaymentRoll], existing: [BankReturn], on day: String = "2026-12-03",
                          carryTo: YearMonth? = nil) throws -> BankReconciliation {
        let lines = Dictionary(rolls.flatMap(\.lines).map { ($0.reference, $0) }, uniquingKeysWith: { a, _ in a })
        var n = 900
        return try BankReconciliation(answers: answers(rows), line: { lines[$0] }, existing: existing, on: F.day(day),
                                      carryTo: carryTo, batch: "回盘.txt", newID: { n += 1; return F.uuid(n) })
    }

    @Test("业务流水号: the same records give the same reference; it names the roll's month; lines differ")
    func referencesAreStable() {
        let a = Self.roll(Self.december, Self.cases()), b = Self.roll(Self.december, Self.cases().reversed())
        #expect(a.lines.map(\.reference) == b.lines.map(\.reference))
        #expect(Set(a.lines.map(\.reference)).count == a.lines.count)
        for l in a.lines {
            #expect(PaymentRoll.isReference(l.reference))
            #expect(PaymentRoll.month(ofReference: l.reference) == Self.december)
        }
        #expect(Self.roll(Self.november, Self.cases()).lines[0].reference != a.lines[0].reference)
        #expect(!PaymentRoll.isReference("3") && !PaymentRoll.isReference("202612XYZ") && !PaymentRoll.isReference("2026120123456789ABCDEF"))
    }

    @Test("A payee without an account is listed: the bank cannot pay the line")
    func missingAccountsListed() {
        let roll = Self.roll(Self.december, Self.cases(account: nil))
        #expect(roll.missingAccounts.map(\.payeeName) == ["张大山"])
        #expect(Self.roll(Self.december, Self.cases()).missingAccounts.isEmpty)
    }

    @Test("One batch per bank, in its layout: no title rows, full numbers, control totals where the bank wants them")
    func batchesFollowTheFormat() throws {
        var cases = Self.cases()
        cases.append(R.household(11, members: [F.member(4, name: "王小红", born: "1960-01-01", relation: .head)],
                                 enrolments: [R.enrolment(21, .dibao, start: "2026-01", amount: "300.00")],
                                 account: BenefitAccount(bank: "中国邮储银行东兴支行", accountName: "王小红", accountNumber: "6221880000000000001")))
        cases.append(R.household(12, members: [F.member(5, name: "赵四", born: "1960-01-01", relation: .head)],
                                 enrolments: [R.enrolment(22, .dibao, start: "2026-01", amount: "100.00")],
                                 account: BenefitAccount(bank: "某某银行", accountName: "赵四", accountNumber: "6200000000000000009")))
        let roll = Self.roll(Self.december, cases)
        let split = BankBatch.split(roll, formats: [Self.pipeFormat, Self.postFormat])
        #expect(split.unserved.map(\.payeeName) == ["赵四"])
        let rcc = try #require(split.batches.first { $0.format.id == "rcc" })
        let line = try #require(rcc.lines.first)
        #expect(rcc.text == "\(line.reference)|6214670000123456789|张大山|480.00|2026年12月农村低保\r\n")
        #expect(rcc.controlText == "1|480.00\r\n")
        #expect(rcc.fileName == "代发-rcc-202612.txt" && rcc.controlFileName == "代发-rcc-202612.ctl")
        let post = try #require(split.batches.first { $0.format.id == "psbc" })
        let rows = post.text.components(separatedBy: "\r\n")
        #expect(rows[0] == "序号,账号,户名,金额,流水号")
        #expect(rows[1] == "1,6221880000000000001,王小红,30000,\(post.lines[0].reference)")
        #expect(rows[2] == "1,30000")
        #expect(post.controlText == nil && post.controlFileName == nil)
    }

    @Test("A format that cannot make a batch or read an answer is refused, naming the setting")
    func formatValidation() {
        var f = Self.pipeFormat
        f.columns.removeAll { $0.field == .reference }
        #expect(throws: ModelError.self) { try f.validate() }
        f = Self.pipeFormat
        f.result.reference = .title("流水号")
        #expect(throws: ModelError.self) { try f.validate() }   // titles need a header row
        f = Self.pipeFormat
        f.delimiter = "x"
        #expect(throws: ModelError.self) { try f.validate() }
        #expect(throws: Never.self) { try Self.postFormat.validate() }
    }

    @Test("Paid, failed, account corrected, paid again exactly once on the next roll")
    func failedLineIsPaidAgainOnce() throws {
        let dec = Self.roll(Self.december, Self.cases())
        let ref = dec.lines[0].reference
        // the bank: account closed
        let first = try Self.reconcile(["\(ref)|480.00|1002|账户已销户", "2|480.00"], rolls: [dec], existing: [])
        #expect(first.returns.count == 1 && first.failures.count == 1)
        let failure = first.returns[0]
        #expect(failure.outcome == .failed && failure.reason == "账户已销户" && failure.carryTo == Self.january)
        #expect(throws: Never.self) { try failure.validate() }

        // the town corrects the account; January's roll pays December's amount once, to the new account
        let newAccount = BenefitAccount(bank: "四川农信东兴支行", accountName: "张大山", accountNumber: "6214670000999999999")
        let jan = Self.roll(Self.january, Self.cases(account: newAccount), returns: first.returns)
        let carried = jan.lines.filter { $0.carried == failure.id }
        #expect(carried.count == 1)
        #expect(carried[0].total == F.money("480.00") && carried[0].account == newAccount)
        #expect(carried[0].remark.contains("补发2026年12月未到账") && carried[0].remark.contains("账户已销户"))
        #expect(jan.lines.count == 2)   // January's own line and the 补发
        #expect(jan.grandTotal == F.money("960.00"))
        // made again, the January roll is the same: not paid twice
        #expect(Self.roll(Self.january, Self.cases(account: newAccount), returns: first.returns).lines == jan.lines)
        // December's roll and February's do not carry it
        #expect(Self.roll(Self.december, Self.cases(), returns: first.returns).lines.allSatisfy { $0.carried == nil })
        #expect(Self.roll(R.month("2027-02"), Self.cases(), returns: first.returns).lines.allSatisfy { $0.carried == nil })

        // the bank pays January's batch; the 补发 is recorded paid and keeps December as its month
        let janRefs = jan.lines.map(\.reference)
        let second = try Self.reconcile(janRefs.map { "\($0)|480.00|0000|" }, rolls: [jan], existing: first.returns, on: "2027-01-06")
        #expect(second.returns.count == 2 && second.failures.isEmpty)
        let paidCarry = try #require(second.returns.first { $0.reference == carried[0].reference })
        #expect(paidCarry.outcome == .paid && paidCarry.month == Self.december && paidCarry.rollMonth == Self.january)
        let all = first.returns + second.returns
        #expect(Self.roll(R.month("2027-02"), Self.cases(account: newAccount), returns: all).lines.allSatisfy { $0.carried == nil })

        // the town ledger: unpaid while the 补发 is unanswered, then paid
        func dibaoRow(_ returns: [BankReturn], asOf: String) throws -> TownLedger.ProgrammeRow {
            try #require(TownLedger(town: R.town, cases: Self.cases(), policy: F.policy2020, asOf: F.day(asOf), org: R.org, bankReturns: returns)
                .programmes.first { $0.programme == .dibao })
        }
        let afterFailure = try dibaoRow(first.returns, asOf: "2026-12-31")
        #expect(afterFailure.bankPaid == .zero && afterFailure.bankUnpaid == F.money("480.00"))
        let afterRepay = try dibaoRow(all, asOf: "2027-01-31")
        #expect(afterRepay.bankPaid == F.money("960.00") && afterRepay.bankUnpaid == .zero)
        // as of a day before January's answer, the 补发 is still owed
        #expect(try dibaoRow(all, asOf: "2027-01-05").bankUnpaid == F.money("480.00"))
    }

    @Test("The same file twice records nothing twice; a contradicting answer, an unknown line, a wrong amount are refused whole")
    func reconcileIsAllOrNothing() throws {
        let dec = Self.roll(Self.december, Self.cases())
        let ref = dec.lines[0].reference
        let first = try Self.reconcile(["\(ref)|480.00|0000|"], rolls: [dec], existing: [])
        let again = try Self.reconcile(["\(ref)|480.00|0000|"], rolls: [dec], existing: first.returns)
        #expect(again.returns.isEmpty && again.alreadyRecorded.count == 1)
        #expect(throws: BankReconciliationError.self) {
            try Self.reconcile(["\(ref)|480.00|1002|户名不符"], rolls: [dec], existing: first.returns)
        }
        #expect(throws: BankReconciliationError.self) {
            try Self.reconcile(["\(ref)|480.00|0000|", "202612R000000000000ABCD|1.00|0000|"], rolls: [dec], existing: [])
        }
        #expect(throws: BankReconciliationError.self) { try Self.reconcile(["\(ref)|500.00|0000|"], rolls: [dec], existing: []) }
        #expect(throws: BankReconciliationError.self) {
            try Self.reconcile(["\(ref)|480.00|0000|", "\(ref)|480.00|0000|"], rolls: [dec], existing: [])
        }
        #expect(throws: BankReconciliationError.self) {
            try Self.reconcile(["\(ref)|480.00|1002|户名不符"], rolls: [dec], existing: [], carryTo: Self.december)
        }
    }

    @Test("Two laptops record the same failure before syncing: the next roll pays it once, the ledger counts it once")
    func sameAnswerTwice() throws {
        let dec = Self.roll(Self.december, Self.cases())
        let ref = dec.lines[0].reference
        let town = try Self.reconcile(["\(ref)|480.00|1002|账户已销户"], rolls: [dec], existing: [], on: "2026-12-03")
        var n = 950
        let district = try BankReconciliation(answers: Self.answers(["\(ref)|480.00|1002|账户已销户"]), line: { r in dec.lines.first { $0.reference == r } },
                                              existing: [], on: F.day("2026-12-04"), carryTo: nil, batch: "回盘.txt",
                                              newID: { n += 1; return F.uuid(n) })
        let both = town.returns + district.returns
        #expect(both.count == 2 && Set(both.map(\.id)).count == 2)
        #expect(BankReturn.standing(both).map(\.id) == [town.returns[0].id], "the earliest answer stands")
        let jan = Self.roll(Self.january, Self.cases(), returns: both.reversed())
        #expect(jan.lines.filter { $0.carried != nil }.count == 1)
        // whichever answer stands, the 补发 line has one reference: the bank's answer to it still matches
        let fromTown = Self.roll(Self.january, Self.cases(), returns: town.returns).lines.first { $0.carried != nil }?.reference
        let fromDistrict = Self.roll(Self.january, Self.cases(), returns: district.returns).lines.first { $0.carried != nil }?.reference
        #expect(fromTown != nil && fromTown == fromDistrict && fromTown == town.returns[0].carryReference)
        let row = try #require(TownLedger(town: R.town, cases: Self.cases(), policy: F.policy2020, asOf: F.day("2026-12-31"), org: R.org,
                                          bankReturns: both).programmes.first { $0.programme == .dibao })
        #expect(row.bankUnpaid == F.money("480.00"))
    }

    @Test("Paid on one laptop, failed on another: the roll lists the contradiction (no bank file until it is settled)")
    func contradictingAnswers() throws {
        let dec = Self.roll(Self.december, Self.cases())
        let ref = dec.lines[0].reference
        let paid = try Self.reconcile(["\(ref)|480.00|0000|"], rolls: [dec], existing: [], on: "2026-12-03")
        var n = 970
        let failed = try BankReconciliation(answers: Self.answers(["\(ref)|480.00|1002|账户已销户"]), line: { r in dec.lines.first { $0.reference == r } },
                                            existing: [], on: F.day("2026-12-04"), carryTo: nil, batch: "回盘2.txt",
                                            newID: { n += 1; return F.uuid(n) })
        let jan = Self.roll(Self.january, Self.cases(), returns: paid.returns + failed.returns)
        #expect(jan.contradictions.map { $0.map(\.outcome) } == [[.paid, .failed]])
        #expect(jan.lines.allSatisfy { $0.carried == nil }, "the earliest (paid) stands until the other is voided")
        #expect(Self.roll(Self.january, Self.cases(), returns: paid.returns).contradictions.isEmpty)
    }

    @Test("A status the format names neither paid nor failed (处理中) refuses the file: the bank may still pay it")
    func unknownStatusRefuses() throws {
        let dec = Self.roll(Self.december, Self.cases())
        let ref = dec.lines[0].reference
        #expect(throws: BankReconciliationError.self) { try Self.reconcile(["\(ref)|480.00|处理中|"], rolls: [dec], existing: []) }
        var f = Self.pipeFormat
        f.result.failedValues = []
        #expect(throws: ModelError.self) { try f.validate() }
        f.result.failedValues = ["0000"]
        #expect(throws: ModelError.self) { try f.validate() }   // paid and failed at once
    }

    @Test("A reference the bank wrote in lower case or after a BOM is read; a row that names no line refuses the file")
    func referencesAsBanksWriteThem() throws {
        let dec = Self.roll(Self.december, Self.cases())
        let ref = dec.lines[0].reference
        let read = try Self.reconcile(["\u{FEFF}\(ref.lowercased())|480.00|0000|"], rolls: [dec], existing: [])
        #expect(read.returns.map(\.reference) == [ref])
        // a control line (numbers) and a title (no status) are skipped; a mangled reference is not
        #expect(try Self.reconcile(["四川农信代发回盘", "\(ref)|480.00|0000|", "1|480.00"], rolls: [dec], existing: []).returns.count == 1)
        #expect(throws: BankReconciliationError.self) {
            try Self.reconcile(["\(ref.dropLast(2))|480.00|1002|账户已销户"], rolls: [dec], existing: [])
        }
    }

    @Test("A failure cannot be carried into a roll the bank has already answered: it would never be paid")
    func noCarryIntoAnsweredRoll() throws {
        let nov = Self.roll(Self.november, Self.cases()), dec = Self.roll(Self.december, Self.cases())
        // December's batch went out and was answered before November's answer came back
        let december = try Self.reconcile(["\(dec.lines[0].reference)|480.00|0000|"], rolls: [dec], existing: [])
        #expect(throws: BankReconciliationError.self) {
            try Self.reconcile(["\(nov.lines[0].reference)|480.00|1002|账户已销户"], rolls: [nov], existing: december.returns)
        }
        let late = try Self.reconcile(["\(nov.lines[0].reference)|480.00|1002|账户已销户"], rolls: [nov], existing: december.returns,
                                      carryTo: Self.january)
        #expect(late.returns[0].carryTo == Self.january)
    }

    @Test("Result files with a header name their columns by title; a missing title says which exist")
    func resultByTitle() throws {
        let rows = DelimitedText.rows("流水号,状态,原因\r\n202612R000000000000ABCD,失败,\"户名不符,请核实\"\r\n", delimiter: ",")
        let answers = try BankReconciliation.answers(rows: rows, layout: Self.postFormat.result)
        #expect(answers.count == 1 && !answers[0].paid && answers[0].reason == "户名不符,请核实")
        var layout = Self.postFormat.result
        layout.status = .title("处理状态")
        #expect(throws: BankReconciliationError.self) { try BankReconciliation.answers(rows: rows, layout: layout) }
    }
}
