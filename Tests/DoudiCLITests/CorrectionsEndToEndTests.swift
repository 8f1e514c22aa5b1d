import Foundation
import Testing

/// The corrections people make every day, and the stop-payment decision (停保), through the
/// CLI and the real server (issue 13): a visit dated in the future is refused; a mistaken
/// survey is voided and a mistaken void restored; a second application for the same programme
/// is warned of and withdrawn; a household still paid cannot be voided; the town stops payment
/// after a move and a death; the payment roll pays through the last month and not after.
@Suite("corrections and 停保 end to end (real doudi-server)", .serialized)
struct CorrectionsEndToEndTests {
    /// The short id a command printed after `label`, e.g. `Recorded survey 1a2b3c4d`.
    static func shortID(after label: String, in output: String) throws -> String {
        let range = try #require(output.range(of: label + " "), "no \(label) in \(output)")
        return String(output[range.upperBound...].prefix { $0.isHexDigit })
    }

    @Test("corrections and 停保 reach the payment roll: paid through the last month, not after")
    func correctionsReachTheRoll() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let village = round.village.on(Round.surveyDay)

        // 马大勇 and 周秀兰 (grade-2 disability): dibao with her classified aid and living subsidy
        let ma = Round.id("19550301", "013"), zhou = Round.id("19570402", "024")
        try round.register(address: "五星村5组1号", head: "马大勇", id: ma,
                           ["--labour", "部分丧失", "--bank", "农商银行", "--account-name", "马大勇", "--account-number", "6230000000000001"],
                           members: [("周秀兰", zhou, "配偶", ["--labour", "完全丧失", "--disability", "肢体:2"])])
        // 郑永福, alone: 特困
        let zheng = Round.id("19420108", "017")
        try round.register(address: "五星村6组2号", head: "郑永福", id: zheng, ["--labour", "完全丧失", "--supporter", "none"])

        // a visit dated after today is refused; a visit voided by mistake is restored
        let future = try village.refused("visit", "record", ma, "--date", "2026-11-04", "--visitor", "李会计", "--visitor", "王主任",
                                         "--interviewee", "马大勇", "--observations", "土坯房")
        #expect(future.contains("future") && future.contains("2026-11-03"), "\(future)")
        let visit = try Self.shortID(after: "Recorded visit", in: try village.ok(
            "visit", "record", ma, "--date", Round.surveyDay, "--visitor", "李会计", "--visitor", "王主任",
            "--interviewee", "马大勇", "--observations", "土坯房，家中无大件电器"))
        try village.ok("visit", "void", visit, "--reason", "记错户")
        try village.ok("visit", "restore", visit, "--reason", "误作废，走访属实")
        #expect(try village.refused("visit", "restore", visit, "--reason", "再恢复").contains("not voided"))

        // the right survey, then a mistaken one the same day (which the assessment would use), voided
        try round.survey(ma, incomes: ["经营:200"])
        try round.survey(zheng)
        let wrong = try Self.shortID(after: "Recorded survey", in: try village.ok(
            "survey", "record", ma, "--date", Round.surveyDay, "--surveyor", "李会计", "--surveyor", "王主任", "--income", "工资:3000"))
        #expect(try village.refused("survey", "void", wrong).contains("reason"))
        try village.ok("survey", "void", wrong, "--reason", "收入录入错误：为邻户工资")

        // a second dibao application of the same household: warned at apply and in the town's queue, then withdrawn
        try round.apply(ma, "dibao")
        let second = try village.ok("apply", ma, "--programme", "dibao", "--summary", "再次申请", "--date", Round.applyDay, "--submit")
        #expect(second.contains("注意") && second.contains("重复"), "\(second)")
        let duplicate = try Self.shortID(after: "Drafted application", in: second)
        try round.apply(zheng, "tekun", ["--member", "郑永福"])
        try round.village.sync()
        try round.town.sync()
        let queue = try #require(try round.town.json("review", "list", "--all", "--date", Round.reviewDay) as? [[String: Any]])
        #expect(queue.filter { $0["head"] as? String == "马大勇" }.allSatisfy { ($0["duplicateWarning"] as? String)?.contains("农村低保") == true },
                "\(queue)")
        #expect(queue.first { $0["head"] as? String == "郑永福" }?["duplicateWarning"] == nil)
        let withdrawn = try village.ok("apply", "withdraw", duplicate, "--reason", "重复申请，申请人自愿撤回", "--date", Round.applyDay)
        #expect(withdrawn.contains("已撤回"), "\(withdrawn)")

        // the round: the withdrawn application is no longer in the queue
        let reviewed = try round.wholeRound { app in app.head == "马大勇" ? ["--tier", "周秀兰=1"] : [] }
        #expect(reviewed.map(\.head).sorted() == ["郑永福", "马大勇"], "\(reviewed.map(\.head))")

        let december = try round.district.roll("2026-12")
        #expect(december.lines("农村低保").map(\.total) == ["640.00"], "520 (360 × 2 − 200) + 120 tier 1: \(december.text)")
        #expect(december.lines("困难残疾人生活补贴", payee: "周秀兰").map(\.total) == ["100.00"])
        #expect(december.lines("特困人员救助供养", payee: "郑永福").map(\.total) == ["500.00"])

        // the village cannot void a household still paid, nor decide 停保
        try round.village.sync()
        let stillPaid = try round.village.refused("household", "void", zheng, "--reason", "全户迁往外省")
        #expect(stillPaid.contains("停保") && stillPaid.contains("doudi enrolment stop"), "\(stillPaid)")
        #expect(try round.village.refused("enrolment", "stop", zheng, "--reason", "迁往外省", "--last-month", "2027-01").contains("town"))

        // the village records her death; that alone stops nothing: it says the town decides 停保
        let recorded = try round.village.ok("member", "edit", zhou, "--person-status", "死亡")
        #expect(recorded.contains("停保") && recorded.contains("--died"), "\(recorded)")
        try round.village.sync()
        try round.town.sync()

        // the town decides: 郑永福 moved away, paid through January; 周秀兰 died on 14 January
        let moved = try round.town.ok("enrolment", "stop", zheng, "--reason", "迁往外省居住", "--ground", "迁出", "--last-month", "2027-01",
                                      "--date", "2026-12-20")
        #expect(moved.contains("特困人员救助供养") && moved.contains("2027-01"), "\(moved)")
        let died = try round.town.ok("enrolment", "stop", ma, "--member", "周秀兰", "--died", "2027-01-14", "--reason", "因病去世", "--date", "2027-01-20")
        #expect(died.contains("死亡") && died.contains("分类救助") && died.contains("困难残疾人生活补贴") && !died.contains("农村低保（"), "\(died)")
        try round.town.sync()

        // now the village may void the household; the server agrees
        try round.village.sync()
        try round.village.ok("household", "void", zheng, "--reason", "全户迁往外省")
        try round.village.sync()
        try round.district.sync()

        let january = try round.district.roll("2027-01")
        #expect(january.lines("特困人员救助供养", payee: "郑永福").map(\.total) == ["500.00"], "voided, and still paid its last month: \(january.text)")
        #expect(january.lines("农村低保").map(\.total) == ["640.00"], "the month of death is paid in full")
        #expect(january.lines("困难残疾人生活补贴").map(\.total) == ["100.00"])

        let february = try round.district.roll("2027-02")
        #expect(february.lines("特困人员救助供养").isEmpty, "not after the last month: \(february.text)")
        #expect(february.lines("困难残疾人生活补贴").isEmpty)
        #expect(february.lines("农村低保").map(\.total) == ["520.00"], "the household's dibao goes on without her classified aid")
        #expect(february.lines.count == 1, "\(february.text)")

        // a household voided by mistake is restored, with the reason; the server accepts it
        let chen = Round.id("19680512", "035")
        try round.register(address: "五星村2组9号", head: "陈国强", id: chen)
        try round.village.ok("household", "void", chen, "--reason", "以为已迁出")
        try round.village.ok("household", "restore", chen, "--reason", "误注销，仍在本村居住")
        try round.village.sync()
        try round.town.sync()
        let restored = try #require(try round.town.json("household", "show", chen) as? [String: Any])
        #expect((restored["household"] as? [String: Any])?["status"] as? String == "active", "\(restored)")
    }
}
