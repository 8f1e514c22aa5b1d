import Foundation
import Testing
@testable import DoudiModel

/// What a town's and the district's steps write (§3.1.5, §3.1.6, §3.4.1, §3.6.3–§3.6.5),
/// from DoudiModel's rules alone.
@Suite("Administration: step records, reserve fund, dibao review, publishing")
struct AdministrationTests {
    typealias F = Fixtures
    static let approver = Actor(user: "zhen-bm", role: .townApprover, org: try! OrgCode("511011101"))
    static let officer = Actor(user: "qu-mz", role: .districtOfficer, org: try! OrgCode("511011"))
    static let collector = Actor(user: "cun-wx", role: .collector, org: F.village)
    static let review = WorkflowEvent.CollectiveReview(chair: "王镇长", recorder: "李干事", agreeing: 7, disagreeing: 0, qualifies: true)

    /// A household of two: a head with no income and a spouse with a grade-2 limb disability.
    static func dibaoHousehold(income: String = "100") -> HouseholdCase {
        F.household([F.member(11, name: "张大山", born: "1960-03-04", labour: .partial),
                      F.member(12, name: "李秀英", born: "1962-05-06", relation: .spouse, labour: .none, disability: (.physical, 2))],
                     survey: F.survey("2026-11-03", incomes: [F.wage(nil, income, kind: .business)]), categories: [.registeredPoor])
    }

    static func application(_ programme: Programme, member: Int? = nil, type: TemporaryAidType? = nil, amount: String? = nil, persons: Int? = nil) -> Application {
        Application(id: F.uuid(500), household: F.uuid(1), member: member.map(F.uuid), programme: programme, temporaryAidType: type,
                    hardship: type == nil ? nil : .ordinary, amountPerPerson: amount.map(F.money), persons: persons,
                    summary: "困难", date: F.day("2026-11-05"))
    }

    /// Takes an application from draft to the end of its notice, then applies `last`.
    static func walk(_ a: Application, _ last: WorkflowEvent, by actor: Actor = approver, on day: String = "2026-11-16") throws -> ApplicationWorkflow {
        var w = try ApplicationWorkflow(for: a, village: F.village)
        let p = F.policy2020
        try w.apply(.submit, by: collector, on: F.day("2026-11-05"), policy: p)
        try w.apply(.startTownReview, by: approver, on: F.day("2026-11-06"), policy: p)
        if case .payFirst = last {
            try w.apply(last, by: actor, on: F.day(day), policy: p)
            return w
        }
        try w.apply(.recordCollectiveReview(review), by: approver, on: F.day("2026-11-06"), policy: p)
        try w.apply(.postNotice, by: approver, on: F.day("2026-11-09"), policy: p)
        try w.apply(last, by: actor, on: F.day(day), policy: p)
        return w
    }

    static func records(_ w: ApplicationWorkflow, _ a: Application, _ c: HouseholdCase) throws -> StepRecords {
        var n = 900
        return try StepRecords(after: w, application: a, householdCase: c, policy: F.policy2020) { n += 1; return F.uuid(n) }
    }

    @Test("§3.1.6 §3.4.1 a dibao approval enrols the household from the month after, the tiers decided, and the disabled member's living subsidy")
    func dibaoApproval() throws {
        let c = Self.dibaoHousehold()
        let a = Self.application(.dibao)
        let w = try Self.walk(a, .approve(.init(classifiedAidTiers: [ClassifiedAidTier(member: F.uuid(12), tier: 1)])))
        let r = try Self.records(w, a, c)
        #expect(r.decisions.count == 1 && r.decisions[0].outcome == .approved && r.decisions[0].role == .townApprover)
        let byProgramme = Dictionary(grouping: r.enrolments, by: \.programme)
        // (360 − 100/2) × 2 = 620
        #expect(byProgramme[.dibao]?.map(\.monthlyAmount) == [F.money("620.00")])
        #expect(byProgramme[.classifiedAid]?.map(\.monthlyAmount) == [F.money("120.00")])
        #expect(byProgramme[.classifiedAid]?.first?.member == F.uuid(12))
        #expect(byProgramme[.disabilityLiving]?.map(\.monthlyAmount) == [F.money("100.00")])
        #expect(r.enrolments.allSatisfy { $0.start == (try! YearMonth(iso: "2026-12")) && $0.end == nil })
        #expect(r.payments.isEmpty && r.reserveFundEntries.isEmpty)
    }

    @Test("§3.1 one person, one dibao over overlapping months: an approval beside a dibao in gradual exit is refused; after its end month it enrols",
          arguments: [("2026-10", "2026-12", false), ("2026-10", "2027-03", false), ("2026-01", "2026-11", true), ("2026-01", nil, false)])
    func oneDibaoPerPerson(start: String, end: String?, approvable: Bool) throws {
        var c = Self.dibaoHousehold()
        // the standing enrolment: in gradual exit (an end month, still paying) or open
        c.enrolments = [Enrolment(id: F.uuid(800), household: F.uuid(1), programme: .dibao, start: try YearMonth(iso: start),
                                  end: try end.map { try YearMonth(iso: $0) }, monthlyAmount: F.money("300.00"),
                                  gradualExitStart: end == nil ? nil : try YearMonth(iso: start))]
        let a = Self.application(.dibao)
        let w = try Self.walk(a, .approve(.init()))  // approved 2026-11-16: paid from 2026-12
        if approvable {
            #expect(try Self.records(w, a, c).enrolments.contains { $0.programme == .dibao && $0.start == (try? YearMonth(iso: "2026-12")) })
        } else {
            #expect { try Self.records(w, a, c) } throws: { error in
                (error as? ModelError)?.code == .duplicate && "\(error)".contains("one person, one dibao")
            }
        }
    }

    @Test("§3.1 the dibao predicate: months overlap when either is open; a single-person dibao beside the household's is a second dibao")
    func dibaoPredicate() throws {
        func e(_ id: Int, _ programme: Programme = .dibao, member: Int? = nil, from start: String, to end: String? = nil) throws -> Enrolment {
            Enrolment(id: F.uuid(id), household: F.uuid(1), programme: programme, member: member.map(F.uuid), start: try YearMonth(iso: start),
                      end: try end.map { try YearMonth(iso: $0) }, monthlyAmount: F.money("100.00"))
        }
        #expect(try e(1, from: "2020-01", to: "2020-09").isSecondDibao(beside: try e(2, from: "2020-09")))
        #expect(try !e(1, from: "2020-01", to: "2020-09").isSecondDibao(beside: try e(2, from: "2020-10")))
        #expect(try e(1, from: "2020-01").isSecondDibao(beside: try e(2, member: 12, from: "2025-01")))
        #expect(try !e(1, member: 11, from: "2020-01").isSecondDibao(beside: try e(2, member: 12, from: "2020-01")))
        #expect(try !e(1, from: "2020-01").isSecondDibao(beside: try e(2, .classifiedAid, member: 12, from: "2020-01")))
        #expect(try !e(1, from: "2020-01").isSecondDibao(beside: try e(1, from: "2020-01")), "an enrolment is not a second dibao beside itself")
    }

    @Test("A stated monthly amount overrides the assessment; a per-person programme without its person is refused")
    func statedAmountAndMissingMember() throws {
        let c = Self.dibaoHousehold()
        let a = Self.application(.dibao)
        let r = try Self.records(try Self.walk(a, .approve(.init(amount: F.money("500")))), a, c)
        #expect(r.enrolments.first { $0.programme == .dibao }?.monthlyAmount == F.money("500.00"))
        let nursing = Self.application(.disabilityNursing)
        #expect(throws: ModelError.self) { try Self.records(try Self.walk(nursing, .approve(.init())), nursing, c) }
        let named = Self.application(.disabilityNursing, member: 12)
        let n = try Self.records(try Self.walk(named, .approve(.init())), named, c)
        #expect(n.enrolments.map(\.monthlyAmount) == [F.money("50.00")]) // §3.4.2 grade 2
    }

    @Test("A programme the assessment does not find payable needs the amount stated")
    func notPayableNeedsAmount() throws {
        let c = Self.dibaoHousehold(income: "2000")
        let a = Self.application(.dibao)
        let error = #expect(throws: ModelError.self) { try Self.records(try Self.walk(a, .approve(.init())), a, c) }
        #expect(error?.field == "amount")
    }

    @Test("§3.6.3 temporary aid approved: one payment of amount × persons in the approval month; a rejection writes a decision with its reason")
    func temporaryAidAndRejection() throws {
        let c = Self.dibaoHousehold()
        let a = Self.application(.temporaryAid, type: .expenditure, amount: "900", persons: 2)
        let r = try Self.records(try Self.walk(a, .approve(.init(amount: F.money("900")))), a, c)
        #expect(r.payments.map(\.amount) == [F.money("1800.00")])
        #expect(r.payments.first?.month == (try YearMonth(iso: "2026-11")) && r.payments.first?.fromReserveFund == false)
        #expect(r.enrolments.isEmpty)
        let rejected = try Self.records(try Self.walk(a, .reject(reason: "收入超标")), a, c)
        #expect(rejected.decisions.map(\.outcome) == [.rejected] && rejected.decisions.first?.reason == "收入超标")
    }

    @Test("§3.6.4 §3.6.5 aid first: a payment from the reserve fund and a draw of the same total on the town's ledger")
    func aidFirst() throws {
        let c = Self.dibaoHousehold()
        let a = Self.application(.temporaryAid, type: .emergency, amount: "800", persons: 2)
        let r = try Self.records(try Self.walk(a, .payFirst(amountPerPerson: F.money("800")), on: "2026-11-06"), a, c)
        #expect(r.payments.map(\.amount) == [F.money("1600.00")] && r.payments.first?.fromReserveFund == true)
        #expect(r.reserveFundEntries.map(\.kind) == [.draw] && r.reserveFundEntries.first?.amount == F.money("1600.00"))
        #expect(r.reserveFundEntries.first?.town == (try OrgCode("511011101")))
    }

    @Test("§3.6.5 the fund's balance is derived from its ledger; a draw beyond it is refused with the balance named")
    func reserveFund() throws {
        let town = try OrgCode("511011101")
        #expect(ReserveFundLedger.allocation(population: 42_000, policy: F.policy2020) == F.money("84000.00"))
        let entries = [
            ReserveFundEntry(id: F.uuid(1), town: town, kind: .allocation, amount: F.money("1000"), date: F.day("2026-11-01")),
            ReserveFundEntry(id: F.uuid(2), town: town, kind: .draw, amount: F.money("800"), date: F.day("2026-11-02")),
            ReserveFundEntry(id: F.uuid(3), town: try OrgCode("511011102"), kind: .allocation, amount: F.money("5000"), date: F.day("2026-11-01")),
        ]
        let ledger = ReserveFundLedger(town: town, entries: entries)
        #expect(ledger.balance == F.money("200.00") && ledger.drawn == F.money("800.00") && ledger.entries.count == 2)
        try ledger.checkDraw(F.money("200"))
        let error = #expect(throws: ModelError.self) { try ledger.checkDraw(F.money("200.01")) }
        #expect(error?.message.contains("200.00") == true)
        #expect(ReserveFundEntry.Kind.allocation.writers == [.districtOfficer] && ReserveFundEntry.Kind.draw.writers == [.townApprover])
    }

    static func enrolled(_ c: HouseholdCase, amount: String = "620", start: String = "2026-01") -> HouseholdCase {
        var out = c
        out.enrolments = [Enrolment(id: F.uuid(700), household: F.uuid(1), programme: .dibao, start: try! YearMonth(iso: start), monthlyAmount: F.money(amount))]
        return out
    }

    @Test("§3.1.5 a re-survey above the standard starts gradual exit the month after the survey, for at most 12 months")
    func gradualExit() throws {
        var c = Self.enrolled(Self.dibaoHousehold())
        c.surveys = [F.survey("2026-11-20", incomes: [F.wage(nil, "1000", kind: .business)])]
        let r = try DibaoReview(householdCase: c, policy: F.policy2020, on: F.day("2026-11-25"))
        let first = try YearMonth(iso: "2026-12"), last = try YearMonth(iso: "2027-11")
        #expect(r.outcome == .gradualExit(first...last))
        #expect(r.updated.gradualExitStart == first && r.updated.end == last && r.updated.monthlyAmount == F.money("620.00"))
        #expect(r.steps.contains { $0.clause == "3.1.5" })
    }

    @Test("§3.1.5 a household outside the gradual-exit categories leaves dibao with the review month; a lower income adjusts the amount from the next month")
    func exitAndAdjust() throws {
        var c = Self.enrolled(Self.dibaoHousehold())
        c.household.categories = []
        c.surveys = [F.survey("2026-11-20", incomes: [F.wage(nil, "1000", kind: .business)])]
        let ended = try DibaoReview(householdCase: c, policy: F.policy2020, on: F.day("2026-11-25"))
        let november = try YearMonth(iso: "2026-11")
        #expect(ended.outcome == .ended(lastMonth: november) && ended.updated.end == november)
        var lower = Self.enrolled(Self.dibaoHousehold())
        lower.surveys = [F.survey("2026-11-20", incomes: [F.wage(nil, "300", kind: .business)])]
        let adjusted = try DibaoReview(householdCase: lower, policy: F.policy2020, on: F.day("2026-11-25"))
        // (360 − 300/2) × 2 = 420
        #expect(adjusted.outcome == .adjusted(from: F.money("620.00"), to: F.money("420.00")))
        let next = try #require(adjusted.successor(id: F.uuid(701)))
        #expect(next.start == (try YearMonth(iso: "2026-12")) && next.monthlyAmount == F.money("420.00") && next.end == nil)
        #expect(throws: ModelError.self) { try DibaoReview(householdCase: Self.dibaoHousehold(), policy: F.policy2020, on: F.day("2026-11-25")) }
    }

    @Test("§3.1.6 §3.4.1 classified aid and the living subsidy end with the dibao, in gradual exit or at once; an adjustment keeps them")
    func dependentsEndWithDibao() throws {
        var c = Self.enrolled(Self.dibaoHousehold())
        let start = try YearMonth(iso: "2026-01")
        c.enrolments += [Enrolment(id: F.uuid(710), household: F.uuid(1), programme: .classifiedAid, member: F.uuid(12), start: start, monthlyAmount: F.money("120")),
                         Enrolment(id: F.uuid(711), household: F.uuid(1), programme: .disabilityLiving, member: F.uuid(12), start: start, monthlyAmount: F.money("100")),
                         Enrolment(id: F.uuid(712), household: F.uuid(1), programme: .disabilityNursing, member: F.uuid(12), start: start, monthlyAmount: F.money("50"))]
        c.surveys = [F.survey("2026-11-20", incomes: [F.wage(nil, "1000", kind: .business)])]
        let exit = try DibaoReview(householdCase: c, policy: F.policy2020, on: F.day("2026-11-25"))
        #expect(exit.dependents.map(\.id) == [F.uuid(710), F.uuid(711)])   // nursing (§3.4.2) does not depend on dibao
        #expect(exit.dependents.allSatisfy { $0.end == (try! YearMonth(iso: "2027-11")) })
        c.household.categories = []
        let ended = try DibaoReview(householdCase: c, policy: F.policy2020, on: F.day("2026-11-25"))
        #expect(ended.dependents.allSatisfy { $0.end == (try! YearMonth(iso: "2026-11")) } && ended.dependents.count == 2)
        c.household.categories = [.registeredPoor]
        c.surveys = [F.survey("2026-11-20", incomes: [F.wage(nil, "300", kind: .business)])]
        #expect(try DibaoReview(householdCase: c, policy: F.policy2020, on: F.day("2026-11-25")).dependents.isEmpty)
    }

    @Test("§3.5 publishing a price subsidy keeps the standards and adds the subsidy from its day; a bad one is refused")
    func publishSubsidy() throws {
        let subsidy = PriceSubsidy(id: "jg-2027-02", title: "2027年2月价格临时补贴", from: try YearMonth(iso: "2027-02"),
                                   through: try YearMonth(iso: "2027-02"), amountPerPerson: F.money("30"), groups: [.dibao])
        let next = try F.policy2020.publishing(subsidy, as: "dongxing-2027-jg", effectiveFrom: F.day("2027-02-01"))
        #expect(next.dibao == F.policy2020.dibao && next.priceSubsidies == [subsidy] && next.effectiveFrom == F.day("2027-02-01"))
        _ = try PolicyBook([F.policy2020, next])
        #expect(throws: ModelError.self) { try F.policy2020.publishing(subsidy, as: "x", effectiveFrom: F.day("2019-01-01")) }
        var zero = subsidy; zero.amountPerPerson = .zero
        #expect(throws: ModelError.self) { try F.policy2020.publishing(zero, as: "x", effectiveFrom: F.day("2027-02-01")) }
        #expect(throws: ModelError.self) { try F.policy2020.publishing(subsidy, as: "x", effectiveFrom: F.day("2027-03-01")) }
    }
}
