import Foundation
import Testing

/// Whole village → town → district rounds with the real `doudi-server` and `doudi` (see
/// `Round`): a household is registered, surveyed and applies; the town reviews, posts the
/// notice and approves; the district files and prints the payment roll, whose bank CSV is
/// checked against the numbers of the shipped 2020 policy (`ServerConfig/policy/dongxing-2020.json`).
@Suite("doudi rounds end to end: village → town → district → payment roll (real doudi-server)", .serialized)
struct RoundEndToEndTests {
    // MARK: - the 2020 policy's numbers, in fen

    /// The standards of the shipped policy file, read from it (not restated here).
    struct Policy {
        let json: [String: Any]

        init() throws {
            let text = try Doudi.shippedPolicy()
            json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        func value(_ path: String...) throws -> Any {
            var node: Any = json
            for key in path { node = try #require((node as? [String: Any])?[key], "policy has no \(path.joined(separator: "."))") }
            return node
        }

        func fen(_ path: String...) throws -> Int {
            var node: Any = json
            for key in path { node = try #require((node as? [String: Any])?[key], "policy has no \(path.joined(separator: "."))") }
            return try RoundEndToEndTests.fen(try #require(node as? String))
        }

        var dibaoStandard: Int { get throws { try fen("dibao", "standard") } }
        func classifiedAidTier(_ n: Int) throws -> Int {
            let tiers = try #require(try value("dibao", "classifiedAid", "tiers") as? [String])
            return try RoundEndToEndTests.fen(tiers[n - 1])
        }
        var tekun: Int { get throws { try fen("tekun", "standard") } }
        var orphan: Int { get throws { try fen("children", "orphanStandard") } }
        var unsupportedChild: Int { get throws { try fen("children", "unsupportedChildStandard") } }
        var livingSubsidy: Int { get throws { try fen("disability", "livingSubsidy") } }
        var gradualExitMonths: Int { get throws { try #require(try value("dibao", "gradualExit", "maxMonths") as? Int) } }
        /// §3.6.3: the town approves up to this many times the dibao standard per person.
        var townAidLimit: Int { get throws { try #require(try value("temporaryAid", "townAuthorityMultipleOfStandard") as? Int) * dibaoStandard } }
    }

    /// "360.00" → 36000.
    static func fen(_ yuan: String) throws -> Int {
        let parts = yuan.split(separator: ".", omittingEmptySubsequences: false)
        let whole = try #require(Int(parts[0]), "not yuan: \(yuan)")
        let cents = parts.count > 1 ? try #require(Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0)), "not yuan: \(yuan)") : 0
        return whole * 100 + cents
    }

    /// 36000 → "360.00", as the roll prints it.
    static func yuan(_ fen: Int) -> String { String(format: "%d.%02d", fen / 100, fen % 100) }

    /// §3.1.0 (差额补助): (standard − per-capita income) × covered persons, in fen.
    static func dibao(standard: Int, householdIncome: Int, persons: Int) -> Int {
        (standard - householdIncome / persons) * persons
    }

    /// The fen of the one determination of `programme` (for `member`, by name) in an assessment.
    static func assessed(_ assessment: [String: Any], _ programme: String, member: String? = nil) throws -> Int {
        let all = try #require(assessment["determinations"] as? [[String: Any]])
        let found = try #require(all.first { $0["programme"] as? String == programme && $0["memberName"] as? String == member },
                                 "no \(programme) determination for \(member ?? "the household") in \(all)")
        return try #require(found["monthlyAmountFen"] as? Int)
    }

    // MARK: - §3.1 dibao and classified aid, §3.4.1

    @Test("§3.1.6 dibao with classified aid and the §3.4.1 disability living subsidy reach the roll of the month after approval")
    func dibaoWithClassifiedAidAndDisabilitySubsidy() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let head = Round.id("19550301", "013"), spouse = Round.id("19570402", "024")
        try round.register(address: "五星村5组1号", head: "马大勇", id: head,
                           ["--labour", "部分丧失", "--bank", "农商银行", "--account-name", "马大勇", "--account-number", "6230000000000001"],
                           members: [("周秀兰", spouse, "配偶", ["--labour", "完全丧失", "--disability", "肢体:2"])])
        try round.survey(head, incomes: ["经营:200"])
        try round.apply(head, "dibao")
        try round.wholeRound { _ in ["--tier", "周秀兰=1", "--tier", "马大勇=3"] }

        #expect(try round.district.roll("2026-11").lines.isEmpty, "nothing is paid in the month of approval")

        let roll = try round.district.roll("2026-12")
        let dibao = try #require(roll.lines("农村低保").onlyElement, "\(roll.text)")
        let basic = Self.dibao(standard: try policy.dibaoStandard, householdIncome: 20_000, persons: 2)
        let classified = try policy.classifiedAidTier(1) + policy.classifiedAidTier(3)
        #expect(dibao.payee == "马大勇" && dibao["身份证号"] == head, "the bank file carries the full ID number")
        #expect(dibao["乡镇"] == "椑木镇" && dibao["村"] == "五星村")
        #expect(dibao["一卡通账号"] == "6230000000000001" && dibao["账户名"] == "马大勇" && dibao["开户行"] == "农商银行")
        #expect(dibao.persons == "2")
        #expect(dibao.basic == Self.yuan(basic) && dibao.basic == "520.00")
        #expect(dibao.classifiedAid == Self.yuan(classified) && dibao.classifiedAid == "160.00")
        #expect(dibao.total == Self.yuan(basic + classified))
        #expect(dibao["发放年月"] == "2026年12月")

        let living = try #require(roll.lines("困难残疾人生活补贴").onlyElement, "\(roll.text)")
        #expect(living.payee == "周秀兰" && living["身份证号"] == spouse && living.persons == "1")
        #expect(living.basic == Self.yuan(try policy.livingSubsidy) && living.total == "100.00")
        #expect(roll.lines.count == 2, "\(roll.text)")
    }

    // MARK: - §3.2 特困

    @Test("§3.2.1–§3.2.2 an elderly person alone without labour, income or supporter: 特困 per person at the tekun standard")
    func tekunElderlyAlone() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let head = Round.id("19420108", "017")
        try round.register(address: "五星村6组2号", head: "郑永福", id: head, ["--labour", "完全丧失", "--supporter", "none"])
        try round.survey(head)
        try round.apply(head, "tekun", ["--member", "郑永福"])
        let queue = try round.wholeRound()
        #expect(queue.map(\.programme) == ["特困人员救助供养"])

        let roll = try round.district.roll("2026-12")
        let line = try #require(roll.lines.onlyElement, "one line, and no dibao beside 特困: \(roll.text)")
        #expect(line.item == "特困人员救助供养" && line.payee == "郑永福" && line["身份证号"] == head)
        #expect(line.persons == "1" && line.classifiedAid == "0.00")
        #expect(line.total == Self.yuan(try policy.tekun) && line.total == "500.00")
    }

    // MARK: - §3.3 children

    @Test("§3.3.2 an orphan living with grandparents: the orphan allowance reaches the roll at the orphan standard")
    func orphanWithGrandparents() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let head = Round.id("19530303", "019"), child = Round.id("20140416", "048")
        try round.register(address: "五星村6组3号", head: "林国庆", id: head, ["--labour", "部分丧失"], members: [
            ("黄秀珍", Round.id("19550719", "026"), "配偶", []),
            ("林小雨", child, "孙子女", ["--employment", "学生", "--father", "dead", "--mother", "dead"]),
        ])
        // the grandparents' income is above the dibao standard: the allowance is the child's own
        try round.survey(head, incomes: ["工资:1500", "经营:800:annual"])
        try round.apply(head, "orphan", ["--member", "林小雨"])
        try round.wholeRound()

        let roll = try round.district.roll("2026-12")
        let line = try #require(roll.lines.onlyElement, "\(roll.text)")
        #expect(line.item == "孤儿基本生活费" && line.payee == "林小雨" && line["身份证号"] == child && line.persons == "1")
        #expect(line.total == Self.yuan(try policy.orphan) && line.total == "900.00")
    }

    @Test("§3.3.3–§3.3.4 a de-facto unsupported child: dibao first, the top-up to the standard reaches the roll at the assessed amount")
    func unsupportedChildTopUp() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        // A: grandmother and a child of 17 whose father is imprisoned and mother dead; the children are 16 and over, so
        // not 特困 minors (§3.2.1, under 16 a child without able supporter is 特困 first: AssessCommandTests, 07-…)
        let a = Round.id("19500211", "022")
        try round.register(address: "五星村7组9号", head: "何翠英", id: a, ["--labour", "部分丧失", "--category", "特殊困难户"], members: [
            ("何小军", Round.id("20090903", "037"), "孙子女",
             ["--employment", "学生", "--supporter", "unable", "--father", "imprisoned", "--mother", "dead"]),
        ])
        // B: the same, and the town gives the child classified aid tier 1 with the dibao
        let b = Round.id("19510506", "044")
        try round.register(address: "五星村7组10号", head: "罗桂芳", id: b, ["--labour", "部分丧失"], members: [
            ("罗小花", Round.id("20100607", "046"), "孙子女",
             ["--employment", "学生", "--supporter", "unable", "--father", "dead", "--mother", "imprisoned"]),
        ])
        for (household, child) in [(a, "何小军"), (b, "罗小花")] {
            try round.survey(household, incomes: ["经营:200"])
            try round.apply(household, "dibao")
            try round.apply(household, "unsupportedChild", ["--member", child])
        }
        let queue = try round.wholeRound { app in
            app.head == "罗桂芳" && app.programme == "农村低保" ? ["--tier", "罗小花=1"] : []
        }
        #expect(queue.count == 4)

        let roll = try round.district.roll("2026-12")
        let dibao = Self.dibao(standard: try policy.dibaoStandard, householdIncome: 20_000, persons: 2)
        let share = dibao / 2  // what the child already gets from the household's dibao
        #expect(roll.lines("农村低保").map(\.basic) == [Self.yuan(dibao), Self.yuan(dibao)], "\(roll.text)")

        // A: 900 − 260 = 640, as `doudi assess` says for the month paid
        let lineA = try #require(roll.lines("事实无人抚养儿童基本生活补贴", payee: "何小军").onlyElement, "\(roll.text)")
        let assessedA = try Self.assessed(try round.district.assess(a, asOf: "2026-12-15"), "unsupportedChild", member: "何小军")
        #expect(assessedA == (try policy.unsupportedChild) - share)
        #expect(lineA.total == Self.yuan(assessedA) && lineA.total == "640.00" && lineA.persons == "1")

        // B: the classified aid counts in what the child already gets: 900 − 260 − 120 = 520 (§3.3.4)
        let lineB = try #require(roll.lines("事实无人抚养儿童基本生活补贴", payee: "罗小花").onlyElement, "\(roll.text)")
        let assessedB = try Self.assessed(try round.district.assess(b, asOf: "2026-12-15"), "unsupportedChild", member: "罗小花")
        let tier1 = try policy.classifiedAidTier(1)
        #expect(assessedB == (try policy.unsupportedChild) - share - tier1)
        #expect(try #require(roll.lines("农村低保", payee: "罗桂芳").onlyElement).classifiedAid == Self.yuan(try policy.classifiedAidTier(1)))
        // the top-up is assessed for the first month paid, with the classified aid approved with the dibao
        #expect(lineB.total == Self.yuan(assessedB), "roll pays \(lineB.total), the assessment of the month says \(Self.yuan(assessedB))")
    }

    // MARK: - §3.6 temporary aid

    @Test("§3.6.3 temporary aid: the town approves within 3 × the standard (1800 for 2 × 900); above it (1500) the town refers and the district approves 4500")
    func temporaryAidAuthority() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let head = Round.id("19720721", "071")
        try round.register(address: "五星村2组15号", head: "刘建国", id: head, members: [
            ("陈桂兰", Round.id("19751102", "082"), "配偶", []),
            ("刘洋", Round.id("19980418", "091"), "子", []),
        ])
        try round.survey(head, incomes: ["工资:2400"])
        try round.apply(head, "temporaryAid", ["--type", "expenditure", "--hardship", "ordinary", "--amount", "900", "--persons", "2"])
        try round.apply(head, "temporaryAid", ["--type", "expenditure", "--hardship", "particular", "--amount", "1500", "--persons", "3"])
        try round.village.sync()
        let queue = try round.townReviews()
        let within = try #require(queue.first { $0.assessed == "900.00×2" }, "\(queue)")
        let above = try #require(queue.first { $0.assessed == "1500.00×3" }, "\(queue)")
        #expect(try 90_000 <= policy.townAidLimit && policy.townAidLimit < 150_000)

        try round.town.ok("review", "approve", within.id, "--date", Round.approvalDay, "--amount", "900")
        let refused = try round.town.refused("review", "approve", above.id, "--date", Round.approvalDay, "--amount", "1500")
        #expect(refused.contains(Self.yuan(try policy.townAidLimit)) && refused.contains("refer"), "\(refused)")
        try round.town.ok("review", "refer", above.id, "--date", Round.approvalDay, "--note", "房屋倒塌，建议每人1500元，报区审批")
        try round.town.sync()

        try round.district.sync()
        #expect(try round.district.applications(on: Round.districtDay).first { $0.id == above.id }?.stage == "referredToDistrict")
        try round.district.ok("review", "approve", above.id, "--date", Round.districtDay, "--amount", "1500", "--note", "同意每人1500元")
        try round.districtFiles()

        let roll = try round.district.roll("2026-11")
        let aid = roll.lines("临时救助", payee: "刘建国")
        #expect(aid.map(\.total).sorted() == ["1800.00", "4500.00"], "\(roll.text)")
        #expect(aid.first { $0.total == "1800.00" }?.persons == "2" && aid.first { $0.total == "4500.00" }?.persons == "3")
        #expect(aid.allSatisfy { $0["发放年月"] == "2026年11月" && $0.remark.contains("支出型") })
        #expect(try round.district.roll("2026-12").lines.isEmpty, "temporary aid is paid once")
    }

    @Test("§3.6.4–§3.6.5 emergency aid first from the reserve fund; a draw beyond its balance is refused and writes nothing")
    func emergencyAidFirst() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)

        try round.district.sync()
        try round.district.ok("fund", "allocate", SyncEndToEndTests.town, "--amount", "1000", "--date", "2026-11-02")
        try round.district.sync()

        let head = Round.id("19500808", "122")
        try round.register(address: "五星村4组6号", head: "孙玉珍", id: head, ["--labour", "完全丧失", "--health", "重病"])
        try round.apply(head, "temporaryAid", ["--type", "emergency", "--hardship", "ordinary", "--amount", "800", "--persons", "1"])
        try round.apply(head, "temporaryAid", ["--type", "emergency", "--hardship", "ordinary", "--amount", "500", "--persons", "1"])
        try round.village.sync()

        let town = round.town
        try town.sync()
        #expect(try town.ok("fund", "show").contains("余额 balance 1000.00"))
        let queue = try town.applications(stage: "submitted")
        let first = try #require(queue.first { $0.assessed == "800.00×1" }, "\(queue)")
        let second = try #require(queue.first { $0.assessed == "500.00×1" }, "\(queue)")
        for app in [first, second] { try town.ok("review", "start", app.id, "--date", Round.reviewDay) }

        let paid = try town.ok("review", "pay-first", first.id, "--date", Round.noticeDay, "--amount", "800")
        #expect(paid.contains("备用金先行支付"), "\(paid)")
        #expect(try town.ok("fund", "show").contains("余额 balance 200.00"))

        let refused = try town.refused("review", "pay-first", second.id, "--date", Round.noticeDay, "--amount", "500")
        #expect(refused.contains("overdraw") && refused.contains("200.00"), "\(refused)")
        #expect(try town.ok("fund", "show").contains("余额 balance 200.00"), "the refused draw left the fund as it was")
        #expect(try town.applications().first { $0.id == second.id }?.stage == "townReview")

        let completed = try town.ok("review", "complete", first.id, "--date", "2026-11-12", "--note", "已登记救助对象、事由和金额，补齐审批材料")
        #expect(completed.contains("已批准"), "\(completed)")
        #expect(try town.applications(stage: "approved").map(\.id) == [first.id])
        try town.sync()
        try round.districtFiles()
        #expect(try round.district.ok("fund", "show", SyncEndToEndTests.town).contains("余额 balance 200.00"))
        let fund = try #require(try round.district.json("fund", "show", SyncEndToEndTests.town) as? [String: Any])
        let towns = try #require(fund["towns"] as? [[String: Any]])
        #expect(towns.count == 1 && towns[0]["balanceFen"] as? Int == 20_000, "\(fund)")
        #expect((towns[0]["entries"] as? [[String: Any]])?.map { $0["amountFen"] as? Int } == [100_000, -80_000], "\(fund)")

        let roll = try round.district.roll("2026-11")
        let line = try #require(roll.lines.onlyElement, "\(roll.text)")
        #expect(line.item == "临时救助" && line.payee == "孙玉珍" && line.persons == "1" && line.total == "800.00")
        #expect(line.remark.contains("备用金先行支付") && line.remark.contains("急难型"), "\(line.remark)")
    }

    // MARK: - §3.1.5 gradual exit

    @Test("§3.1.5 a 建档立卡 household whose income rose keeps dibao for a 12-month gradual exit; another household leaves at once")
    func gradualExit() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let poor = Round.id("19721010", "055")
        try round.register(address: "五星村7组30号", head: "杨树林", id: poor, ["--category", "建档立卡贫困户"], members: [
            ("吴春梅", Round.id("19740125", "066"), "配偶", ["--labour", "部分丧失", "--health", "重病", "--illness", "慢性肾衰竭"]),
        ])
        let other = Round.id("19550301", "013")
        try round.register(address: "五星村5组1号", head: "马大勇", id: other, ["--labour", "部分丧失"], members: [
            ("周秀兰", Round.id("19570402", "024"), "配偶", ["--labour", "完全丧失", "--disability", "肢体:2"]),
        ])
        for h in [poor, other] {
            try round.survey(h, incomes: ["经营:200"])
            try round.apply(h, "dibao")
        }
        try round.wholeRound { app in app.head == "马大勇" ? ["--tier", "马大勇=2"] : [] }
        let amount = Self.yuan(Self.dibao(standard: try policy.dibaoStandard, householdIncome: 20_000, persons: 2))
        #expect(try round.district.roll("2026-12").lines("农村低保").map(\.basic) == [amount, amount])

        // the re-survey: income now above the standard
        for h in [poor, other] { try round.survey(h, incomes: ["工资:1000"], on: "2026-12-10") }
        try round.village.sync()
        try round.town.sync()
        let exit = try round.town.ok("enrolment", "review", poor, "--date", "2026-12-12")
        #expect(try policy.gradualExitMonths == 12)
        #expect(exit.contains("Gradual exit: 2027-01 至 2027-12") && exit.contains("\(amount) 元/月") && exit.contains("§3.1.5"), "\(exit)")
        let ended = try round.town.ok("enrolment", "review", other, "--date", "2026-12-12")
        #expect(ended.contains("Dibao ends: last month paid 2026-12"), "\(ended)")
        try round.town.sync()
        try round.district.sync()

        for month in ["2027-01", "2027-06", "2027-12"] {
            let roll = try round.district.roll(month)
            let line = try #require(roll.lines("农村低保").onlyElement, "\(month): only the 建档立卡 household: \(roll.text)")
            #expect(line.payee == "杨树林" && line.basic == amount && line.total == amount, "\(month)")
            #expect(line.remark.contains("渐退期"), "\(month): \(line.remark)")
        }
        #expect(try round.district.roll("2027-12").lines("农村低保").first?.remark.contains("第12个月") == true)
        let after = try round.district.roll("2028-01")
        #expect(after.lines("农村低保").isEmpty, "the month after the window: no dibao: \(after.text)")
        #expect(after.lines.allSatisfy { $0.payee != "杨树林" && $0.payee != "吴春梅" })

        let january = try round.district.roll("2027-01")
        #expect(january.lines("农村低保", payee: "马大勇").isEmpty)
        // classified aid (§3.1.6) and the living subsidy (§3.4.1) end with the dibao
        #expect(january.lines.filter { ["马大勇", "周秀兰"].contains($0.payee) }.isEmpty,
                "nothing is paid to a household that left dibao: \(january.lines.map { "\($0.payee) \($0.item) \($0.total)" })")
    }

    // MARK: - policy versions, §3.5

    @Test("policy versions: a new standard (400 from 2027) is assessed from its day on; a §3.5 price subsidy reaches the roll of its month only")
    func policyVersionChange() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let head = Round.id("19550301", "013")
        try round.register(address: "五星村5组1号", head: "马大勇", id: head, ["--labour", "部分丧失"], members: [
            ("周秀兰", Round.id("19570402", "024"), "配偶", ["--labour", "完全丧失"]),
        ])
        try round.survey(head, incomes: ["经营:200"])
        try round.apply(head, "dibao")
        try round.wholeRound()

        let file = round.directory.appendingPathComponent("dongxing-2027.json")
        try Doudi.replacing(try Doudi.shippedPolicy(), [
            ("\"id\": \"dongxing-2020\"", "\"id\": \"dongxing-2027\""),
            ("\"effectiveFrom\": \"2020-01-01\"", "\"effectiveFrom\": \"2027-01-01\""),
            ("\"standard\": \"360.00\"", "\"standard\": \"400.00\""),
        ]).write(to: file, atomically: true, encoding: .utf8)
        let published = try round.district.ok("policy", "publish", file.path)
        #expect(published.contains("dongxing-2027") && published.contains("400.00"), "\(published)")
        try round.district.sync()
        try round.town.sync()

        let list = try round.town.ok("policy", "list", "--date", "2027-01-15")
        let rows = list.split(separator: "\n")
        #expect(rows.contains { $0.contains("dongxing-2020") && $0.contains("360.00") }, "\(list)")
        #expect(rows.contains { $0.contains("* dongxing-2027") && $0.contains("400.00") }, "\(list)")

        for (day, version, standard) in [("2026-12-15", "dongxing-2020", 36_000), ("2027-01-15", "dongxing-2027", 40_000)] {
            let assessment = try round.town.assess(head, asOf: day)
            #expect(assessment["policy"] as? String == version, "\(day)")
            #expect(try Self.assessed(assessment, "dibao") == Self.dibao(standard: standard, householdIncome: 20_000, persons: 2), "\(day)")
        }
        #expect(try policy.dibaoStandard == 36_000)

        let subsidy = try round.district.ok("policy", "subsidy", "--version", "dongxing-2027-02", "--title", "2027年2月价格临时补贴",
                                            "--from", "2027-02", "--through", "2027-02", "--amount", "30", "--groups", "dibao")
        #expect(subsidy.contains("dongxing-2027-02"), "\(subsidy)")
        try round.district.sync()
        try round.town.sync()
        for desk in [round.district, round.town] {
            let february = try desk.roll("2027-02")
            let lines = february.lines("价格临时补贴")
            #expect(Set(lines.map(\.payee)) == ["马大勇", "周秀兰"], "\(desk.name): one line per covered person: \(february.text)")
            #expect(lines.count == 2 && lines.allSatisfy { $0.total == "30.00" && $0.persons == "1" }, "\(desk.name)")
            #expect(try desk.roll("2027-01").lines("价格临时补贴").isEmpty, "\(desk.name)")
            #expect(try desk.roll("2027-03").lines("价格临时补贴").isEmpty, "\(desk.name)")
        }
    }

    // MARK: - authority and timing

    @Test("§3.6.3 §3.6.5 authority and timing: early approval, a collector approving or filing, the town above its limit, the town allocating funds — one error line, outbox unchanged")
    func authorityAndTimingErrors() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let policy = try Policy()

        let head = Round.id("19720721", "071")
        try round.register(address: "五星村2组15号", head: "刘建国", id: head, members: [("陈桂兰", Round.id("19751102", "082"), "配偶", [])])
        try round.survey(head, incomes: ["经营:200"])
        try round.apply(head, "dibao")
        try round.apply(head, "temporaryAid", ["--type", "expenditure", "--hardship", "particular", "--amount", "1500", "--persons", "1"])
        try round.village.sync()
        let queue = try round.townReviews()
        let dibao = try #require(queue.first { $0.programme == "农村低保" })
        let aid = try #require(queue.first { $0.programme == "临时救助" })

        // the notice runs 2026-11-09 … 2026-11-15: approving on its last day is refused, naming the first allowed day
        let early = try round.town.refused("review", "approve", dibao.id, "--date", "2026-11-15")
        #expect(early.contains(Round.approvalDay), "\(early)")
        // the town above its limit of 3 × the standard
        let above = try round.town.refused("review", "approve", aid.id, "--date", Round.approvalDay, "--amount", "1500")
        #expect(above.contains(Self.yuan(try policy.townAidLimit)) && above.contains("refer"), "\(above)")
        // the district allocates reserve funds, not the town (§3.6.5)
        let allocate = try round.town.refused("fund", "allocate", SyncEndToEndTests.town, "--amount", "1000", "--date", Round.approvalDay)
        #expect(allocate.contains("district"), "\(allocate)")
        // (a draw beyond the reserve fund: emergencyAidFirst)

        try round.town.ok("review", "approve", dibao.id, "--date", Round.approvalDay)
        try round.town.sync()
        try round.village.sync()
        let approve = try round.village.refused("review", "approve", aid.id, "--date", Round.approvalDay, "--amount", "900")
        #expect(approve.contains("collector"), "\(approve)")
        let file = try round.village.refused("review", "file", dibao.id, "--date", Round.fileDay)
        #expect(file.contains("collector") && file.contains("district officer"), "\(file)")
        #expect(try round.town.applications(on: Round.approvalDay).first { $0.id == dibao.id }?.stage == "approved",
                "the collector's refused filing changed nothing")
    }
}

private extension Collection {
    /// The only element, or nil when there are none or several.
    var onlyElement: Element? { count == 1 ? first : nil }
}
