import Foundation
import Testing

/// §4.4 through the CLI and the real server: the district declares a special period and its
/// end; the declaration reaches the town laptop by sync; on the last day of the 3 months after
/// the end the town approves right after its collective review (dibao, and temporary aid above
/// its normal 3 × limit), on the day after it may not; the server accepts the special steps
/// when the town syncs; the district sees them marked and files them once their notice is posted.
@Suite("§4.4 special approval period end to end (real doudi-server)", .serialized)
struct SpecialPeriodEndToEndTests {
    @Test("§4.4 declared by the district, synced to the town; inside the continuation the town approves before the notice; the day after, the normal procedure; the district files the marked approvals")
    func specialPeriodRound() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let lastDay = "2026-11-06"     // 2026-08-06 + 3 months: Round.reviewDay
        let dayAfter = "2026-11-07"

        // the town cannot declare one; the district declares, then declares the end
        let refused = try round.town.refused("policy", "special", "declare", "--title", "疫情防控期间", "--basis", "通知", "--start", "2026-06-01")
        #expect(refused.contains("district"), "\(refused)")
        try round.district.ok("policy", "special", "declare", "--title", "新冠肺炎疫情防控期间",
                              "--basis", "东兴区民政局关于疫情防控期间社会救助审批的通知", "--start", "2026-06-01")
        let listed = try #require(try round.district.json("policy", "special", "list", "--date", "2026-07-01") as? [String: Any])
        let period = try #require((listed["periods"] as? [[String: Any]])?.first?["id"] as? String)
        // the end is declared as it happens: the day after it (DOUDI_TODAY plays the calendar)
        func end(_ on: String, today: String) throws -> Doudi.Run {
            try Doudi.run(["policy", "special", "end", String(period.prefix(8)), "--on", on, "--basis", "东兴区疫情防控应急响应调整的通知",
                           "--store", round.district.store.path], environment: round.district.environment.merging(["DOUDI_TODAY": today]) { $1 })
        }
        let late = try end("2026-06-15", today: "2026-11-06")   // its continuation would have closed on 09-15, before today
        #expect(late.status == 1 && late.stderr.contains("no earlier than 2026-08-06"), "\(late.stderr)")
        let ended = try end("2026-08-06", today: "2026-08-07")
        #expect(ended.status == 0 && ended.stdout.contains("2026-11-06") && ended.stdout.contains("2026-11-07"), "\(ended.stdout) \(ended.stderr)")
        try round.district.sync()

        // three households apply: dibao, temporary aid of 2,000 a person (normal town limit 1,080), dibao
        let a = Round.id("19600305", "031")
        try round.register(address: "五星村1组3号", head: "王德明", id: a, ["--labour", "完全丧失"])
        try round.survey(a)
        try round.apply(a, "dibao")
        let b = Round.id("19700815", "052")
        try round.register(address: "五星村3组8号", head: "周秀英", id: b)
        try round.survey(b, incomes: ["工资:600"])
        try round.apply(b, "temporaryAid", ["--type", "expenditure", "--hardship", "particular", "--amount", "2000", "--persons", "1"])
        let c = Round.id("19581120", "063")
        try round.register(address: "五星村4组1号", head: "赵家富", id: c, ["--labour", "完全丧失"])
        try round.survey(c)
        try round.apply(c, "dibao")
        try round.village.sync()

        // the town knows from its own laptop which days are special
        try round.town.sync()
        let onLastDay = try #require(try round.town.json("policy", "special", "list", "--date", lastDay) as? [String: Any])
        #expect(onLastDay["specialPeriod"] as? String == period && onLastDay["continuation"] as? Bool == true, "\(onLastDay)")
        let onDayAfter = try #require(try round.town.json("policy", "special", "list", "--date", dayAfter) as? [String: Any])
        #expect(onDayAfter["specialPeriod"] is NSNull, "\(onDayAfter)")

        let queue = try round.town.applications(stage: "submitted")
        let dibaoA = try #require(queue.first { $0.head == "王德明" }), aid = try #require(queue.first { $0.head == "周秀英" })
        let dibaoC = try #require(queue.first { $0.head == "赵家富" })
        for (app, day) in [(dibaoA, lastDay), (aid, lastDay), (dibaoC, dayAfter)] {
            try round.town.ok("review", "start", app.id, "--date", day)
            try round.town.ok("review", "collective", app.id, "--date", day, "--chair", "王镇长", "--recorder", "李干事", "--agree", "7", "--disagree", "0")
        }
        // the last day of the continuation: approved at once, marked, the notice to follow
        let approved = try round.town.ok("review", "approve", dibaoA.id, "--date", lastDay)
        #expect(approved.contains("特殊程序") && approved.contains("公示待补"), "\(approved)")
        try round.town.ok("review", "approve", aid.id, "--date", lastDay, "--amount", "2000")
        // the day after: the normal procedure is back by itself
        let normal = try round.town.refused("review", "approve", dibaoC.id, "--date", dayAfter)
        #expect(normal.contains("post the public notice") || normal.contains("张榜公示"), "\(normal)")
        try round.town.ok("review", "notice", dibaoC.id, "--date", dayAfter)
        // the notices of the special approvals follow
        for app in [dibaoA, aid] { try round.town.ok("review", "notice", app.id, "--date", Round.noticeDay) }
        // they are on the notice sheet of that day, with the cases posted normally that day
        let sheet = try round.town.ok("notice", "sheet", "--posted", Round.noticeDay)
        #expect(sheet.contains("王德明") && sheet.contains("周秀英"), "\(sheet)")
        let sheetJSON = try #require(try round.town.json("notice", "sheet", "--posted", Round.noticeDay) as? [String: Any])
        let sheetRows = try #require(sheetJSON["rows"] as? [[String: String]])
        #expect(Set(sheetRows.compactMap { $0["户主姓名"] }).isSuperset(of: ["王德明", "周秀英"]) && sheetJSON["postedOn"] as? String == Round.noticeDay, "\(sheetJSON)")
        #expect(sheetRows.allSatisfy { $0["身份证号"]?.contains("*") == true }, "ID numbers masked: \(sheetRows)")
        try round.town.sync()   // the server replays the special steps against the synced period: nothing rejected

        // the district's filing list shows them marked
        try round.district.sync()
        let rows = try #require(try round.district.json("review", "list", "--all", "--stage", "approved", "--date", Round.districtDay) as? [[String: Any]])
        let marked = Set(rows.filter { $0["specialProcedure"] as? Bool == true }.compactMap { $0["application"] as? String })
        #expect(marked == [dibaoA.id, aid.id], "\(rows)")
        #expect(rows.allSatisfy { $0["noticePending"] as? Bool == false })
        try round.districtFiles()
        let roll = try round.district.roll("2026-11")
        #expect(roll.lines("临时救助", payee: "周秀英").map(\.total) == ["2000.00"], "\(roll.text)")
        #expect(try round.district.roll("2026-12").lines("农村低保", payee: "王德明").count == 1)
    }
}
