import Foundation

/// The monthly payment roll (发放花名册) the town sends to the bank for 一卡通 disbursement.
///
/// One line per payee and programme, built from the enrolments active in the month, the
/// district's price subsidies (§3.5) and the one-off payments of the month (临时救助,
/// §3.6). Classified aid (§3.1.6) is paid on the dibao line, in its own column 分类施保,
/// as the bank's form has it. Pure: no clock, no I/O; the same cases give the same roll
/// on every device, whatever order they come in.
///
/// ```swift
/// let roll = PaymentRoll(month: month, cases: cases, oneOffPayments: payments, policy: policy,
///                        org: org, issuer: "椑木镇人民政府", preparedOn: today)
/// try roll.csv().write(to: url, atomically: true, encoding: .utf8)  // for the bank
/// print(roll.csv(masked: true))                                         // for a listing
/// ```
public struct PaymentRoll: Sendable, Hashable {
    /// 发放年月
    public var month: YearMonth
    /// 制表单位
    public var issuer: String
    /// 制表日期
    public var preparedOn: Day
    /// The lines, ordered by town, village, household, programme; ``Line/number`` is 序号.
    public var lines: [Line]
    /// One total per town and programme, ordered by town and programme.
    public var totals: [Total]
    /// One-off payments given that are not on the roll, so that none is lost silently:
    /// their household is not among the cases or is voided (注销), or the payment is of an
    /// enrolment the roll already pays for this month (it would be paid twice).
    public var unplaced: [Payment]
    /// Enrolments active in the month that are not paid because their gradual exit (渐退期,
    /// §3.1.5) ended before it, with the classified aid (§3.1.6) and disability living
    /// subsidy (§3.4.1) that go with that dibao: none is dropped silently; end them with
    /// `doudi enrolment review`.
    public var withheld: [Enrolment] = []
    /// Enrolments active in the month of voided households (注销) that no stop-payment decision
    /// (停保) has ended: not paid, and not dropped silently either — decide 停保 (`doudi
    /// enrolment stop`) or restore the household.
    public var suspended: [Enrolment] = []
    /// Failed bank returns (银行回盘) due on this roll whose household is not among the cases:
    /// owed, not paid here, and not dropped silently.
    public var unplacedReturns: [BankReturn] = []
    /// Lines the bank's answers contradict (paid on one laptop, failed on another): to be settled
    /// with the bank before the roll goes out (``BankReturn/contradictions(_:)``).
    public var contradictions: [[BankReturn]] = []

    /// Builds the roll for a month.
    ///
    /// - Parameters:
    ///   - month: the month paid (发放年月).
    ///   - cases: the households. A voided household (注销) is paid only what a stop-payment
    ///     decision (停保) has given an end, through that last month; the rest is ``suspended``.
    ///   - oneOffPayments: one-off payments (临时救助 …); those of `month` whose household is
    ///     among `cases` get a line.
    ///   - bankReturns: the bank's answers to earlier rolls (银行回盘); each failure carried into
    ///     `month` (``BankReturn/carryTo``) is paid again on a line of its own (补发), once, to the
    ///     household's account as it is now.
    ///   - policy: the version in force: its price subsidies (§3.5) and whether 特困 persons are
    ///     counted in a dibao household.
    ///   - org: names for 乡镇 and 村 (the code is printed where a name is missing).
    ///   - issuer: 制表单位.
    ///   - preparedOn: 制表日期.
    public init(month: YearMonth, cases: [HouseholdCase], oneOffPayments: [Payment], bankReturns: [BankReturn] = [],
                policy: PolicyVersion, org: OrgTree, issuer: String, preparedOn: Day) {
        self.month = month; self.issuer = issuer; self.preparedOn = preparedOn
        // a household given twice is paid once; a voided one only through a decided end (停保)
        var seen = Set<UUID>()
        let active = cases.filter { seen.insert($0.household.id).inserted }
        let ordered = active.map { PayableHousehold($0, month: month, policy: policy, org: org) }
            .sorted { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        var byID: [UUID: Int] = [:]
        for (i, h) in ordered.enumerated() { byID[h.id] = i }

        var oneOffs = Array(repeating: [Line](), count: ordered.count)
        var unplaced: [Payment] = []
        for payment in oneOffPayments where payment.month == month {
            guard let i = byID[payment.household], ordered[i].household.status.isActive else { unplaced.append(payment); continue }
            if let e = payment.enrolment, ordered[i].active.contains(where: { $0.id == e && $0.programme == payment.programme }) {
                unplaced.append(payment); continue
            }
            oneOffs[i].append(ordered[i].oneOffLine(payment))
        }
        self.unplaced = unplaced
        // 补发: a failed line of an earlier roll, paid again on this one (never twice: one carryTo each)
        var unplacedReturns: [BankReturn] = []
        for r in BankReturn.standing(bankReturns).sorted(by: { ($0.month, $0.reference) < ($1.month, $1.reference) }) where r.isCarried(into: month) {
            guard let i = byID[r.household] else { unplacedReturns.append(r); continue }
            oneOffs[i].append(ordered[i].carriedLine(r))
        }
        self.unplacedReturns = unplacedReturns
        contradictions = BankReturn.contradictions(bankReturns)

        var lines: [Line] = []
        for (i, h) in ordered.enumerated() {
            withheld += h.withheld
            suspended += h.suspended
            let own = h.monthlyLines(policy: policy) + oneOffs[i]
            // stable: programme, then the order the household's lines were made in
            lines += own.enumerated().sorted { ($0.element.programme, $0.offset) < ($1.element.programme, $1.offset) }.map(\.element)
        }
        for i in lines.indices { lines[i].number = i + 1 }
        self.lines = lines
        self.totals = Self.totals(lines)
    }

    /// 金额合计 of every line.
    public var grandTotal: Money { lines.reduce(.zero) { $0 + $1.total } }

    /// Households with at least one line.
    public var households: Int { Set(lines.map(\.household)).count }

    /// Persons paid for, each counted once even when on several lines (dibao and a
    /// price subsidy, say); the per-programme ``Total/persons`` count per programme.
    public var persons: Int { Set(lines.flatMap(\.covered)).count }

    /// Lines whose household has no benefit account (一卡通): the bank cannot pay them, so no
    /// bank file is written until each has one (`doudi household edit … --bank … --account-name …
    /// --account-number …`).
    public var missingAccounts: [Line] { lines.filter { $0.account == nil } }

    /// The total paid for a programme in every town.
    public func total(for programme: Programme) -> Money {
        totals.filter { $0.programme == programme }.reduce(.zero) { $0 + $1.amount }
    }

    /// The total paid in a town.
    public func total(forTown town: OrgCode) -> Money {
        totals.filter { $0.town == town }.reduce(.zero) { $0 + $1.amount }
    }

    /// `2026年12月社会救助资金发放明细`, or `2026年12月农村低保资金发放明细` when the roll pays one programme only.
    public var title: String {
        let programmes = Set(lines.map(\.programme))
        let item = programmes.count == 1 ? "\(programmes.first!.chineseName)资金" : "社会救助资金"
        return "\(ReportFormat.chinese(month))\(item)发放明细"
    }

    /// 业务流水号: the month (`202612`), `R`, and 16 hex digits of a stable hash of what the line
    /// pays (an enrolment, a payment, a price subsidy for a person, a failed line paid again), so
    /// that the same records give the same reference on every device and in every run. The `R`
    /// keeps Excel from reading a reference such as `202612R1234567890E12345` as a number.
    static func reference(month: YearMonth, identity: String) -> String {
        // FNV-1a, 64 bits: stable across runs and platforms (Hasher is seeded per process)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16, uppercase: true)
        return String(format: "%04d%02d", month.year, month.month) + "R" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// What a 补发 line pays, for its reference: the failed line it pays again — by that line's
    /// reference, not the return's id, so that the same failure recorded on two laptops (or voided
    /// and recorded again) gives the same 补发 reference.
    static func carryIdentity(_ r: BankReturn) -> String { "r:\(r.reference)" }

    static func totals(_ lines: [Line]) -> [Total] {
        var groups: [Key: [Line]] = [:]
        struct Key: Hashable { var town: OrgCode; var programme: Programme }
        for line in lines { groups[Key(town: line.town, programme: line.programme), default: []].append(line) }
        return groups.map { key, lines in
            Total(town: key.town, townName: lines[0].townName, programme: key.programme,
                  households: Set(lines.map(\.household)).count, persons: lines.reduce(0) { $0 + $1.persons },
                  basic: lines.reduce(.zero) { $0 + $1.basic }, classifiedAid: lines.reduce(.zero) { $0 + $1.classifiedAid })
        }.sorted { ($0.town, $0.programme) < ($1.town, $1.programme) }
    }
}

extension PaymentRoll {
    /// One line of the roll: one payee, one programme.
    ///
    /// Its ``description`` and its mirror show the resident ID number and the account
    /// number masked; only ``PaymentRoll/csv(masked:)`` with `masked: false` writes them
    /// in full, for the bank.
    public struct Line: Sendable, Hashable {
        /// 序号, from 1.
        public var number: Int
        /// 乡镇
        public var town: OrgCode
        public var townName: String
        /// 村
        public var village: OrgCode
        public var villageName: String
        public var household: UUID
        /// The member paid (领款人); `nil` only for a household without members.
        public var payee: UUID?
        /// 领款人姓名
        public var payeeName: String
        /// 身份证号 of the payee.
        public var residentID: ResidentID?
        /// 一卡通账号, 账户名, 开户行 (the household's benefit account).
        public var account: BenefitAccount?
        /// 补贴项目
        public var programme: Programme
        /// 保障人数: the persons covered by a household's dibao, else 1 (or the persons a
        /// one-off payment is for).
        public var persons: Int
        /// The members this line pays for (for counting persons once).
        public var covered: [UUID]
        /// 基本金
        public var basic: Money
        /// 分类施保 (§3.1.6)
        public var classifiedAid: Money
        /// 发放年月
        public var month: YearMonth
        /// 备注
        public var remark: String
        /// 银行回盘状态: empty, for the bank to fill in.
        public var bankStatus: String
        /// 业务流水号: the line's reference in the bank's batch, the same however often the roll
        /// is made from the same records; the bank's result file names the line by it.
        public var reference: String
        /// The failed bank return this line pays again (补发), if it is such a line.
        public var carried: UUID?

        /// 金额合计 = 基本金 + 分类施保.
        public var total: Money { basic + classifiedAid }

        /// 补贴项目 as printed.
        public var itemName: String { programme.chineseName }

        /// The resident ID number as printed: in full, or masked (`511011********1234`).
        public func residentIDText(masked: Bool) -> String {
            guard let id = residentID else { return "" }
            return masked ? id.masked : id.value
        }

        /// The account number as printed: in full, or masked (4 + **** + 4).
        public func accountNumberText(masked: Bool) -> String {
            guard let number = account?.accountNumber else { return "" }
            return masked ? ReportFormat.maskedAccount(number) : number
        }
    }

    /// The total of one programme in one town.
    public struct Total: Sendable, Hashable {
        /// 乡镇
        public var town: OrgCode
        public var townName: String
        /// 补贴项目
        public var programme: Programme
        /// 户数: households with a line of this programme.
        public var households: Int
        /// 人数: the sum of the lines' 保障人数.
        public var persons: Int
        /// 基本金
        public var basic: Money
        /// 分类施保
        public var classifiedAid: Money
        /// 金额合计
        public var amount: Money { basic + classifiedAid }
    }
}

extension PaymentRoll.Line: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `3 椑木镇 五星村 张大山 511011********1234 农村低保 2人 基本金 480.00 分类施保 120.00 合计 600.00`,
    /// never with the full ID or account number.
    public var description: String {
        var s = "\(number) \(townName) \(villageName) \(payeeName) \(residentIDText(masked: true)) \(itemName) \(persons)人"
            + " 基本金 \(basic.yuanText) 分类施保 \(classifiedAid.yuanText) 合计 \(total.yuanText) \(ReportFormat.chinese(month))"
        if account != nil { s += " 账号 \(accountNumberText(masked: true))" }
        if !remark.isEmpty { s += " 备注 \(remark)" }
        return s
    }

    public var debugDescription: String { description }

    /// A mirror with the ID and account numbers masked (for `dump` and debuggers).
    public var customMirror: Mirror {
        Mirror(self, children: [
            "number": number, "town": townName, "village": villageName, "household": household,
            "payeeName": payeeName, "residentID": residentIDText(masked: true), "account": accountNumberText(masked: true),
            "programme": programme, "persons": persons, "basic": basic, "classifiedAid": classifiedAid,
            "total": total, "month": month, "remark": remark, "bankStatus": bankStatus,
        ], displayStyle: .struct)
    }
}

/// One household's enrolments in the month, and how to make its lines.
private struct PayableHousehold {
    let householdCase: HouseholdCase
    let month: YearMonth
    let town: OrgCode, townName: String, villageName: String
    /// Enrolments active in the month and paid.
    let active: [Enrolment]
    /// Enrolments active in the month but not paid: gradual exit ended (§3.1.5), and what goes with that dibao.
    let withheld: [Enrolment]
    /// Enrolments of a voided household without a decided end (停保): not paid.
    let suspended: [Enrolment]
    /// Members living in the household (人员状态 正常), as the assessment counts them.
    let living: [Member]
    /// Members covered by a household dibao enrolment (保障人口).
    let covered: [Member]
    let head: Member?

    var id: UUID { householdCase.household.id }
    var household: Household { householdCase.household }

    init(_ c: HouseholdCase, month: YearMonth, policy: PolicyVersion, org: OrgTree) {
        householdCase = c; self.month = month
        let village = c.household.village
        town = village.town ?? village
        townName = org[town]?.name ?? town.value
        villageName = org[village]?.name ?? village.value
        let inMonth = c.enrolments.filter { $0.isActive(in: month) }
        // a voided household (注销) is paid through the end a stop-payment decision (停保) gave, not beyond
        let suspended = c.household.status.isActive ? [] : inMonth.filter { $0.end == nil }
        self.suspended = suspended
        let current = inMonth.filter { !suspended.contains($0) }
        // §3.1.5: the one rule for when a gradual exit ends (as the assessment and the enrolment review)
        let exited = Set(current.filter {
            $0.programme == .dibao && $0.gradualExitPhase(in: month, surveyMonth: nil, rule: policy.dibao.gradualExit)?.hasEnded == true
        }.map(\.id))
        let stillDibao = current.filter { $0.programme == .dibao && !exited.contains($0.id) }
        func goesWithExitedDibao(_ e: Enrolment) -> Bool {
            guard !exited.isEmpty, e.programme == .classifiedAid || e.programme == .disabilityLiving else { return false }
            return !stillDibao.contains { $0.member == nil || $0.member == e.member }
        }
        active = current.filter { !exited.contains($0.id) && !goesWithExitedDibao($0) }
        withheld = current.filter { exited.contains($0.id) || goesWithExitedDibao($0) }
        living = c.members.filter { $0.personStatus == .normal }
        let tekun = Set(active.filter { $0.programme == .tekun }.compactMap(\.member))
        covered = policy.dibao.excludesTekunMembers ? living.filter { !tekun.contains($0.id) } : living
        head = living.first { $0.relation == .head } ?? c.members.first { $0.relation == .head } ?? living.first ?? c.members.first
    }

    /// Town, village, head's name, household id: the same order whatever order the cases came in.
    var sortKey: [String] { [town.value, household.village.value, head?.name ?? "", id.uuidString] }

    func line(_ programme: Programme, payee: Member?, persons: Int, covered: [UUID], basic: Money,
              classifiedAid: Money = .zero, remarks: [String] = [], identity: String, carried: UUID? = nil) -> PaymentRoll.Line {
        var remarks = remarks
        if let payee, payee.personStatus != .normal { remarks.append("领款人\(payee.personStatus.chineseName)，请核实") }
        return PaymentRoll.Line(
            number: 0, town: town, townName: townName, village: household.village, villageName: villageName,
            household: id, payee: payee?.id, payeeName: payee?.name ?? "", residentID: payee?.residentID,
            account: household.benefitAccount, programme: programme, persons: persons, covered: covered,
            basic: basic, classifiedAid: classifiedAid, month: month, remark: remarks.joined(separator: "；"), bankStatus: "",
            reference: PaymentRoll.reference(month: month, identity: identity), carried: carried)
    }

    /// Enrolment lines, with classified aid folded into dibao (§3.1.6), then price-subsidy lines (§3.5).
    func monthlyLines(policy: PolicyVersion) -> [PaymentRoll.Line] {
        var out: [PaymentRoll.Line] = []
        // §3.1.6: each person's classified aid goes on their own dibao line (single-person
        // case), else on the household's; without an active dibao line it is paid on its own.
        let dibao = active.filter { $0.programme == .dibao }
        let householdDibao = dibao.first { $0.member == nil }
        var folded: [UUID: Money] = [:]
        var unfolded: [Enrolment] = []
        for aid in active where aid.programme == .classifiedAid {
            let target = aid.member.flatMap { m in dibao.first { $0.member == m } } ?? householdDibao
            if let target { folded[target.id, default: .zero] += aid.monthlyAmount } else { unfolded.append(aid) }
        }
        for e in active where e.programme != .classifiedAid {
            var remarks: [String] = []
            if case .running(let n, _)? = e.gradualExitPhase(in: month, surveyMonth: nil, rule: policy.dibao.gradualExit) {
                remarks.append("渐退期第\(n)个月")
            }
            let aid = folded[e.id] ?? .zero
            if let m = e.member {
                let payee = householdCase.member(m)
                out.append(line(e.programme, payee: payee ?? head, persons: 1, covered: [m], basic: e.monthlyAmount,
                                classifiedAid: aid, remarks: payee == nil ? remarks + ["保障对象不在本户成员中，请核实"] : remarks,
                                identity: "e:\(e.id)"))
            } else {
                out.append(line(e.programme, payee: head, persons: covered.count, covered: covered.map(\.id),
                                basic: e.monthlyAmount, classifiedAid: aid, remarks: remarks, identity: "e:\(e.id)"))
            }
        }
        for aid in unfolded {
            let payee = aid.member.flatMap(householdCase.member) ?? head
            let who = aid.member.map { [$0] } ?? covered.map(\.id)
            out.append(line(.classifiedAid, payee: payee, persons: who.count, covered: who, basic: .zero,
                            classifiedAid: aid.monthlyAmount, remarks: ["当月无低保在保记录，分类救助单列发放"], identity: "e:\(aid.id)"))
        }
        // §3.5: once per person per subsidy, whatever the number of groups they are in.
        for subsidy in policy.priceSubsidies where subsidy.from <= month && month <= subsidy.through {
            var eligible = Set<UUID>()
            for e in active where subsidy.groups.contains(e.programme) {
                if let m = e.member { eligible.insert(m) } else { eligible.formUnion(covered.map(\.id)) }
            }
            for m in living where eligible.contains(m.id) {
                out.append(line(.priceSubsidy, payee: m, persons: 1, covered: [m.id], basic: subsidy.amountPerPerson,
                                remarks: [subsidy.title], identity: "s:\(subsidy.id):\(m.id)"))
            }
        }
        return out
    }

    /// A one-off payment's line (临时救助 §3.6, or another programme's back pay).
    func oneOffLine(_ payment: Payment) -> PaymentRoll.Line {
        let application = payment.application.flatMap { id in householdCase.applications.first { $0.id == id } }
        var remarks: [String] = []
        if let type = application?.temporaryAidType, payment.programme == .temporaryAid { remarks.append(type.chineseName) }
        if payment.fromReserveFund { remarks.append("备用金先行支付") }
        if let m = payment.member {
            return line(payment.programme, payee: householdCase.member(m) ?? head, persons: 1, covered: [m],
                        basic: payment.amount, remarks: remarks, identity: "p:\(payment.id)")
        }
        return line(payment.programme, payee: head, persons: application?.persons ?? living.count,
                    covered: living.map(\.id), basic: payment.amount, remarks: remarks, identity: "p:\(payment.id)")
    }

    /// 补发: a line of an earlier roll the bank could not pay, paid again on this one to the
    /// account the household has now.
    func carriedLine(_ r: BankReturn) -> PaymentRoll.Line {
        let payee = r.member.flatMap(householdCase.member) ?? head
        var remark = "补发\(ReportFormat.chinese(r.month))未到账"
        if let reason = r.reason, !reason.isEmpty { remark += "（\(reason)）" }
        return line(r.programme, payee: payee, persons: 1, covered: r.member.map { [$0] } ?? [], basic: r.amount,
                    remarks: [remark], identity: PaymentRoll.carryIdentity(r), carried: r.id)
    }
}
