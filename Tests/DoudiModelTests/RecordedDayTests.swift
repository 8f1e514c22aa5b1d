import Foundation
import Testing
@testable import DoudiModel

/// Visits and surveys are not dated in the future.
@Suite("Recorded days: no visit or survey in the future")
struct RecordedDayTests {
    typealias F = Fixtures

    static func visit(_ date: String) -> Visit {
        Visit(id: F.uuid(1), household: F.uuid(2), date: F.day(date), visitors: ["王五", "赵六"], interviewee: "张大山",
              observations: "土坯房", conclusion: .truthful)
    }

    @Test("today and earlier are accepted; tomorrow is refused, naming the field", arguments: [
        ("2026-11-29", true), ("2026-11-30", true), ("2026-12-01", false), ("2027-11-30", false),
    ])
    func laptop(date: String, accepted: Bool) {
        let today = F.day("2026-11-30")
        #expect(((try? Self.visit(date).checkDate(today: today)) != nil) == accepted)
        #expect(((try? F.survey(date).checkDate(today: today)) != nil) == accepted)
        if !accepted {
            do { try F.survey(date).checkDate(today: today) } catch {
                #expect(error.field == "date" && error.message.contains("future") && error.message.contains("2026-11-30"))
            }
        }
    }

    @Test("with a tolerance of a day (another clock than the recorder's), a day ahead is not refused; two days ahead is")
    func tolerance() throws {
        let today = F.day("2026-11-30")
        try Self.visit("2026-12-01").checkDate(today: today, tolerance: 1)
        #expect(throws: ModelError.self) { try Self.visit("2026-12-02").checkDate(today: today, tolerance: 1) }
    }
}
