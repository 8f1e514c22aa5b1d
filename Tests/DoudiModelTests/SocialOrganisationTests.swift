import Foundation
import Testing
import DoudiModel

/// §3.7 social organisations: the registry's rules, the annual-report worklist, matching aid
/// projects to village needs, the volunteer pool.
@Suite("Social organisations and volunteers §3.7")
struct SocialOrganisationTests {
    static func day(_ s: String) -> Day { try! Day(iso: s) }
    static func org(_ s: String) -> OrgCode { try! OrgCode(s) }
    static let district = org("511011"), beimu = org("511011101"), wuxing = org("511011101201"), other = org("511011102201")

    static func organisation(_ name: String, reports: [AnnualReport] = []) -> SocialOrganisation {
        SocialOrganisation(id: UUID(), district: district, name: name, creditCode: "51511011MJ0000001X", kind: .association,
                           registeredOn: day("2015-03-02"), annualReports: reports)
    }

    @Test("§3.7 a registration names its district, an 18-character credit code, a grade 1A–5A and one report per year",
          arguments: ["creditCode", "evaluationGrade", "district", "annualReports[1].year", "annualReports[0].received"])
    func registrationRules(field: String) {
        var o = Self.organisation("东兴区慈善会")
        #expect(throws: Never.self) { try o.validate() }
        switch field {
        case "creditCode": o.creditCode = "12345"
        case "evaluationGrade": o.evaluationGrade = 6
        case "district": o.district = Self.wuxing
        case "annualReports[1].year":
            o.annualReports = [AnnualReport(year: 2024, due: Self.day("2025-05-31")), AnnualReport(year: 2024, due: Self.day("2025-06-30"))]
        default:
            o.annualReports = [AnnualReport(year: 2025, due: Self.day("2026-05-31"), received: Self.day("2025-12-01"))]
        }
        #expect { try o.validate() } throws: { ($0 as? ModelError)?.field == field }
    }

    @Test("§3.7 the annual-report worklist: overdue first, then due within the window; received ones and later ones left out")
    func worklist() {
        let late = Self.organisation("农技协会", reports: [AnnualReport(year: 2025, due: Self.day("2026-04-30"))])
        let soon = Self.organisation("慈善会", reports: [AnnualReport(year: 2024, due: Self.day("2025-05-31"), received: Self.day("2025-05-20")),
                                                          AnnualReport(year: 2025, due: AnnualReport.usualDue(year: 2025))])
        let later = Self.organisation("志愿者协会", reports: [AnnualReport(year: 2025, due: Self.day("2026-09-30"))])
        let items = AnnualReportWorklist.items([soon, later, late], asOf: Self.day("2026-05-10"), within: 30)
        #expect(items.map(\.organisation.name) == ["农技协会", "慈善会"])
        #expect(items.map(\.daysOverdue) == [10, -21])
        #expect(items.map(\.statusText) == ["已逾期 10 天", "21 天后到期"])
        #expect(AnnualReport.usualDue(year: 2025) == Self.day("2026-05-31"))
    }

    @Test("§3.7 matching: an open need gets the running projects of its kind that serve its village, the village's own first")
    func matching() throws {
        let orgID = UUID()
        func project(_ title: String, _ kind: AidKind, areas: [OrgCode], end: String? = nil) -> AidProject {
            AidProject(id: UUID(), district: Self.district, organisation: orgID, title: title, kind: kind, areas: areas,
                       start: Self.day("2026-01-01"), end: end.map(Self.day))
        }
        let wholeDistrict = project("全区产业", .industry, areas: [])
        let town = project("椑木镇柑橘", .industry, areas: [Self.beimu])
        let village = project("五星村养殖", .industry, areas: [Self.wuxing])
        let elsewhere = project("别镇产业", .industry, areas: [Self.other])
        let ended = project("已结束", .industry, areas: [Self.wuxing], end: "2026-03-31")
        let school = project("助学", .education, areas: [])
        let need = VillageNeed(id: UUID(), village: Self.wuxing, kind: .industry, summary: "柑橘销路", households: 12, recordedOn: Self.day("2026-05-01"))
        var matched = need
        matched.id = UUID(); matched.project = town.id
        let suggestions = ProjectMatching.suggestions(needs: [need, matched], projects: [wholeDistrict, town, village, elsewhere, ended, school],
                                                      on: Self.day("2026-05-15"))
        #expect(suggestions.map(\.need.id) == [need.id], "a matched need is not suggested again")
        #expect(suggestions.first?.projects.map(\.title) == ["五星村养殖", "椑木镇柑橘", "全区产业"])
        #expect(throws: ModelError.self) { try ProjectMatching.check(school, for: need) }
        #expect(throws: ModelError.self) { try ProjectMatching.check(elsewhere, for: need) }
        #expect(throws: Never.self) { try ProjectMatching.check(town, for: need) }
    }

    @Test("§3.7 a volunteer names a skill, serves villages of the district, and a phone is digits")
    func volunteers() {
        var v = Volunteer(id: UUID(), district: Self.district, name: "张医生", phone: "138-1234-5678", skills: ["医护"], villages: [Self.beimu],
                          registeredOn: Self.day("2026-02-01"))
        #expect(throws: Never.self) { try v.validate() }
        #expect(v.serves(Self.wuxing) && !v.serves(Self.other))
        v.skills = []
        #expect { try v.validate() } throws: { ($0 as? ModelError)?.field == "skills" }
        v.skills = ["医护"]; v.villages = [Self.org("511002101201")]
        #expect { try v.validate() } throws: { ($0 as? ModelError)?.field == "villages[0]" }
    }
}
