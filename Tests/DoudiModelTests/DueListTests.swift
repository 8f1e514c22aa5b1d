import Foundation
import Testing
@testable import DoudiModel

/// `doudi due`: the worklist of what falls due, clause by clause (§3.1.5, §3.2.1, §3.3.2,
/// §3.3.3, §3.6.4) and the re-survey interval setting.
@Suite("Due list 到期事项")
struct DueListTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let asOf = F.day("2026-12-01")

    static func due(_ cases: [HouseholdCase], workflows: [ApplicationWorkflow] = [], within: Int = 30,
                    policy: PolicyVersion = F.policy2020, asOf: Day = asOf) -> DueList {
        DueList(cases: cases, workflows: workflows, policy: policy, asOf: asOf, withinDays: within)
    }

    static func survey(_ date: String) -> Survey { var s = F.survey(date); s.id = F.uuid(99); return s }

    static let couple = PaymentRollTests.couple

    @Test("re-survey: a dibao household whose latest survey is older than 12 months (setting) falls due", arguments: [
        ("2025-12-01", "2026-12-01", true),    // due today
        ("2025-12-31", "2026-12-31", true),    // due within 30 days
        ("2026-01-01", "2027-01-01", false),   // beyond the window
        ("2025-06-15", "2026-06-15", true),    // overdue
    ])
    func resurvey(surveyed: String, dueOn: String, listed: Bool) throws {
        let c = R.household(10, members: Self.couple, enrolments: [R.enrolment(20, .dibao, amount: "480.00")], survey: Self.survey(surveyed))
        let items = Self.due([c]).items(.resurvey)
        #expect(items.count == (listed ? 1 : 0))
        if listed {
            let item = try #require(items.first)
            #expect(item.due == F.day(dueOn))
            #expect(item.clause == "3.1.0" && item.programme == .dibao && item.household == F.uuid(10) && item.village == R.wuxing)
            #expect(item.name == "张大山")
            #expect(item.isOverdue(on: Self.asOf) == (F.day(dueOn) < Self.asOf))
        }
    }

    @Test("re-survey: not for a household without an enrolment in a scheduled programme; the interval is data")
    func resurveyScheduled() {
        let none = R.household(10, members: Self.couple, survey: Self.survey("2020-01-01"))
        #expect(Self.due([none]).items.isEmpty)
        let nursing = R.household(11, members: Self.couple, enrolments: [R.enrolment(20, .disabilityNursing, member: 2, amount: "50.00")],
                                  survey: Self.survey("2020-01-01"))
        #expect(Self.due([nursing]).items(.resurvey).isEmpty)
        var p = F.policy2020
        p.workflow.reviewSchedule.resurveyMonths["dibao"] = 6
        let c = R.household(12, members: Self.couple, enrolments: [R.enrolment(20, .dibao, amount: "480.00")], survey: Self.survey("2026-06-10"))
        #expect(Self.due([c]).items(.resurvey).isEmpty)
        #expect(Self.due([c], policy: p).items(.resurvey).first?.due == F.day("2026-12-10"))
    }

    @Test("§3.1.5 the gradual exit's last month falls due on its last day; an ended one still enrolled is overdue", arguments: [
        ("2026-01", "2026-12-31", true),
        ("2025-12", "2026-11-30", true),      // ended, still on the books: overdue
        ("2026-03", "2027-02-28", false),     // beyond 30 days
    ])
    func gradualExitEnds(start: String, dueOn: String, listed: Bool) throws {
        let c = R.household(10, members: Self.couple, enrolments: [
            R.enrolment(20, .dibao, start: "2025-01", amount: "480.00", gradualExitStart: start),
        ], survey: Self.survey("2026-11-01"))
        let items = Self.due([c]).items(.gradualExitEnds)
        #expect(items.count == (listed ? 1 : 0))
        if listed {
            #expect(items.first?.due == F.day(dueOn))
            #expect(items.first?.clause == "3.1.5")
        }
    }

    @Test("§3.1.5 a gradual exit never recorded is found by the assessment, with the same end")
    func gradualExitUnrecorded() throws {
        // income 1500 for 3: above the standard since the survey of 2025-12-15 → exit 2026-01…2026-12
        let c = R.household(10, members: DibaoTests.three, enrolments: [R.enrolment(20, .dibao, start: "2025-01", amount: "540.00")],
                            survey: { var s = F.survey("2025-12-15", incomes: [F.wage(2, "1500.00")]); s.id = F.uuid(99); return s }(),
                            categories: [.registeredPoor])
        let item = try #require(Self.due([c]).items(.gradualExitEnds).first)
        #expect(item.due == F.day("2026-12-31"))
        #expect(item.detail.contains("未登记"))
    }

    @Test("§3.2.1 / §3.3.2 / §3.3.3 children reaching 16 (特困) or 18 (orphan, unsupported child) within the window", arguments: [
        // (programme, born, kind, due, clause)
        (Programme.tekun, "2010-12-20", DueItem.Kind.tekunMinorAge, "2026-12-20" as String?, "3.2.1"),
        (.tekun, "2011-02-01", .tekunMinorAge, nil, "3.2.1"),              // 16 in 2027-02: beyond the window
        (.orphan, "2008-12-31", .minorAge, "2026-12-31", "3.3.2"),
        (.unsupportedChild, "2008-12-05", .minorAge, "2026-12-05", "3.3.3"),
        (.orphan, "2008-06-01", .minorAge, "2026-06-01", "3.3.2"),        // already 18, allowance still active: overdue
        (.tekun, "1950-01-01", .tekunMinorAge, nil, "3.2.1"),              // an elderly 特困 person: nothing
    ])
    func ageLimits(programme: Programme, born: String, kind: DueItem.Kind, dueOn: String?, clause: String) throws {
        let members = Self.couple + [F.member(5, name: "张小妹", born: born, relation: .grandchild)]
        let c = R.household(10, members: members, enrolments: [R.enrolment(20, programme, member: 5, amount: "900.00")],
                            survey: Self.survey("2026-11-01"))
        let items = Self.due([c]).items(kind)
        #expect(items.first?.due == dueOn.map(F.day))
        if dueOn != nil {
            #expect(items.first?.clause == clause && items.first?.member == F.uuid(5) && items.first?.name == "张小妹")
            #expect(items.first?.residentID?.masked.contains("*") == true)
        }
    }

    @Test("a child born on 29 February reaches an age on 1 March in a common year, as age(on:) counts")
    func leapBirthday() {
        #expect(F.day("2012-02-29").birthday(age: 16) == F.day("2028-02-29"))
        #expect(F.day("2012-02-29").birthday(age: 17) == F.day("2029-03-01"))
        // the same day the age counts it
        #expect(F.day("2012-02-29").age(on: F.day("2029-02-28")) == 16 && F.day("2012-02-29").age(on: F.day("2029-03-01")) == 17)
    }

    static func aidFirstCase() throws -> (HouseholdCase, ApplicationWorkflow) {
        let app = Application(id: F.uuid(40), household: F.uuid(10), programme: .temporaryAid, temporaryAidType: .emergency,
                              hardship: .ordinary, amountPerPerson: F.money("500.00"), persons: 1, summary: "火灾", date: F.day("2026-11-10"))
        let c = R.household(10, members: Self.couple, survey: nil, applications: [app])
        var w = try ApplicationWorkflow(for: app, village: R.wuxing)
        let collector = Actor(user: "cadre", role: .collector, org: R.wuxing)
        let town = Actor(user: "town", role: .townApprover, org: R.town)
        try w.apply(.submit, by: collector, on: F.day("2026-11-10"), policy: F.policy2020)
        try w.apply(.payFirst(amountPerPerson: F.money("500.00")), by: town, on: F.day("2026-11-12"), policy: F.policy2020)
        return (c, w)
    }

    @Test("§3.6.4 emergency aid paid first: paperwork due 30 days (setting) after it was paid, until completed")
    func aidFirstPaperwork() throws {
        let (c, w) = try Self.aidFirstCase()
        #expect(w.stage == .aidPaidFirst)
        let item = try #require(Self.due([c], workflows: [w]).items(.aidFirstPaperwork).first)
        #expect(item.due == F.day("2026-12-12"))
        #expect(item.clause == "3.6.4" && item.programme == .temporaryAid && item.household == F.uuid(10))
        #expect(Self.due([c], workflows: [w], within: 5).items(.aidFirstPaperwork).isEmpty)
        // a workflow of an application the list does not hold is left out
        #expect(Self.due([], workflows: [w]).items.isEmpty)
    }

    @Test("items are ordered by due day; voided households are left out")
    func order() {
        let a = R.household(10, members: Self.couple, enrolments: [R.enrolment(20, .dibao, amount: "480.00")], survey: Self.survey("2025-12-20"))
        let b = R.household(11, village: R.hongqi, members: Self.couple, enrolments: [R.enrolment(21, .dibao, amount: "480.00")],
                            survey: Self.survey("2025-12-05"))
        let voided = R.household(12, members: Self.couple, enrolments: [R.enrolment(22, .dibao, amount: "480.00")],
                                 survey: Self.survey("2025-01-01"), status: .voided(reason: "迁出"))
        #expect(Self.due([a, b, voided]).items.map(\.household) == [F.uuid(11), F.uuid(10)])
    }
}
