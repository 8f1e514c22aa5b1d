import Foundation
import Testing

/// End-to-end tests of the village cadre's commands: the built `doudi` runs as a real
/// process on a store in a fresh `DOUDI_HOME`, with the sample ledger
/// `Samples/ledger/wuxing-village.csv` (5 households, 10 members) and the shipped policy.
@Suite("doudi field commands (村干部)")
struct FieldCommandsTests {
    /// A fresh `DOUDI_HOME`, removed when the test ends.
    final class Home {
        let directory: URL

        init() throws { directory = try Doudi.temporaryDirectory() }
        deinit { try? FileManager.default.removeItem(at: directory) }

        var storeFile: URL { directory.appendingPathComponent("doudi.sqlite") }

        /// Runs `doudi` from the repository root with `DOUDI_HOME` set to this home.
        func run(_ arguments: String...) throws -> Doudi.Run { try run(arguments) }

        func run(_ arguments: [String]) throws -> Doudi.Run {
            try Doudi.run(arguments, environment: ["DOUDI_HOME": directory.path, "DOUDI_POLICY": nil])
        }

        /// `doudi init` for 五星村, then the sample ledger imported.
        static func withSampleLedger() throws -> Home {
            let home = try Home()
            let setUp = try home.run("init", "--village", "511011101201", "--device", "五星村笔记本", "--user", "李会计")
            #expect(setUp.status == 0, "\(setUp.stderr)")
            let imported = try home.run("import", "--csv", "Samples/ledger/wuxing-village.csv")
            #expect(imported.status == 0, "\(imported.stderr)")
            return home
        }

        /// Parses a run's standard output as JSON.
        func json(_ arguments: String...) throws -> Any {
            let run = try run(arguments)
            #expect(run.status == 0, "\(arguments.joined(separator: " ")): \(run.stderr)")
            return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        }

        /// The short id of the household whose head is `name`.
        func household(headedBy name: String) throws -> String {
            let list = try #require(try json("household", "list", "--json") as? [[String: Any]])
            let found = try #require(list.first { $0["headName"] as? String == name }, "no household headed by \(name)")
            return try #require(found["shortID"] as? String)
        }

        /// Change sets waiting in the outbox.
        func pending() throws -> Int {
            let outbox = try #require(try json("outbox", "--json") as? [String: Any])
            return try #require(outbox["pending"] as? Int)
        }
    }

    /// A valid made-up resident ID number (GB 11643 check character), area 511011.
    static func residentID(birth: String, sequence: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let first17 = "511011" + birth + sequence
        let sum = zip(first17.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return first17 + String(Array("10X98765432")[sum % 11])
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    // MARK: the round, as the README shows it

    @Test("a cadre's round: init, import the ledger, list, show, visit, survey, assess, outbox, history")
    func round() throws {
        let home = try Home()
        let setUp = try home.run("init", "--village", "511011101201", "--device", "五星村笔记本", "--user", "李会计")
        #expect(setUp.status == 0, "\(setUp.stderr)")
        #expect(setUp.stdout.contains("dongxing-2020"))
        #expect(FileManager.default.fileExists(atPath: home.storeFile.path))

        let imported = try home.run("import", "--csv", "Samples/ledger/wuxing-village.csv")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("导入 5 户 10 人，拒绝 0 行"))
        #expect(imported.stderr.isEmpty)

        // listing: Chinese headers, masked ID numbers, never a full one
        let list = try home.run("household", "list")
        #expect(list.status == 0, "\(list.stderr)")
        for header in ["短号", "村(社区)", "户主姓名", "身份证号", "家庭人口", "户类别", "状态"] {
            #expect(list.stdout.contains(header), "no column \(header)")
        }
        #expect(list.stdout.contains("张大山") && list.stdout.contains("建档立卡贫困户") && list.stdout.contains("在册"))
        #expect(list.stdout.contains("511011********0114"))
        #expect(!list.stdout.contains("511011195803040114"), "an ID number must never be printed in full")
        #expect(list.stdout.contains("共 5 户"))
        let items = try #require(try home.json("household", "list", "--json") as? [[String: Any]])
        #expect(items.count == 5)
        #expect(items.allSatisfy { ($0["headResidentID"] as? String)?.contains("********") == true })
        let zhang = try #require(items.first { $0["headName"] as? String == "张大山" })
        #expect(zhang["members"] as? Int == 3)
        #expect(zhang["categories"] as? [String] == ["registeredPoor"])
        let household = try #require(zhang["shortID"] as? String)
        #expect(household.count == 8)

        let searched = try #require(try home.json("household", "list", "--search", "秀英", "--json") as? [[String: Any]])
        #expect(searched.map { $0["headName"] as? String } == ["张大山"])

        let show = try home.run("household", "show", household)
        #expect(show.status == 0, "\(show.stderr)")
        for text in ["户主", "家庭住址", "五星村1组3号", "家庭人口", "3 人", "李秀英", "配偶", "511011********022X", "部分丧失劳动能力", "重病"] {
            #expect(show.stdout.contains(text), "household show lacks \(text)")
        }
        #expect(!show.stdout.contains("51101119600506022X"))

        // a household is also named by a member's ID number
        let byID = try home.run("household", "show", "51101119600506022X")
        #expect(byID.status == 0 && byID.stdout.contains(household))

        let visit = try home.run("visit", "record", household, "--date", "2020-06-16", "--visitor", "王五", "--visitor", "赵六",
                                 "--interviewee", "张大山", "--observations", "土坯房，家中无大件电器", "--conclusion", "属实")
        #expect(visit.status == 0, "\(visit.stderr)")
        let survey = try home.run("survey", "record", household, "--date", "2020-06-15", "--surveyor", "王五", "--surveyor", "赵六",
                                  "--income", "经营:600", "--income", "工资:1200:annual:张大山",
                                  "--disregarded-income", "转移:50:计划生育奖励扶助金", "--deduction", "医疗:200:李秀英",
                                  "--financial-assets", "2000", "--houses", "1")
        #expect(survey.status == 0, "\(survey.stderr)")

        let detail = try #require(try home.json("household", "show", household, "--json") as? [String: Any])
        let visits = try #require(detail["visits"] as? [[String: Any]])
        #expect(visits.first?["conclusion"] as? String == "truthful")
        let latest = try #require(detail["latestSurvey"] as? [String: Any])
        let incomes = try #require(latest["incomes"] as? [[String: Any]])
        #expect(incomes.count == 3)
        #expect(incomes.contains { $0["kind"] as? String == "wage" && $0["amountFen"] as? Int == 120_000 && $0["period"] as? String == "annual"
                && $0["memberName"] as? String == "张大山" })
        #expect(incomes.contains { $0["disregarded"] as? Bool == true && $0["basis"] as? String == "计划生育奖励扶助金" })
        let members = try #require(detail["members"] as? [[String: Any]])
        #expect(members.allSatisfy { ($0["residentID"] as? String)?.contains("********") == true })

        // assessment from the store: (360 × 3) − (600 + 1200 ÷ 12 − 200) = 580 yuan
        let assessed = try #require(try home.json("assess", household, "--as-of", "2020-07-01", "--json") as? [[String: Any]])
        let determinations = try #require(assessed.first?["determinations"] as? [[String: Any]])
        #expect(assessed.first?["policy"] as? String == "dongxing-2020")
        let dibao = try #require(determinations.first { $0["programme"] as? String == "dibao" && $0["member"] is NSNull })
        #expect(dibao["status"] as? String == "eligible")
        #expect(dibao["monthlyAmountFen"] as? Int == 58_000)
        let clauses = try #require(dibao["clauses"] as? [String])
        #expect(clauses.contains("3.1.0") && clauses.contains("3.1.4"), "clauses: \(clauses)")
        let text = try home.run("assess", household, "--as-of", "2020-07-01")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("【农村低保】全户：符合，每月 580.00 元"))
        #expect(text.stdout.contains("不计入收入 50.00 元：计划生育奖励扶助金"))
        #expect(!text.stdout.contains("511011195803040114"))

        // the outbox: 10 imported rows, the visit and the survey — one change set each
        let outbox = try #require(try home.json("outbox", "--json") as? [String: Any])
        let changeSets = try #require(outbox["changeSets"] as? [[String: Any]])
        #expect(outbox["pending"] as? Int == 12)
        #expect(changeSets.count == 12)
        #expect(changeSets.compactMap { $0["sequence"] as? Int } == Array(1...12))
        #expect(changeSets.filter { $0["action"] as? String == "household.register" }.count == 5)
        #expect(changeSets.last?["action"] as? String == "survey.record")
        #expect(!(String(data: try JSONSerialization.data(withJSONObject: outbox), encoding: .utf8) ?? "").contains("195803040114"))
        let outboxText = try home.run("outbox")
        for text in ["序号", "时间", "操作", "记录数", "状态", "登记家庭", "入户调查", "家庭经济状况调查", "待同步"] {
            #expect(outboxText.stdout.contains(text), "outbox lacks \(text)")
        }

        // an edit: a second version in history, one more change set
        let edit = try home.run("household", "edit", household, "--phone", "13900000001", "--housing", "危房")
        #expect(edit.status == 0, "\(edit.stderr)")
        let history = try #require(try home.json("history", household, "--json") as? [String: Any])
        #expect(history["entity"] as? String == "household")
        let versions = try #require(history["versions"] as? [[String: Any]])
        #expect(versions.compactMap { $0["operation"] as? String } == ["create", "update"])
        #expect(versions.last?["fields"] as? [String] == ["housing", "phone"])
        #expect(versions.allSatisfy { $0["user"] as? String == "李会计" })
        let historyText = try home.run("history", household)
        #expect(historyText.stdout.contains("新建") && historyText.stdout.contains("修改") && historyText.stdout.contains("联系电话"))
        #expect(try home.pending() == 13)

        // the same edit again changes nothing and is refused
        let again = try home.run("household", "edit", household, "--phone", "13900000001")
        #expect(again.status == 1)
        #expect(again.stderr.contains("nothing changed"))
        #expect(try home.pending() == 13)

        // a member's history, named by ID number
        let memberEdit = try home.run("member", "edit", "511011195803040114", "--labour", "完全丧失", "--disability", "肢体:2")
        #expect(memberEdit.status == 0, "\(memberEdit.stderr)")
        let memberHistory = try #require(try home.json("history", "511011195803040114", "--json") as? [String: Any])
        let memberVersions = try #require(memberHistory["versions"] as? [[String: Any]])
        #expect(memberVersions.last?["fields"] as? [String] == ["disability", "labourCapacity"])
        #expect(!(String(data: try JSONSerialization.data(withJSONObject: memberHistory), encoding: .utf8) ?? "").contains("195803040114"))

        // an application drafted and submitted: two change sets, the stage shows
        let apply = try home.run("apply", household, "--programme", "低保", "--summary", "因病致贫", "--date", "2020-06-20", "--submit")
        #expect(apply.status == 0, "\(apply.stderr)")
        let afterApply = try #require(try home.json("household", "show", household, "--json") as? [String: Any])
        let applications = try #require(afterApply["applications"] as? [[String: Any]])
        #expect(applications.first?["programme"] as? String == "dibao")
        #expect(applications.first?["stage"] as? String == "submitted")
        #expect(try home.pending() == 16)
        #expect(try home.run("household", "show", household).stdout.contains("已提交"))

        // a store is set up once
        let twice = try home.run("init", "--village", "511011101201", "--device", "另一台", "--user", "王五")
        #expect(twice.status == 1)
        #expect(Self.lines(twice.stderr).count == 1 && twice.stderr.contains("already set up"))
    }

    @Test("adding a member, and temporary aid drafted then submitted on its own")
    func memberAndTemporaryAid() throws {
        let home = try Home.withSampleLedger()
        let household = try home.household(headedBy: "王德福")
        let id = Self.residentID(birth: "19720304", sequence: "122")
        let add = try home.run("member", "add", household, "--name", "王小红", "--id", id, "--relation", "女",
                               "--employment", "务农", "--health", "重病", "--illness", "尿毒症")
        #expect(add.status == 0, "\(add.stderr)")
        let detail = try #require(try home.json("household", "show", household, "--json") as? [String: Any])
        let members = try #require(detail["members"] as? [[String: Any]])
        let added = try #require(members.first { $0["name"] as? String == "王小红" })
        #expect(added["relation"] as? String == "daughter" && added["health"] as? String == "seriouslyIll")
        #expect(added["sex"] as? String == "female")

        let draft = try home.run("apply", household, "--programme", "temporaryAid", "--type", "急难型", "--hardship", "ordinary",
                                 "--amount", "900", "--persons", "2", "--summary", "房屋受暴雨损毁", "--date", "2020-06-20")
        #expect(draft.status == 0, "\(draft.stderr)")
        let afterDraft = try #require(try home.json("household", "show", household, "--json") as? [String: Any])
        let application = try #require((afterDraft["applications"] as? [[String: Any]])?.first)
        #expect(application["stage"] as? String == "draft" && application["amountPerPersonFen"] as? Int == 90_000)
        let applicationID = try #require(application["shortID"] as? String)
        let submit = try home.run("apply", "submit", applicationID, "--date", "2020-06-21")
        #expect(submit.status == 0, "\(submit.stderr)")
        let history = try #require(try home.json("history", applicationID, "--json") as? [String: Any])
        #expect(history["entity"] as? String == "application")
        #expect((history["versions"] as? [[String: Any]])?.count == 3)  // application, its workflow, the submission
        #expect(try home.pending() == 13)
    }

    // MARK: errors: one line on stderr, exit status non-zero, nothing written

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        /// The arguments, given the short id of 张大山's household.
        var arguments: @Sendable (String) -> [String]
        /// Words the one-line message must contain.
        var mentions: [String]
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        .init(name: "duplicate ID number in member add",
              arguments: { ["member", "add", $0, "--name", "张三", "--id", "511011195803040114", "--relation", "子"] },
              mentions: ["--id", "511011********0114", "already registered", "张大山"]),
        .init(name: "negative income",
              arguments: { ["survey", "record", $0, "--surveyor", "王五", "--income", "wage:-100"] },
              mentions: ["--income wage:-100", "cannot be negative"]),
        .init(name: "negative financial assets",
              arguments: { ["survey", "record", $0, "--surveyor", "王五", "--financial-assets=-5"] },
              mentions: ["--financial-assets", "cannot be negative"]),
        .init(name: "unknown household",
              arguments: { _ in ["visit", "record", "ffff0000", "--visitor", "王五", "--interviewee", "张大山", "--observations", "无"] },
              mentions: ["no household", "ffff0000", "doudi household list"]),
        .init(name: "void without a reason",
              arguments: { ["household", "void", $0] },
              mentions: ["--reason", "a void needs a reason"]),
        .init(name: "visit without visitors",
              arguments: { ["visit", "record", $0, "--interviewee", "张大山", "--observations", "无"] },
              mentions: ["--visitor", "name the staff"]),
        .init(name: "temporary aid without a type",
              arguments: { ["apply", $0, "--programme", "temporaryAid", "--summary", "受灾"] },
              mentions: ["--type", "emergency"]),
        .init(name: "income of someone outside the household",
              arguments: { ["survey", "record", $0, "--surveyor", "王五", "--income", "工资:300:王德福"] },
              mentions: ["--income 工资:300:王德福", "not a member", "张大山"]),
        .init(name: "an edit that changes nothing",
              arguments: { ["household", "edit", $0, "--address", "五星村1组3号"] },
              mentions: ["nothing changed"]),
    ]

    @Test("what a Chinese user types is read as meant: 儿子, dates 2020/6/20 and 2020年6月21日, amounts 1,200元 and full-width １２００")
    func chineseInput() throws {
        let home = try Home.withSampleLedger()
        let household = try home.household(headedBy: "王德福")
        let add = try home.run("member", "add", household, "--name", "王小军", "--id", Self.residentID(birth: "19980304", sequence: "131"), "--relation", "儿子")
        #expect(add.status == 0, "\(add.stderr)")
        let survey = try home.run("survey", "record", household, "--date", "2020年6月1日", "--surveyor", "李会计", "--surveyor", "王主任",
                                  "--income", "工资：1,200元", "--income", "经营:１２００")
        #expect(survey.status == 0, "\(survey.stderr)")
        let detail = try #require(try home.json("household", "show", household, "--json") as? [String: Any])
        #expect((detail["members"] as? [[String: Any]])?.first { $0["name"] as? String == "王小军" }?["relation"] as? String == "son")
        let draft = try home.run("apply", household, "--programme", "temporaryAid", "--type", "急难型", "--hardship", "ordinary",
                                 "--amount", "¥900", "--persons", "2", "--summary", "房屋受暴雨损毁", "--date", "2020/6/20")
        #expect(draft.status == 0, "\(draft.stderr)")
        let application = try #require(((try home.json("household", "show", household, "--json") as? [String: Any])?["applications"] as? [[String: Any]])?.first)
        #expect(application["amountPerPersonFen"] as? Int == 90_000)
        // what may be a mistake is refused, saying what to write
        let wrong = try home.run("apply", household, "--programme", "temporaryAid", "--type", "急难型", "--hardship", "ordinary",
                                 "--amount", "1,20", "--persons", "1", "--summary", "x", "--date", "2020/6/20")
        #expect(wrong.status != 0 && wrong.stderr.contains("1,200"), "\(wrong.stderr)")
    }

    @Test("a refused command: one line on stderr, exit status 1, the outbox unchanged", arguments: refusals)
    func refused(_ refusal: Refusal) throws {
        let home = try Home.withSampleLedger()
        let household = try home.household(headedBy: "张大山")
        let before = try home.pending()
        let run = try home.run(refusal.arguments(household))
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty, "stdout: \(run.stdout)")
        let lines = Self.lines(run.stderr)
        #expect(lines.count == 1, "stderr: \(run.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("doudi: 错误："))
        for word in refusal.mentions {
            #expect(line.contains(word), "\(line) should mention \(word)")
        }
        #expect(try home.pending() == before)
    }

    @Test("a command before init: one line telling to run doudi init, and no store is made")
    func beforeInit() throws {
        let home = try Home()
        for arguments in [["household", "list"], ["outbox"], ["import", "--csv", "Samples/ledger/wuxing-village.csv"],
                          ["assess", "abcd1234"]] {
            let run = try home.run(arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(Self.lines(run.stderr).count == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.hasPrefix("doudi: 错误：") && run.stderr.contains("doudi init"), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: home.storeFile.path))
    }

    @Test("no store chosen: the error names --store and DOUDI_HOME")
    func noStore() throws {
        let run = try Doudi.run(["household", "list"], environment: ["DOUDI_HOME": nil])
        #expect(run.status == 1)
        #expect(Self.lines(run.stderr).count == 1)
        #expect(run.stderr.contains("--store") && run.stderr.contains("DOUDI_HOME"))
    }

    @Test("--store names the file; init makes its directory")
    func storeOption() throws {
        let dir = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("nested/village.sqlite").path
        let setUp = try Doudi.run(["init", "--store", file, "--village", "511011101201", "--device", "笔记本", "--user", "李会计"],
                                  environment: ["DOUDI_HOME": nil, "DOUDI_POLICY": nil])
        #expect(setUp.status == 0, "\(setUp.stderr)")
        #expect(FileManager.default.fileExists(atPath: file))
        let list = try Doudi.run(["household", "list", "--store", file, "--json"], environment: ["DOUDI_HOME": nil])
        #expect(list.status == 0, "\(list.stderr)")
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true)
    }

    @Test("init refuses a town code for a village cadre, and leaves no store behind")
    func initChecks() throws {
        let home = try Home()
        let run = try home.run("init", "--village", "511011101", "--device", "x", "--user", "y")
        #expect(run.status != 0)
        #expect(run.stderr.contains("12-digit"))
        #expect(!FileManager.default.fileExists(atPath: home.storeFile.path))
    }

    // MARK: import

    @Test("import: bad rows reported by line and written nowhere, good rows land, exit status 1")
    func importRejects() throws {
        let home = try Home.withSampleLedger()
        let before = try home.pending()
        let good = Self.residentID(birth: "19800101", sequence: "021")
        let other = Self.residentID(birth: "19810202", sequence: "032")
        let badCheck = String(other.dropLast()) + (other.last == "1" ? "2" : "1")
        // N1's first row repeats 张大山's ID number (refused by the store), so its next row registers N1
        let csv = """
            户编号,村(社区)代码,家庭住址,姓名,身份证号,与户主关系,劳动能力
            N1,511011101201,五星村5组1号,甲某,511011195803040114,户主,有
            N1,511011101201,五星村5组1号,乙某,\(good),配偶,有
            N1,511011101201,五星村5组1号,丙某,\(badCheck),子,有
            N2,511011101201,五星村5组2号,丁某,\(other),户主,无能力

            """
        let file = home.directory.appendingPathComponent("ledger.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let run = try home.run("import", "--csv", file.path)
        #expect(run.status == 1)
        #expect(run.stdout.contains("导入 1 户 1 人，拒绝 3 行"), "\(run.stdout)")
        #expect(run.stdout.contains("第 2 行: ") && run.stdout.contains("already registered"))
        #expect(run.stdout.contains("第 4 行: 身份证号: check digit"))
        #expect(run.stdout.contains("第 5 行: 劳动能力:"))
        #expect(Self.lines(run.stderr).count == 1 && run.stderr.contains("3 of 4 rows were rejected"))
        #expect(try home.pending() == before + 1)
        let list = try #require(try home.json("household", "list", "--search", "乙某", "--json") as? [[String: Any]])
        #expect(list.first?["headName"] as? String == "乙某" && list.first?["members"] as? Int == 1)

        let json = try home.run("import", "--csv", file.path, "--json")
        #expect(json.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["households"] as? Int == 0 && report["rows"] as? Int == 4)
        #expect((report["rejected"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } == [2, 3, 4, 5])
    }

    @Test("import: more rows than one transaction holds")
    func importManyRows() throws {
        let home = try Home()
        #expect(try home.run("init", "--village", "511011101201", "--device", "x", "--user", "y").status == 0)
        var csv = "\u{FEFF}户编号,村(社区)代码,家庭住址,姓名,身份证号,与户主关系\r\n"
        for h in 0..<260 {
            for (k, relation) in ["户主", "配偶"].enumerated() {
                let n = h * 2 + k
                let birth = String(format: "19%02d%02d%02d", 40 + n / 336, 1 + (n / 28) % 12, 1 + n % 28)
                csv += "H\(h),511011101201,五星村\(h)号,人\(n),\(Self.residentID(birth: birth, sequence: String(format: "%03d", n % 1000))),\(relation)\r\n"
            }
        }
        let file = home.directory.appendingPathComponent("big.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let run = try home.run("import", "--csv", file.path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("导入 260 户 520 人，拒绝 0 行"))
        #expect(try home.pending() == 520)
    }

    @Test("import: a missing file or a header without the required columns is one line")
    func importUnreadable() throws {
        let home = try Home.withSampleLedger()
        let missing = try home.run("import", "--csv", "no-such.csv")
        #expect(missing.status == 1 && missing.stderr == "doudi: 错误：no-such.csv: no such file: check the path\n")
        let file = home.directory.appendingPathComponent("wrong.csv")
        try "姓名,身份证号\n张三,1\n".write(to: file, atomically: true, encoding: .utf8)
        let wrong = try home.run("import", "--csv", file.path)
        #expect(wrong.status == 1 && Self.lines(wrong.stderr).count == 1)
        #expect(wrong.stderr.contains("户编号") && wrong.stderr.contains("docs/LEDGER-CSV.md"))
    }

    @Test("docs/LEDGER-CSV.md documents every column of the sample ledger")
    func ledgerDocs() throws {
        let doc = try String(contentsOf: Doudi.root.appendingPathComponent("docs/LEDGER-CSV.md"), encoding: .utf8)
        let sample = try String(contentsOf: Doudi.root.appendingPathComponent("Samples/ledger/wuxing-village.csv"), encoding: .utf8)
        let header = try #require(sample.split(whereSeparator: \.isNewline).first)
        for column in header.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: ",") {
            #expect(doc.contains("`\(column)`"), "docs/LEDGER-CSV.md does not document \(column)")
        }
        #expect(doc.contains("Samples/ledger/wuxing-village.csv"))
    }

    @Test("--help: import states its exit status; the root lists the village commands")
    func help() throws {
        let importHelp = try Doudi.run("import", "--help")
        #expect(importHelp.status == 0 && importHelp.stdout.contains("Exit status"))
        let root = try Doudi.run("--help")
        for command in ["init", "household", "member", "visit", "survey", "apply", "import", "outbox", "history", "assess"] {
            #expect(root.stdout.contains("  \(command) "), "doudi --help lacks \(command)")
        }
    }
}
