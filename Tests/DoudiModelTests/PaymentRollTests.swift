import Foundation
import Testing
@testable import DoudiModel

/// Builders shared by the report tests: an org tree with two towns, households with
/// their own ids and villages, enrolments.
enum ReportFixtures {
    typealias F = Fixtures

    static let district = try! OrgCode("511011")
    static let town = try! OrgCode("511011101")
    static let wuxing = try! OrgCode("511011101201")
    static let hongqi = try! OrgCode("511011101202")
    static let otherTown = try! OrgCode("511011102")
    static let xinhua = try! OrgCode("511011102201")

    static let org = try! OrgTree([
        OrgUnit(code: district, name: "东兴区"),
        OrgUnit(code: town, name: "椑木镇"),
        OrgUnit(code: wuxing, name: "五星村"),
        OrgUnit(code: hongqi, name: "红旗村"),
        OrgUnit(code: otherTown, name: "郭北镇"),
        OrgUnit(code: xinhua, name: "新华村"),
    ])

    static func month(_ s: String) -> YearMonth { try! YearMonth(iso: s) }

    static let account = BenefitAccount(bank: "四川农信东兴支行", accountName: "张大山", accountNumber: "6214670000123456789")

    /// A household `n` (id `uuid(n)`) in a village.
    static func household(_ n: Int, village: OrgCode = wuxing, members: [Member], enrolments: [Enrolment] = [],
                          survey: Survey? = nil, categories: Set<HouseholdCategory> = [],
                          account: BenefitAccount? = ReportFixtures.account, status: RecordStatus = .active,
                          address: String = "五星村3组12号", applications: [Application] = []) -> HouseholdCase {
        var c = HouseholdCase(
            household: Household(id: F.uuid(n), village: village, hukou: village, address: address, categories: categories,
                                 benefitAccount: account, status: status),
            members: members.map { var m = $0; m.household = F.uuid(n); return m },
            surveys: survey.map { [$0] } ?? [], enrolments: [], applications: applications)
        c.enrolments = enrolments.map { var e = $0; e.household = F.uuid(n); return e }
        return c
    }

    /// An enrolment `n` from `start`, of a household (`member` nil) or a person.
    static func enrolment(_ n: Int, _ programme: Programme, member: Int? = nil, start: String = "2026-01", end: String? = nil,
                          amount: String, gradualExitStart: String? = nil) -> Enrolment {
        Enrolment(id: F.uuid(n), programme: programme, member: member.map(F.uuid), start: month(start), end: end.map(month),
                  monthlyAmount: F.money(amount), gradualExitStart: gradualExitStart.map(month))
    }
}

/// The monthly payment roll (发放花名册, FORMS.md "Payment roll"), clause by clause.
@Suite("Payment roll 发放花名册")
struct PaymentRollTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let december = R.month("2026-12")

    static func roll(_ cases: [HouseholdCase], month: YearMonth = december, payments: [Payment] = [],
                     policy: PolicyVersion = F.policy2020) -> PaymentRoll {
        PaymentRoll(month: month, cases: cases, oneOffPayments: payments, policy: policy, org: R.org,
                    issuer: "椑木镇人民政府", preparedOn: F.day("2026-12-05"))
    }

    static let couple = [
        F.member(2, name: "张大山", born: "1950-03-04", relation: .head),
        F.member(3, name: "李秀英", born: "1952-05-06", relation: .spouse),
    ]

    @Test("§3.1.6 classified aid folds into the dibao line: 2020 tiers 120 / 80 / 40", arguments: [
        (1, Int64(12_000), Int64(60_000)),
        (2, 8_000, 56_000),
        (3, 4_000, 52_000),
    ])
    func classifiedAidFolds(tier: Int, aidFen: Int64, totalFen: Int64) throws {
        let tierAmount = F.policy2020.dibao.classifiedAid.tiers[tier - 1]
        let c = R.household(10, members: Self.couple, enrolments: [
            R.enrolment(20, .dibao, amount: "480.00"),
            Enrolment(id: F.uuid(21), programme: .classifiedAid, member: F.uuid(3), start: R.month("2026-01"), monthlyAmount: tierAmount),
        ])
        let roll = Self.roll([c])
        #expect(roll.lines.count == 1)
        let line = try #require(roll.lines.first)
        #expect(line.programme == .dibao)
        #expect(line.itemName == "农村低保")
        #expect(line.payeeName == "张大山")
        #expect(line.persons == 2)
        #expect(line.basic.fen == 48_000)
        #expect(line.classifiedAid.fen == aidFen)
        #expect(line.total.fen == totalFen)
        #expect(roll.grandTotal.fen == totalFen)
        #expect(roll.csv().contains(",农村低保,2,480.00,\(line.classifiedAid.yuanText),\(line.total.yuanText),2026年12月,"))
    }

    @Test("§3.1.6 a single-person dibao case carries its own classified aid")
    func classifiedAidOnSinglePersonLine() {
        let c = R.household(10, members: Self.couple, enrolments: [
            R.enrolment(20, .dibao, member: 3, amount: "300.00"),
            R.enrolment(21, .classifiedAid, member: 3, amount: "80.00"),
        ])
        let line = Self.roll([c]).lines
        #expect(line.count == 1)
        #expect(line.first?.payeeName == "李秀英")
        #expect(line.first?.persons == 1)
        #expect(line.first?.total.fen == 38_000)
    }

    @Test("§3.1.6 classified aid without an active dibao line is paid on its own line, not lost")
    func classifiedAidAlone() throws {
        let c = R.household(10, members: Self.couple, enrolments: [
            R.enrolment(20, .dibao, end: "2026-11", amount: "480.00"),
            R.enrolment(21, .classifiedAid, member: 3, amount: "120.00"),
        ])
        let roll = Self.roll([c])
        let line = try #require(roll.lines.onlyElement)
        #expect(line.programme == .classifiedAid)
        #expect(line.itemName == "分类救助")
        #expect(line.payeeName == "李秀英")
        #expect(line.basic == .zero)
        #expect(line.classifiedAid.fen == 12_000)
        #expect(line.remark.contains("无低保在保记录"))
        #expect(roll.grandTotal.fen == 12_000)
    }

    @Test("§3.2–§3.4 per-person programmes: the member is payee and 保障人数 is 1", arguments: [
        (Programme.orphan, "900.00"),
        (.unsupportedChild, "900.00"),
        (.tekun, "500.00"),
        (.disabilityLiving, "100.00"),
        (.disabilityNursing, "80.00"),
    ])
    func perPerson(programme: Programme, amount: String) throws {
        let members = [F.member(2, name: "王奶奶", born: "1950-01-01", relation: .head),
                       F.member(4, name: "王小妹", born: "2015-02-03", relation: .grandchild)]
        let c = R.household(10, members: members, enrolments: [R.enrolment(20, programme, member: 4, amount: amount)])
        let line = try #require(Self.roll([c]).lines.onlyElement)
        #expect(line.programme == programme)
        #expect(line.payeeName == "王小妹")
        #expect(line.residentID == members[1].residentID)
        #expect(line.persons == 1)
        #expect(line.basic == F.money(amount))
        #expect(line.classifiedAid == .zero)
        #expect(line.account == R.account)
    }

    @Test("A line only for enrolments active in the month (保障起始年月 … last month paid)", arguments: [
        ("2026-01", "2026-11" as String?, false),  // ended before December
        ("2027-01", nil, false),                   // starts after
        ("2026-12", "2026-12", true),              // exactly December
        ("2025-01", nil, true),                    // open-ended
        ("2026-12", nil, true),                    // starts in December
    ])
    func activeWindow(start: String, end: String?, present: Bool) {
        let c = R.household(10, members: Self.couple, enrolments: [R.enrolment(20, .dibao, start: start, end: end, amount: "480.00")])
        let roll = Self.roll([c])
        #expect(roll.lines.count == (present ? 1 : 0))
        #expect(roll.grandTotal.fen == (present ? 48_000 : 0))
    }

    @Test("§3.1.5 gradual exit: paid as normal with 渐退期第N个月", arguments: [
        ("2026-10" as String?, "渐退期第3个月"),
        ("2026-12", "渐退期第1个月"),
        ("2027-01", ""),                     // not started yet
        (nil, ""),
        // a 13th month is not paid at all: GradualExitTests (§3.1.5)
    ])
    func gradualExit(exitStart: String?, remark: String) throws {
        let c = R.household(10, members: Self.couple, enrolments: [
            R.enrolment(20, .dibao, start: "2025-01", amount: "480.00", gradualExitStart: exitStart),
        ])
        let line = try #require(Self.roll([c]).lines.onlyElement)
        #expect(line.remark == remark)
        #expect(line.basic.fen == 48_000)
    }

    static let subsidyPolicy: PolicyVersion = {
        var p = F.policy2020
        p.priceSubsidies = [PriceSubsidy(id: "2026-q2", title: "2026年价格临时补贴", from: R.month("2026-05"), through: R.month("2026-07"),
                                         amountPerPerson: Money(yuan: 20), groups: [.dibao, .tekun, .orphan])]
        return p
    }()

    @Test("§3.5 price subsidy: one line per covered person, in its months only", arguments: [
        ("2026-04", 0), ("2026-05", 4), ("2026-06", 4), ("2026-07", 4), ("2026-08", 0),
    ])
    func priceSubsidy(month: String, lines: Int) {
        // head + spouse on household dibao; a 特困 grandparent (not in the dibao count); an
        // orphan grandchild also covered by dibao (one line, not two); a dead member (none).
        let members = Self.couple + [
            F.member(5, name: "张老汉", born: "1930-01-01", relation: .grandparent),
            F.member(6, name: "张小妹", born: "2015-01-01", relation: .grandchild),
            F.member(7, name: "张已故", born: "1935-01-01", relation: .parent, status: .dead),
        ]
        let c = R.household(10, members: members, enrolments: [
            R.enrolment(20, .dibao, amount: "700.00"),
            R.enrolment(21, .tekun, member: 5, amount: "500.00"),
            R.enrolment(22, .orphan, member: 6, amount: "900.00"),
            R.enrolment(23, .tekun, member: 7, amount: "500.00"),
        ])
        let roll = Self.roll([c], month: R.month(month), policy: Self.subsidyPolicy)
        let subsidy = roll.lines.filter { $0.programme == .priceSubsidy }
        #expect(subsidy.count == lines)
        #expect(subsidy.allSatisfy { $0.persons == 1 && $0.basic.fen == 2_000 && $0.itemName == "价格临时补贴" && $0.remark == "2026年价格临时补贴" })
        #expect(Set(subsidy.map(\.payeeName)) == (lines == 0 ? [] : ["张大山", "李秀英", "张老汉", "张小妹"]))
        #expect(roll.lines.first { $0.programme == .dibao }?.persons == 3)  // head, spouse, grandchild; 特困 and dead not counted
        #expect(roll.total(for: .priceSubsidy).fen == Int64(lines) * 2_000)
    }

    @Test("§3.6.4–3.6.5 a one-off payment of the month gets a line; 备用金先行支付 when drawn from the reserve fund", arguments: [
        (true, "急难型；备用金先行支付"),
        (false, "急难型"),
    ])
    func oneOff(reserve: Bool, remark: String) throws {
        let app = Application(id: F.uuid(80), household: F.uuid(10), programme: .temporaryAid, temporaryAidType: .emergency,
                              amountPerPerson: Money(yuan: 360), persons: 2, summary: "房屋失火", date: F.day("2026-12-01"))
        let c = R.household(10, members: Self.couple, applications: [app])
        let payments = [
            Payment(id: F.uuid(90), household: F.uuid(10), programme: .temporaryAid, application: F.uuid(80),
                    month: Self.december, amount: Money(yuan: 720), paidOn: F.day("2026-12-03"), fromReserveFund: reserve),
            Payment(id: F.uuid(91), household: F.uuid(10), programme: .temporaryAid,
                    month: R.month("2026-11"), amount: Money(yuan: 500), paidOn: F.day("2026-11-03")),       // another month
            Payment(id: F.uuid(92), household: F.uuid(99), programme: .temporaryAid,
                    month: Self.december, amount: Money(yuan: 400), paidOn: F.day("2026-12-03")),            // unknown household
        ]
        let roll = Self.roll([c], payments: payments)
        let line = try #require(roll.lines.onlyElement)
        #expect(line.programme == .temporaryAid)
        #expect(line.itemName == "临时救助")
        #expect(line.payeeName == "张大山")
        #expect(line.persons == 2)
        #expect(line.basic.fen == 72_000)
        #expect(line.remark == remark)
        #expect(roll.unplaced.map(\.id) == [F.uuid(92)])
    }

    @Test("Voided households (注销) are not paid; their one-off payments are reported unplaced")
    func voided() {
        let c = R.household(10, members: Self.couple, enrolments: [R.enrolment(20, .dibao, amount: "480.00")],
                            status: .voided(reason: "全户迁出"))
        let p = Payment(id: F.uuid(90), household: F.uuid(10), programme: .temporaryAid, month: Self.december,
                        amount: Money(yuan: 720), paidOn: F.day("2026-12-03"))
        let roll = Self.roll([c], payments: [p])
        #expect(roll.lines.isEmpty)
        #expect(roll.unplaced == [p])
        #expect(roll.grandTotal == .zero)
    }

    /// Three households in two towns, given out of order.
    static let mixed: [HouseholdCase] = [
        R.household(30, village: R.xinhua, members: [F.member(31, name: "赵一", born: "1940-01-01"),
                                                      F.member(32, name: "赵二", born: "1942-01-01", relation: .spouse)],
                    enrolments: [R.enrolment(33, .tekun, member: 31, amount: "500.00"),
                                 R.enrolment(34, .disabilityNursing, member: 32, amount: "50.00")]),
        R.household(10, village: R.hongqi, members: Self.couple + [F.member(4, name: "张小明", born: "2012-01-01", relation: .son)],
                    enrolments: [R.enrolment(20, .dibao, amount: "813.33"),
                                 R.enrolment(21, .classifiedAid, member: 2, amount: "120.00"),
                                 R.enrolment(22, .classifiedAid, member: 4, amount: "40.00"),
                                 R.enrolment(23, .disabilityLiving, member: 3, amount: "100.00")]),
        R.household(40, village: R.wuxing, members: [F.member(41, name: "钱一", born: "1945-01-01")],
                    enrolments: [R.enrolment(42, .dibao, amount: "360.00"),
                                 R.enrolment(43, .dibao, member: 41, start: "2027-01", amount: "1.00")]),  // not yet
    ]

    @Test("Totals reconcile: lines = per town and programme = grand total = the enrolments' amounts")
    func totalsReconcile() {
        let roll = Self.roll(Self.mixed)
        let lineSum = roll.lines.reduce(Money.zero) { $0 + $1.total }
        #expect(lineSum == roll.grandTotal)
        #expect(roll.totals.reduce(Money.zero) { $0 + $1.amount } == roll.grandTotal)
        #expect(roll.grandTotal.fen == 50_000 + 5_000 + 81_333 + 12_000 + 4_000 + 10_000 + 36_000)
        // per programme: the active enrolments' monthly amounts, classified aid with dibao
        for programme in Programme.allCases where programme != .classifiedAid {
            let expected = Self.mixed.flatMap(\.enrolments)
                .filter { $0.isActive(in: Self.december) && ($0.programme == programme || (programme == .dibao && $0.programme == .classifiedAid)) }
                .reduce(Money.zero) { $0 + $1.monthlyAmount }
            #expect(roll.total(for: programme) == expected, "\(programme)")
        }
        #expect(roll.total(for: .classifiedAid) == .zero)
        #expect(roll.total(forTown: R.town).fen == 81_333 + 16_000 + 10_000 + 36_000)
        #expect(roll.total(forTown: R.otherTown).fen == 55_000)
        // order: town, village, household, programme
        #expect(roll.lines.map(\.number) == Array(1...roll.lines.count))
        #expect(roll.lines.map(\.villageName) == ["五星村", "红旗村", "红旗村", "新华村", "新华村"])
        #expect(roll.lines.map(\.programme) == [.dibao, .dibao, .disabilityLiving, .tekun, .disabilityNursing])
        #expect(roll.totals.map { "\($0.townName) \($0.programme.chineseName) \($0.households) \($0.persons) \($0.amount.yuanText)" } == [
            "椑木镇 农村低保 2 4 1333.33",
            "椑木镇 困难残疾人生活补贴 1 1 100.00",
            "郭北镇 特困人员救助供养 1 1 500.00",
            "郭北镇 重度残疾人护理补贴 1 1 50.00",
        ])
        #expect(roll.households == 3)
        #expect(roll.persons == 6)   // 钱一; 张大山, 李秀英, 张小明; 赵一, 赵二 — each once
        // the same roll whatever order the cases come in
        #expect(Self.roll(Self.mixed.reversed()) == roll)
    }

    @Test("CSV: BOM, CRLF, title block, header, RFC 4180 quoting, totals block")
    func csv() throws {
        var cases = Self.mixed
        cases[1].household.benefitAccount = BenefitAccount(bank: "中国农业银行,东兴支行", accountName: "张大山",
                                                          accountNumber: "6228480000012345678")
        let roll = Self.roll(cases)
        let text = roll.csv()
        #expect(text.hasPrefix("\u{FEFF}"))
        #expect(text.unicodeScalars.first == "\u{FEFF}")
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").unicodeScalars.contains("\n"))
        #expect(text.hasSuffix("\r\n"))
        #expect(lines[0] == "2026年12月社会救助资金发放明细")
        #expect(lines[1] == "制表单位,椑木镇人民政府")
        #expect(lines[2] == "制表日期,2026-12-05")
        #expect(lines[3] == "序号,乡镇,村,领款人姓名,身份证号,一卡通账号,账户名,开户行,补贴项目,保障人数,基本金,分类施保,金额合计,发放年月,备注,银行回盘状态,业务流水号")
        let zhang = Self.couple[0].residentID.value
        // ID and account numbers kept text for Excel: ="…" (see CSVText); one ending in X is text already
        let idField = zhang.hasSuffix("X") ? zhang : "\"=\"\"\(zhang)\"\"\""
        #expect(lines[5] == "2,椑木镇,红旗村,张大山,\(idField),\"=\"\"6228480000012345678\"\"\",张大山,\"中国农业银行,东兴支行\",农村低保,3,813.33,160.00,973.33,2026年12月,,,\(roll.lines[1].reference)")
        #expect(lines.contains("乡镇,补贴项目,户数,人数,金额合计"))
        #expect(lines.contains("椑木镇,农村低保,2,4,1333.33"))
        #expect(lines.contains("合计,,3,6,\(roll.grandTotal.yuanText)"))
        #expect(lines[3 + roll.lines.count + 1] == "")   // blank row before the totals
    }

    @Test("RFC 4180 fields: commas, quotes and line breaks are quoted; a cell that would run as a formula is written as text", arguments: [
        ("张三", "张三"),
        ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
        ("+86", "'+86"),
        ("@x", "'@x"),
        ("-x", "'-x"),
        ("-800.00", "-800.00"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\r\nlines", "\"two\r\nlines\""),
        ("lf\nonly", "\"lf\nonly\""),
        ("", ""),
    ])
    func csvField(value: String, written: String) {
        #expect(CSVText.field(value) == written)
    }

    @Test("The full ID number is in the bank's CSV only: masked CSV, description and mirror mask it")
    func masking() throws {
        let roll = Self.roll(Self.mixed)
        let ids = Self.mixed.flatMap(\.members).map(\.residentID)
        let full = roll.csv(), masked = roll.csv(masked: true)
        #expect(full.contains(ids[0].value))
        for id in ids {
            #expect(!masked.contains(id.value))
        }
        #expect(masked.contains(ids[0].masked))
        #expect(!masked.contains(R.account.accountNumber))
        #expect(masked.contains("6214****6789"))
        for line in roll.lines {
            var dumped = ""
            dump(line, to: &dumped)
            for text in [line.description, String(describing: line), String(reflecting: line), "\(line)", dumped] {
                #expect(!ids.contains { text.contains($0.value) }, "\(text)")
                #expect(!text.contains(R.account.accountNumber))
            }
        }
    }
}

extension Collection {
    /// The single element, or `nil` when there are none or several.
    var onlyElement: Element? { count == 1 ? first : nil }
}
