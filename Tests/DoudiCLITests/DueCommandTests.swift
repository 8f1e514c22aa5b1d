import Foundation
import Testing

/// `doudi due`: the worklist of what falls due, on the village's and the town's laptops, after a
/// real round (village → town → district against a real `doudi-server`).
@Suite("doudi due: the worklist on every laptop (real doudi-server for the round)", .serialized)
struct DueCommandTests {
    static func items(_ desk: Round.Desk, _ arguments: String...) throws -> [[String: Any]] {
        try #require(try desk.json(["due", "--json"] + arguments) as? [[String: Any]])
    }

    @Test("§3.2.1 §3.6.4 §3.3.1 a 特困 child turning 16, aid-first paperwork and re-surveys fall due; ID numbers masked; an income of 0 is no income; the child counts against the target")
    func worklist() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        try round.district.sync()
        try round.district.ok("fund", "allocate", SyncEndToEndTests.town, "--amount", "1000", "--date", "2026-11-02")
        try round.district.sync()

        // §3.2.1 an elderly person alone, labour capacity not entered, surveyed with 工资 0.00 (a recorded zero)
        let elder = Round.id("19420108", "017")
        try round.register(address: "五星村6组2号", head: "郑永福", id: elder, ["--supporter", "none"])
        try round.survey(elder, incomes: ["工资:0"])
        try round.apply(elder, "tekun", ["--member", "郑永福"])
        // §3.2.1 a grandchild of 15 without supporter, labour capacity not entered: deemed to have none; 16 on 2026-12-20
        let grandmother = Round.id("19500808", "122")
        let child = Round.id("20101220", "031")
        try round.register(address: "五星村4组6号", head: "孙玉珍", id: grandmother,
                           members: [(name: "孙小宝", id: child, relation: "孙子女", options: ["--supporter", "none"])])
        try round.survey(grandmother, incomes: ["经营:1200"])
        try round.apply(grandmother, "tekun", ["--member", "孙小宝"])
        // §3.6.4 emergency aid, paid first by the town on 2026-11-09
        let burnt = Round.id("19720721", "071")
        try round.register(address: "五星村2组15号", head: "刘建国", id: burnt)
        try round.apply(burnt, "temporaryAid", ["--type", "emergency", "--hardship", "ordinary", "--amount", "800", "--persons", "1"])
        try round.village.sync()
        try round.town.sync()
        let emergency = try #require(try round.town.applications(stage: "submitted").first { $0.programme == "临时救助" })
        try round.town.ok("review", "start", emergency.id, "--date", Round.reviewDay)
        try round.town.ok("review", "pay-first", emergency.id, "--date", Round.noticeDay, "--amount", "800")
        let queue = try round.wholeRound()
        #expect(queue.map(\.programme) == ["特困人员救助供养", "特困人员救助供养"], "both 特困 under the national rule: \(queue)")
        try round.village.sync()

        // the town's worklist, 30 days from 2026-12-01
        let town = try Self.items(round.town, "--as-of", "2026-12-01", "--within", "30")
        let kinds = town.map { "\($0["kind"] as? String ?? "")@\($0["due"] as? String ?? "")" }
        #expect(kinds == ["aidFirstPaperwork@2026-12-09", "tekunMinorAge@2026-12-20"], "\(town)")
        let minor = try #require(town.first { $0["kind"] as? String == "tekunMinorAge" })
        #expect(minor["name"] as? String == "孙小宝" && minor["clause"] as? String == "3.2.1" && minor["village"] as? String == SyncEndToEndTests.villageA)
        #expect((minor["residentIDMasked"] as? String)?.contains("********") == true)
        #expect((minor["householdShortID"] as? String)?.count == 8)
        let aid = try #require(town.first { $0["kind"] as? String == "aidFirstPaperwork" })
        #expect(aid["clause"] as? String == "3.6.4" && aid["name"] as? String == "刘建国" && aid["overdue"] as? Bool == false)

        // a year ahead: both 特困 households are due their re-survey 12 months after 2026-11-03 (setting)
        let year = try Self.items(round.town, "--as-of", "2026-12-01", "--within", "400")
        #expect(year.filter { $0["kind"] as? String == "resurvey" }.map { $0["due"] as? String } == ["2027-11-03", "2027-11-03"])

        // the village cadre's laptop, offline: the same 特困 child; the table masks every ID number
        let village = try Self.items(round.village, "--as-of", "2026-12-01")
        #expect(village.contains { $0["kind"] as? String == "tekunMinorAge" && $0["due"] as? String == "2026-12-20" }, "\(village)")
        let table = try round.village.ok("due", "--as-of", "2026-12-15", "--within", "10")
        #expect(table.contains("特困未成年人满龄") && table.contains("§3.2.1"), "\(table)")
        for id in [elder, grandmother, child, burnt] { #expect(!table.contains(id)) }
        let overdue = try round.town.ok("due", "--as-of", "2026-12-15", "--within", "10")
        #expect(overdue.contains("2026-12-09 逾期") && overdue.contains("先行救助补办手续"), "\(overdue)")

        // §3.3.1 the 特困 child counts as a child in difficulty, on the town's ledger and in the district's total
        let townLedger = try round.town.ok("ledger", "--date", "2026-12-01")
        #expect(townLedger.contains("本镇困境儿童 1 人（孤儿 0，事实无人抚养儿童 0，特困供养儿童 1，低保家庭儿童 0），全区目标 1450 人 §3.3.1"), "\(townLedger)")
        try round.district.sync()
        let districtLedger = try round.district.ok("ledger", "--date", "2026-12-01")
        #expect(districtLedger.contains("全区困境儿童 1 人") && districtLedger.contains("全区目标 1450 人，完成 0.1%"), "\(districtLedger)")

        // a village outside the laptop's jurisdiction is refused
        #expect(try round.village.refused("due", "--village", "511011101202").contains("outside your jurisdiction"))
    }
}
