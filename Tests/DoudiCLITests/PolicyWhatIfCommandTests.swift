import Foundation
import Testing

/// `doudi policy what-if` on the district's and the town's laptops, with households the village
/// registered and surveyed and synced through the real `doudi-server` (see `Round`).
@Suite("doudi policy what-if: a draft's cost per town and programme (real doudi-server)", .serialized)
struct PolicyWhatIfCommandTests {
    /// The shipped policy with its own id, a later effectiveFrom and a dibao standard of `standard`.
    static func draft(standard: String = "400.00", in directory: URL) throws -> String {
        let text = try Doudi.replacing(try Doudi.shippedPolicy(), [
            ("\"id\": \"dongxing-2020\"", "\"id\": \"dongxing-2027-draft\""),
            ("\"effectiveFrom\": \"2020-01-01\"", "\"effectiveFrom\": \"2027-01-01\""),
            ("\"standard\": \"360.00\"", "\"standard\": \"\(standard)\""),
        ])
        let file = directory.appendingPathComponent("draft-\(standard).json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("§3.1.0 a draft raising the dibao standard 360 → 400: the household at 370 per capita gains, the one at 200 gets more; table, CSV and JSON; a bad draft is refused naming the field")
    func raisedStandard() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        // 370 per capita (1,110 for 3): above 360, below 400
        let gains = Round.id("19800301", "013")
        try round.register(address: "五星村2组4号", head: "陈国富", id: gains,
                           members: [("刘春梅", Round.id("19820402", "024"), "配偶", []), ("陈小龙", Round.id("20050506", "035"), "子", [])])
        try round.survey(gains, incomes: ["工资:1110"])
        // 200 per capita (400 for 2): (360 − 200) × 2 now, (400 − 200) × 2 under the draft
        let raised = Round.id("19790611", "046")
        try round.register(address: "五星村3组9号", head: "赵德明", id: raised, members: [("孙桂芝", Round.id("19810712", "028"), "配偶", [])])
        try round.survey(raised, incomes: ["工资:400"])
        try round.village.sync()
        try round.district.sync()
        try round.town.sync()
        let draft = try Self.draft(in: round.directory)

        let report = try #require(try round.district.json("policy", "what-if", "--draft", draft, "--month", "2026-12") as? [String: Any])
        #expect(report["month"] as? String == "2026-12" && report["asOf"] as? String == "2026-12-31")
        #expect((report["current"] as? [String: Any])?["id"] as? String == "dongxing-2020")
        #expect((report["draft"] as? [String: Any])?["dibaoStandardFen"] as? Int == 40_000)
        let rows = try #require(report["rows"] as? [[String: Any]])
        let dibao = try #require(rows.first { $0["town"] as? String == SyncEndToEndTests.town && $0["programme"] as? String == "dibao" }, "\(rows)")
        #expect(dibao["townName"] as? String == "椑木镇" && dibao["programmeName"] as? String == "农村低保")
        func caseload(_ side: String) -> [Int?] {
            let c = dibao[side] as? [String: Any] ?? [:]
            return [c["households"] as? Int, c["persons"] as? Int, c["monthlyAmountFen"] as? Int]
        }
        #expect(caseload("current") == [1, 2, 32_000])
        #expect(caseload("draft") == [2, 5, 49_000])    // (400 − 200) × 2 + (400 − 370) × 3
        #expect(caseload("difference") == [1, 3, 17_000])

        let changes = try #require(report["changes"] as? [[String: Any]])
        #expect(changes.count == 2, "\(changes)")
        let gain = try #require(changes.first { $0["headName"] as? String == "陈国富" })
        #expect(gain["kind"] as? String == "gain" && gain["programme"] as? String == "dibao")
        #expect(gain["beforeFen"] is NSNull && gain["afterFen"] as? Int == 9_000 && gain["clause"] as? String == "3.1.0")
        #expect(gain["villageName"] as? String == "五星村")
        let list = try #require(try round.district.json("household", "list") as? [[String: Any]])
        let shortID = list.first { $0["headName"] as? String == "陈国富" }?["shortID"] as? String
        #expect(shortID != nil && gain["householdShortID"] as? String == shortID)
        let raise = try #require(changes.first { $0["headName"] as? String == "赵德明" })
        #expect(raise["kind"] as? String == "increase" && raise["beforeFen"] as? Int == 32_000 && raise["afterFen"] as? Int == 40_000)

        // the table, and the CSV beside it; no resident ID number anywhere
        let csv = round.directory.appendingPathComponent("what-if.csv")
        let text = try round.district.ok("policy", "what-if", "--draft", draft, "--month", "2026-12", "--csv", csv.path)
        for header in ["乡镇", "项目", "现行户数", "现行人数", "现行月金额", "草案户数", "草案人数", "草案月金额", "增减月金额", "新增享受", "金额增加", "§3.1.0"] {
            #expect(text.contains(header), "\(header) missing: \(text)")
        }
        #expect(text.contains("+170.00"), "\(text)")
        let bytes = try Data(contentsOf: csv)
        let file = String(decoding: bytes, as: UTF8.self)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && file.contains("\r\n乡镇,项目,现行户数,现行人数,现行月金额,草案户数,草案人数,草案月金额,增减户数,增减人数,增减月金额\r\n"))
        #expect(file.contains("椑木镇,农村低保,1,2,320.00,2,5,490.00,1,3,170.00"), "\(file)")
        // --json with --csv: standard output stays one JSON document
        let csvBeside = round.directory.appendingPathComponent("what-if-2.csv")
        let jsonText = try round.district.ok("policy", "what-if", "--draft", draft, "--month", "2026-12", "--json", "--csv", csvBeside.path)
        #expect((try? JSONSerialization.jsonObject(with: Data(jsonText.utf8))) != nil, "\(jsonText)")
        #expect(try Data(contentsOf: csvBeside) == bytes)
        for id in [gains, raised] {
            #expect(!text.contains(id) && !file.contains(id) && !jsonText.contains(id))
        }

        // the town's laptop: its own town, the same figures
        let town = try #require(try round.town.json("policy", "what-if", "--draft", draft, "--month", "2026-12") as? [String: Any])
        let townRows = try #require(town["rows"] as? [[String: Any]])
        #expect(townRows.contains { $0["programme"] as? String == "dibao" && ($0["draft"] as? [String: Any])?["monthlyAmountFen"] as? Int == 49_000 })
        #expect(!townRows.contains { $0["town"] is NSNull }, "one town: no district total")

        // a bad draft: the policy file's own error, naming the field
        let bad = try Self.draft(standard: "1300.00", in: round.directory)   // every tier (120 first) below 10% of 1300 (§3.1.6)
        let refused = try round.district.refused("policy", "what-if", "--draft", bad)
        #expect(refused.contains("dibao.classifiedAid.tiers[0]") && refused.contains("§3.1.6"), "\(refused)")
    }
}
