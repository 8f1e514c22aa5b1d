import Foundation
import Testing

/// §3.7 through the CLI and the real server: the district keeps the registry of social
/// organisations, their aid projects and the volunteer pool; they reach the town and the
/// village read-only; the village reports a need, the town matches a project to it, and the
/// match comes back to the village; the annual reports due are a worklist on every laptop.
@Suite("§3.7 social organisations and volunteers end to end (real doudi-server)", .serialized)
struct SocialOrganisationEndToEndTests {
    @Test("§3.7 registry, projects and volunteers reach town and village read-only; a village need is matched by the town; annual reports due are listed offline")
    func registryRound() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let village = SyncEndToEndTests.villageA

        // the district registers
        try round.district.ok("org", "add", "--name", "东兴区慈善会", "--credit-code", "51511011MJ0000001X", "--kind", "基金会",
                              "--registered", "2015-03-02", "--contact", "刘会长 0832-1234567")
        try round.district.ok("org", "report", "东兴区慈善会", "--year", "2024", "--received", "2025-05-20")
        try round.district.ok("org", "report", "东兴区慈善会", "--year", "2025")
        try round.district.ok("org", "edit", "东兴区慈善会", "--grade", "4", "--charity", "2017-01-05", "--public-fundraising",
                              "--trust", "东兴助学慈善信托:2024-09-01")
        try round.district.ok("org", "add", "--name", "椑木镇农技协会", "--credit-code", "51511011MJ0000002Y", "--kind", "association",
                              "--registered", "2019-07-01")
        try round.district.ok("org", "report", "椑木镇农技协会", "--year", "2025", "--due", "2026-04-30")
        try round.district.ok("project", "add", "东兴区慈善会", "--title", "椑木镇柑橘产业帮扶", "--kind", "产业",
                              "--area", SyncEndToEndTests.town, "--start", "2026-01-01", "--funds", "200000")
        try round.district.ok("project", "add", "东兴区慈善会", "--title", "困难学生助学", "--kind", "education", "--start", "2026-01-01")
        try round.district.ok("volunteer", "add", "--name", "张医生", "--skill", "医护", "--phone", "13812345678", "--village", village)
        try round.district.sync()

        // the village reads the registry and may not write it
        try round.village.sync()
        let orgs = try #require(try round.village.json("org", "list", "--date", "2026-05-10") as? [[String: Any]])
        #expect(Set(orgs.compactMap { $0["name"] as? String }) == ["东兴区慈善会", "椑木镇农技协会"])
        let charity = try #require(orgs.first { $0["name"] as? String == "东兴区慈善会" })
        #expect(charity["evaluationGrade"] as? Int == 4 && charity["publicFundraising"] as? Bool == true)
        #expect(charity["charitableTrusts"] as? [String] == ["东兴助学慈善信托"])
        let refused = try round.village.refused("org", "add", "--name", "某协会", "--credit-code", "51511011MJ0000003Z",
                                                "--kind", "association", "--registered", "2020-01-01")
        #expect(refused.contains("district") || refused.contains("区"), "\(refused)")
        let volunteers = try #require(try round.village.json("volunteer", "list", "--village", village) as? [[String: Any]])
        #expect(volunteers.first?["phone"] as? String == "*******5678", "phone numbers are masked: \(volunteers)")

        // annual reports due, offline on the village laptop: 农技协会 overdue (due 04-30), 慈善会 due 05-31
        let due = try #require(try round.village.json("org", "due", "--as-of", "2026-05-10", "--within", "30") as? [[String: Any]])
        #expect(due.map { $0["name"] as? String } == ["椑木镇农技协会", "东兴区慈善会"], "\(due)")
        #expect(due.first?["daysOverdue"] as? Int == 10)
        // and on the district's `doudi due` worklist beside the households' items
        let worklist = try #require(try round.district.json("due", "--as-of", "2026-05-10", "--within", "30") as? [[String: Any]])
        let reports = worklist.filter { $0["kind"] as? String == "annualReport" }
        #expect(reports.map { $0["name"] as? String } == ["椑木镇农技协会", "东兴区慈善会"] && reports.first?["overdue"] as? Bool == true, "\(worklist)")
        #expect(reports.allSatisfy { $0["clause"] as? String == "3.7" && $0["household"] is NSNull })

        // the village reports a need; the town matches the project that serves it
        try round.village.ok("need", "add", "--kind", "产业", "--summary", "柑橘种植技术和销路", "--households", "12", "--date", "2026-05-12")
        try round.village.sync()
        try round.town.sync()
        let needs = try #require(try round.town.json("need", "list", "--date", "2026-05-15") as? [[String: Any]])
        let need = try #require(needs.count == 1 ? needs.first : nil, "\(needs)")
        let candidates = try #require(need["candidates"] as? [String])
        #expect(candidates.count == 1, "only the industry project serving the town: \(needs)")
        let wrongKind = try round.town.refused("need", "match", String((need["id"] as? String ?? "").prefix(8)), "--project", "困难学生助学")
        #expect(wrongKind.contains("kind"), "\(wrongKind)")
        try round.town.ok("need", "match", String((need["id"] as? String ?? "").prefix(8)), "--project", "椑木镇柑橘产业帮扶")
        try round.town.sync()
        try round.village.sync()
        let matched = try #require(try round.village.json("need", "list") as? [[String: Any]])
        #expect(matched.first?["project"] as? String == candidates.first, "\(matched)")
    }
}
