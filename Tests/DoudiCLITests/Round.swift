import Foundation
import Testing

/// One village → town → district round against a real `doudi-server`, as `scripts/demo`
/// walks it: three stores (五星村's collector, 椑木镇's approver, the district officer) in a
/// temporary folder, each command a real `doudi` process with `--store` and `DOUDI_POLICY`
/// pointing at the shipped policy. Business days are fixed (November 2026) so amounts are
/// the same every run.
final class Round {
    /// One laptop: its store file, its account.
    struct Desk {
        let name: String
        let store: URL
        let user: String
        let password: String
        let home: URL
        /// The day the laptop takes as today (`DOUDI_TODAY`), when the round plays one.
        var today: String? = nil

        var environment: [String: String?] {
            // the store's password is the account's (`doudi init` protects the store with it)
            ["DOUDI_HOME": home.path, "DOUDI_POLICY": Doudi.root.appendingPathComponent("ServerConfig/policy").path, "DOUDI_PASSWORD": password,
             "DOUDI_TODAY": today]
        }

        /// This laptop on `day` of the round's business calendar (dates after it are refused as future).
        func on(_ day: String) -> Desk {
            var desk = self
            desk.today = day
            return desk
        }

        /// Runs `doudi ARGUMENTS --store STORE`.
        func run(_ arguments: [String]) throws -> Doudi.Run {
            try Doudi.run(arguments + ["--store", store.path], environment: environment)
        }

        /// Runs and requires exit status 0; returns standard output.
        @discardableResult
        func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            try ok(arguments, sourceLocation: sourceLocation)
        }

        @discardableResult
        func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let r = try run(arguments)
            try #require(r.status == 0, "\(name): doudi \(arguments.joined(separator: " ")) → \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
            return r.stdout
        }

        /// Runs a command that must fail with exit status 1 and one `doudi: 错误：` line,
        /// leaving the outbox as it was; returns the error line.
        func refused(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let before = try pending(sourceLocation: sourceLocation)
            let r = try run(arguments)
            let text = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(r.status == 1, "\(name): doudi \(arguments.joined(separator: " ")) should fail with status 1, got \(r.status): \(r.stdout) \(r.stderr)",
                    sourceLocation: sourceLocation)
            #expect(text.hasPrefix("doudi: 错误：") && !text.contains("\n"), "one `doudi: 错误：` line expected: \(r.stderr)", sourceLocation: sourceLocation)
            #expect(try pending(sourceLocation: sourceLocation) == before, "\(name): a refused step writes nothing to the outbox", sourceLocation: sourceLocation)
            return text
        }

        /// Runs a `--json` command and parses its output.
        func json(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
            try json(arguments, sourceLocation: sourceLocation)
        }

        func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(try ok(arguments + ["--json"], sourceLocation: sourceLocation).utf8))
        }

        /// `doudi sync --json`: required to succeed with nothing rejected.
        func sync(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try #require(try json("sync", sourceLocation: sourceLocation) as? [String: Any], sourceLocation: sourceLocation)
            #expect((result["rejected"] as? [Any])?.isEmpty == true, "\(name): the server rejected change sets: \(result)", sourceLocation: sourceLocation)
        }

        /// The number of change sets waiting in the outbox.
        func pending(sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
            let outbox = try #require(try json("outbox", sourceLocation: sourceLocation) as? [String: Any], sourceLocation: sourceLocation)
            return try #require(outbox["pending"] as? Int, sourceLocation: sourceLocation)
        }

        /// The open applications (`review list --all --json`), in the order the list gives them.
        func applications(stage: String? = nil, on day: String = Round.reviewDay) throws -> [Application] {
            let rows = try #require(try json(["review", "list", "--all", "--date", day] + (stage.map { ["--stage", $0] } ?? [])) as? [[String: Any]])
            return try rows.map { row in
                Application(id: try #require(row["application"] as? String), household: try #require(row["household"] as? String),
                            head: try #require(row["head"] as? String), programme: try #require(row["programme"] as? String),
                            stage: try #require(row["stage"] as? String), assessed: row["assessed"] as? String ?? "")
            }
        }

        /// `doudi assess HOUSEHOLD --as-of DAY --json`: the one household's object.
        func assess(_ household: String, asOf day: String) throws -> [String: Any] {
            let all = try #require(try json("assess", household, "--as-of", day) as? [[String: Any]])
            return try #require(all.first)
        }

        /// The payment roll of a month, from the bank CSV (`roll MONTH --csv FILE`).
        func roll(_ month: String, preparedOn day: String = Round.rollDay, sourceLocation: SourceLocation = #_sourceLocation) throws -> Roll {
            let file = home.appendingPathComponent("roll-\(month)-\(UUID().uuidString).csv")
            try ok(["roll", month, "--date", day, "--csv", file.path], sourceLocation: sourceLocation)
            return try Roll(file: file, sourceLocation: sourceLocation)
        }
    }

    /// A row of `review list --json`.
    struct Application {
        var id: String
        var household: String
        var head: String
        /// The programme's Chinese name, as the list gives it (农村低保, 临时救助 …).
        var programme: String
        var stage: String
        /// What the list shows as assessed: `520.00/月`, or for temporary aid `900.00×2`.
        var assessed: String
    }

    /// The bank CSV of a payment roll.
    struct Roll {
        static let columns = ["序号", "乡镇", "村", "领款人姓名", "身份证号", "一卡通账号", "账户名", "开户行", "补贴项目", "保障人数",
                              "基本金", "分类施保", "金额合计", "发放年月", "备注", "银行回盘状态", "业务流水号"]

        struct Line {
            var fields: [String: String]
            /// The cell as Excel shows it: an ID or account number kept text as `="…"` (CSVText) without the formula.
            subscript(_ column: String) -> String {
                let raw = fields[column] ?? ""
                return raw.hasPrefix("=\"") && raw.hasSuffix("\"") && raw.count >= 3 ? String(raw.dropFirst(2).dropLast()) : raw
            }
            var payee: String { self["领款人姓名"] }
            var item: String { self["补贴项目"] }
            var persons: String { self["保障人数"] }
            var basic: String { self["基本金"] }
            var classifiedAid: String { self["分类施保"] }
            var total: String { self["金额合计"] }
            var remark: String { self["备注"] }
        }

        var lines: [Line]
        var text: String

        init(file: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let data = try Data(contentsOf: file)
            #expect(data.starts(with: [0xEF, 0xBB, 0xBF]), "the bank CSV starts with a UTF-8 BOM", sourceLocation: sourceLocation)
            text = String(decoding: data.dropFirst(3), as: UTF8.self)
            #expect(text.contains("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"),
                    "the bank CSV ends every line with CRLF", sourceLocation: sourceLocation)
            let rows = text.components(separatedBy: "\r\n")
            let header = try #require(rows.firstIndex { $0.hasPrefix("序号,") }, "no header in \(text)", sourceLocation: sourceLocation)
            #expect(Roll.fields(rows[header]) == Roll.columns, "columns of the bank CSV", sourceLocation: sourceLocation)
            lines = rows[(header + 1)...].prefix { !$0.isEmpty }.map { row in
                Line(fields: Dictionary(zip(Roll.columns, Roll.fields(row)), uniquingKeysWith: { a, _ in a }))
            }
        }

        /// The fields of one CSV row (RFC 4180 quoting).
        static func fields(_ row: String) -> [String] {
            var out: [String] = [], field = "", quoted = false
            var chars = row.makeIterator()
            var pending: Character? = nil
            while let c = pending ?? chars.next() {
                pending = nil
                if quoted {
                    if c == "\"" {
                        if let next = chars.next() {
                            if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                        } else { quoted = false }
                    } else { field.append(c) }
                } else if c == "\"" {
                    quoted = true
                } else if c == "," {
                    out.append(field); field = ""
                } else {
                    field.append(c)
                }
            }
            out.append(field)
            return out
        }

        /// The lines paid to `payee` (every line when nil) for `item`.
        func lines(_ item: String, payee: String? = nil) -> [Line] {
            lines.filter { $0.item == item && (payee == nil || $0.payee == payee) }
        }
    }

    // MARK: - the fixed days of the round

    static let surveyDay = "2026-11-03"
    static let applyDay = "2026-11-05"
    static let reviewDay = "2026-11-06"
    static let noticeDay = "2026-11-09"
    /// The notice runs 7 days (2020 policy): the first day an approval is allowed.
    static let approvalDay = "2026-11-16"
    static let districtDay = "2026-11-20"
    static let fileDay = "2026-11-23"
    static let rollDay = "2026-11-25"

    // MARK: - the three laptops

    let server: SyncEndToEndTests.Server
    let directory: URL
    let village: Desk
    let town: Desk
    let district: Desk

    /// Sets up and logs in the three laptops against `server`.
    init(_ server: SyncEndToEndTests.Server) throws {
        self.server = server
        let directory = try Doudi.temporaryDirectory()
        self.directory = directory
        func desk(_ name: String, user: String, password: String) -> Desk {
            Desk(name: name, store: directory.appendingPathComponent("\(name).sqlite"), user: user, password: password, home: directory)
        }
        village = desk("village", user: "wuxing.collector", password: "Wuxing-CJ-change-me-3")
        town = desk("town", user: "beimu.approver", password: "Beimu-SP-change-me-2")
        district = desk("district", user: "district.officer", password: "Dongxing-MZJ-change-me-1")
        try village.ok("init", "--village", SyncEndToEndTests.villageA, "--device", "五星村笔记本", "--user", village.user)
        try town.ok("init", "--town", SyncEndToEndTests.town, "--device", "椑木镇审批电脑", "--user", town.user)
        try district.ok("init", "--district", "511011", "--device", "区民政局电脑", "--user", district.user)
        for d in [village, town, district] {
            try d.ok("login", "--server", server.url, "--user", d.user, "--password", d.password)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A valid resident ID number of Dongxing (area 511011).
    static func id(_ birth: String, _ sequence: String) -> String {
        FieldCommandsTests.residentID(birth: birth, sequence: sequence)
    }

    // MARK: - the village

    /// `household add` with the head, then `member add` for each other member
    /// (name, ID number, relation, further options); returns the head's ID number, which
    /// names the household in every later command.
    ///
    /// A household is given a 一卡通 account at 四川农信 in the head's name unless `options` name
    /// one (`--bank`) or say `--no-account`: the roll writes no bank file while a payee has none.
    @discardableResult
    func register(address: String, head: String, id: String, _ options: [String] = [],
                  members: [(name: String, id: String, relation: String, options: [String])] = []) throws -> String {
        var options = options
        if options.contains("--no-account") {
            options.removeAll { $0 == "--no-account" }
        } else if !options.contains("--bank") {
            options += ["--bank", "四川农信东兴支行", "--account-name", head, "--account-number", "6214" + id.filter(\.isNumber).suffix(14)]
        }
        try village.ok(["household", "add", "--address", address, "--head-name", head, "--head-id", id] + options)
        for m in members {
            try village.ok(["member", "add", id, "--name", m.name, "--id", m.id, "--relation", m.relation] + m.options)
        }
        return id
    }

    /// `survey record` on the survey day (or `day`) with two surveyors and these `--income KIND:AMOUNT` items.
    func survey(_ household: String, incomes: [String] = [], on day: String = Round.surveyDay) throws {
        try village.on(day).ok(["survey", "record", household, "--date", day, "--surveyor", "李会计", "--surveyor", "王主任"]
                       + incomes.flatMap { ["--income", $0] })
    }

    /// `apply HOUSEHOLD --programme P … --submit` on the application day.
    func apply(_ household: String, _ programme: String, _ options: [String] = []) throws {
        try village.ok(["apply", household, "--programme", programme, "--summary", "申请\(programme)", "--date", Round.applyDay, "--submit"] + options)
    }

    // MARK: - the town and the district

    /// The town syncs and takes every submitted application through start, collective
    /// review and the public notice.
    @discardableResult
    func townReviews() throws -> [Application] {
        try town.sync()
        let queue = try town.applications(stage: "submitted")
        for app in queue {
            try town.ok("review", "start", app.id, "--date", Round.reviewDay)
            try town.ok("review", "collective", app.id, "--date", Round.reviewDay, "--chair", "王镇长", "--recorder", "李干事",
                        "--agree", "7", "--disagree", "0")
            try town.ok("review", "notice", app.id, "--date", Round.noticeDay)
        }
        return queue
    }

    /// The district syncs, files every approved application, and syncs again.
    func districtFiles() throws {
        try district.sync()
        for app in try district.applications(stage: "approved", on: Round.districtDay) {
            try district.ok("review", "file", app.id, "--date", Round.fileDay)
        }
        try district.sync()
    }

    /// The whole path: the village syncs; the town reviews every submitted application
    /// and approves each on the first day after the notice with the options `approval`
    /// gives (nil: leave it for the test), then syncs; the district syncs and files.
    @discardableResult
    func wholeRound(approval: (Application) -> [String]? = { _ in [] }) throws -> [Application] {
        try village.sync()
        let queue = try townReviews()
        for app in queue {
            guard let options = approval(app) else { continue }
            try town.ok(["review", "approve", app.id, "--date", Round.approvalDay] + options)
        }
        try town.sync()
        try districtFiles()
        return queue
    }
}
