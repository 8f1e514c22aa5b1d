import Foundation
import Testing
@testable import DoudiModel

/// §3.1.5 gradual exit (渐退期): at most 12 months, whether its start was recorded or not.
/// One function decides when it ends (`Enrolment.gradualExitPhase`); the assessment, the
/// enrolment review and the payment roll must agree with it.
@Suite("§3.1.5 gradual exit: one end for assessment, review and roll")
struct GradualExitTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let rule = F.policy2020.dibao.gradualExit

    static func month(_ s: String) -> YearMonth { R.month(s) }

    @Test("§3.1.5 the phase of an enrolment in a month", arguments: [
        // (recorded start, survey month, month, expected)
        ("2020-01" as String?, nil as String?, "2019-12", "notStarted 2020-01...2020-12"),
        ("2020-01", nil, "2020-01", "running 1 2020-01...2020-12"),
        ("2020-01", nil, "2020-12", "running 12 2020-01...2020-12"),
        ("2020-01", nil, "2021-01", "ended 2020-01...2020-12"),
        ("2020-01", "2023-05", "2021-01", "ended 2020-01...2020-12"),   // the recorded start wins
        (nil, "2018-12", "2019-01", "running 1 2019-01...2019-12"),
        (nil, "2018-12", "2019-12", "running 12 2019-01...2019-12"),
        (nil, "2018-12", "2020-06", "ended 2019-01...2019-12"),        // never recorded: still ends
        (nil, nil, "2020-06", "none"),
    ])
    func phase(start: String?, survey: String?, in month: String, expected: String) {
        let e = Enrolment(id: F.uuid(70), programme: .dibao, start: Self.month("2018-01"), monthlyAmount: F.money("540.00"),
                          gradualExitStart: start.map(Self.month))
        let phase = e.gradualExitPhase(in: Self.month(month), surveyMonth: survey.map(Self.month), rule: Self.rule)
        let text: String = switch phase {
        case .notStarted(let w)?: "notStarted \(w.lowerBound)...\(w.upperBound)"
        case .running(let n, let w)?: "running \(n) \(w.lowerBound)...\(w.upperBound)"
        case .ended(let w)?: "ended \(w.lowerBound)...\(w.upperBound)"
        case nil: "none"
        }
        #expect(text == expected)
    }

    /// A registered-poor household on dibao since 2018, re-surveyed above the standard on
    /// 2018-12-15; nobody recorded the gradual-exit start.
    static func unrecorded() -> HouseholdCase {
        let enrolment = Enrolment(id: F.uuid(70), programme: .dibao, start: Self.month("2018-01"),
                                  monthlyAmount: F.money("540.00"))
        return F.household(DibaoTests.three, survey: F.survey("2018-12-15", incomes: [F.wage(2, "1500.00")]),
                           categories: [.registeredPoor], enrolments: [enrolment])
    }

    @Test("§3.1.5 a start never recorded does not keep paying: the assessment ends the exit after 12 months", arguments: [
        ("2019-01-10", Determination.Status.gradualExit, Int64(54_000)),
        ("2019-12-31", .gradualExit, 54_000),
        ("2020-01-01", .notEligible, 0),
        ("2020-06-15", .notEligible, 0),
    ])
    func assessmentEnds(asOf: String, status: Determination.Status, fen: Int64) throws {
        let d = try #require(F.assess(Self.unrecorded(), on: asOf).determination(.dibao))
        #expect(d.status == status, "\(d.steps.map(\.line))")
        #expect(d.monthlyAmount.fen == fen)
        #expect(d.clauses.contains("3.1.5"))
        if status == .notEligible {
            #expect(d.steps.contains { $0.text.contains("已满 12 个月（2019-12 结束）") && $0.text.contains("渐退起始月未登记") })
        }
    }

    @Test("§3.1.5 the enrolment review agrees: in the window it records the window; after it, it ends the enrolment", arguments: [
        ("2019-06-10", "2019-12"),      // gradual exit recorded: last month 2019-12
        ("2020-06-15", "2020-06"),      // the window has passed: ended with the review month
    ])
    func reviewAgrees(on day: String, lastMonth: String) throws {
        let review = try DibaoReview(householdCase: Self.unrecorded(), policy: F.policy2020, on: F.day(day))
        #expect(review.updated.end == Self.month(lastMonth))
        let assessment = try #require(F.assess(Self.unrecorded(), on: day).determination(.dibao))
        switch review.outcome {
        case .gradualExit(let window):
            #expect(assessment.status == .gradualExit)
            #expect(window == Self.month("2019-01")...Self.month("2019-12"))
        case .ended:
            #expect(assessment.status == .notEligible)
        default:
            Issue.record("unexpected outcome \(review.outcome)")
        }
    }

    @Test("§3.1.5 a recorded gradual exit reviewed after its window ends with its last month, as the roll stops it")
    func reviewAfterRecordedWindow() throws {
        var c = Self.unrecorded()
        c.enrolments[0].gradualExitStart = Self.month("2019-01")
        let review = try DibaoReview(householdCase: c, policy: F.policy2020, on: F.day("2020-03-10"))
        #expect(review.outcome == .ended(lastMonth: Self.month("2019-12")))
        #expect(review.updated.end == Self.month("2019-12"))
    }

    @Test("§3.1.5 the payment roll stops after the 12th month and lists what it withholds", arguments: [
        ("2026-01", "2026-12", true),
        ("2026-01", "2027-01", false),
        ("2025-12", "2026-12", false),  // 13th month: was paid with “请核实” before
    ])
    func rollStops(start: String, month: String, paid: Bool) throws {
        let couple = PaymentRollTests.couple
        let c = R.household(10, members: couple, enrolments: [
            R.enrolment(20, .dibao, start: "2025-01", amount: "480.00", gradualExitStart: start),
            Enrolment(id: F.uuid(21), programme: .classifiedAid, member: F.uuid(2), start: Self.month("2025-01"),
                      monthlyAmount: F.money("80.00"), classifiedAid: [ClassifiedAidTier(member: F.uuid(2), tier: 2)]),
            R.enrolment(22, .disabilityNursing, member: 3, start: "2025-01", amount: "50.00"),
        ])
        let roll = PaymentRollTests.roll([c], month: Self.month(month))
        let dibao = roll.lines.filter { $0.programme == .dibao || $0.programme == .classifiedAid }
        if paid {
            let line = try #require(dibao.onlyElement)
            #expect(line.remark == "渐退期第12个月")
            #expect(line.total.fen == 56_000)
            #expect(roll.withheld.isEmpty)
        } else {
            #expect(dibao.isEmpty)
            #expect(Set(roll.withheld.map(\.id)) == [F.uuid(20), F.uuid(21)])
        }
        // the nursing subsidy (§3.4.2) does not depend on dibao
        #expect(roll.lines.contains { $0.programme == .disabilityNursing })
    }
}
