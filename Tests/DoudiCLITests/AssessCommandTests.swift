import Foundation
import Testing

/// End-to-end tests of `doudi assess`: the built executable runs as a real process
/// on the sample households shipped in `Samples/households/` and the shipped policy.
@Suite("doudi assess")
struct AssessCommandTests {
    // MARK: JSON output of the samples

    /// Key figures of each sample on 2020-07-01 under dongxing-2020: programme, person
    /// (nil = whole household), status, monthly amount in fen, a clause cited.
    struct Expected: CustomTestStringConvertible, Sendable {
        var sample: String
        var programme: String
        var memberName: String?
        var status: String
        var fen: Int
        var clause: String
        var testDescription: String { "\(sample) \(programme) \(memberName ?? "household")" }
    }

    static let expectations: [Expected] = [
        // (360 − 290) × 3: income below the standard §3.1.0, employment cost deducted §3.1.4
        .init(sample: "01-dibao-ordinary", programme: "dibao", status: "eligible", fen: 21_000, clause: "3.1.4"),
        // exactly at the standard: "below" is strict
        .init(sample: "02-at-standard", programme: "dibao", status: "notEligible", fen: 0, clause: "3.1.0"),
        // (360 − 240) × 2, with priority for a registered-poor household living on support §3.1.1
        .init(sample: "03-registered-poor-support", programme: "dibao", status: "eligible", fen: 24_000, clause: "3.1.1"),
        .init(sample: "03-registered-poor-support", programme: "disabilityNursing", memberName: "孙玉兰", status: "eligible", fen: 5_000, clause: "3.4.2"),
        .init(sample: "03-registered-poor-support", programme: "disabilityLiving", memberName: "孙玉兰", status: "eligible", fen: 10_000, clause: "3.4.1"),
        .init(sample: "03-registered-poor-support", programme: "classifiedAid", memberName: "赵德明", status: "candidate", fen: 0, clause: "3.1.6"),
        // single-person case: 360 − 150 support owed by the father §3.1.3
        .init(sample: "04-single-person-case", programme: "dibao", memberName: "周磊", status: "eligible", fen: 21_000, clause: "3.1.3"),
        .init(sample: "04-single-person-case", programme: "disabilityNursing", memberName: "周磊", status: "eligible", fen: 8_000, clause: "3.4.2"),
        .init(sample: "05-tekun-elderly-alone", programme: "tekun", memberName: "郑永福", status: "eligible", fen: 50_000, clause: "3.2.2"),
        .init(sample: "06-orphan-with-grandparents", programme: "orphan", memberName: "林小雨", status: "eligible", fen: 90_000, clause: "3.3.2"),
        // a boy of 7 entered without a labour capacity: deemed to have none (民发〔2016〕178号 Art. 6), no income, supporters
        // unable: 特困 §3.2.1; top-up: 900 − 特困 500 §3.3.4; the grandmother alone on dibao: 360 − 200
        .init(sample: "07-unsupported-child-dibao", programme: "tekun", memberName: "何小军", status: "eligible", fen: 50_000, clause: "3.2.1"),
        .init(sample: "07-unsupported-child-dibao", programme: "unsupportedChild", memberName: "何小军", status: "eligible", fen: 40_000, clause: "3.3.4"),
        .init(sample: "07-unsupported-child-dibao", programme: "dibao", status: "eligible", fen: 16_000, clause: "3.1.0"),
        .init(sample: "07-unsupported-child-dibao", programme: "classifiedAid", memberName: "何翠英", status: "eligible", fen: 8_000, clause: "3.1.6"),
        .init(sample: "08-gradual-exit-temporary-aid", programme: "dibao", status: "gradualExit", fen: 99_000, clause: "3.1.5"),
        .init(sample: "08-gradual-exit-temporary-aid", programme: "temporaryAid", status: "eligible", fen: 0, clause: "3.6.3"),
    ]

    @Test("JSON output has the amount in fen and the clauses", arguments: expectations)
    func sampleDetermination(_ e: Expected) throws {
        let run = try Doudi.run("assess", "Samples/households/\(e.sample).json", "--as-of", "2020-07-01",
                                "--policy", "ServerConfig/policy", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let households = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let household = try #require(households.first)
        #expect(household["policy"] as? String == "dongxing-2020")
        #expect(household["asOf"] as? String == "2020-07-01")
        let determinations = try #require(household["determinations"] as? [[String: Any]])
        let found = determinations.first {
            $0["programme"] as? String == e.programme && ($0["memberName"] as? String) == e.memberName
        }
        let d = try #require(found, "no \(e.programme) determination for \(e.memberName ?? "the household")")
        #expect(d["status"] as? String == e.status)
        #expect(d["eligible"] as? Bool == ["eligible", "gradualExit", "candidate"].contains(e.status))
        #expect(d["monthlyAmountFen"] as? Int == e.fen)
        let clauses = try #require(d["clauses"] as? [String])
        #expect(clauses.contains(e.clause), "clauses: \(clauses)")
        let steps = try #require(d["steps"] as? [String])
        #expect(!steps.isEmpty)
        let total = determinations.compactMap { $0["monthlyAmountFen"] as? Int }.reduce(0, +)
        #expect(household["monthlyTotalFen"] as? Int == total)
    }

    @Test("temporary aid: 900 a person for 3 persons, within the town's authority, aid first")
    func temporaryAidFinding() throws {
        let run = try Doudi.run("assess", "Samples/households/08-gradual-exit-temporary-aid.json", "--as-of", "2020-07-01",
                                "--policy", "ServerConfig/policy", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let households = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let determinations = try #require(households.first?["determinations"] as? [[String: Any]])
        let aid = try #require(determinations.first { $0["programme"] as? String == "temporaryAid" }?["temporaryAid"] as? [String: Any])
        #expect(aid["requestedPerPersonFen"] as? Int == 90_000)
        #expect(aid["persons"] as? Int == 3)
        #expect(aid["requestedTotalFen"] as? Int == 270_000)
        #expect(aid["authority"] as? String == "town")
        #expect(aid["aidFirst"] as? Bool == true)
        #expect(aid["meansTestRequired"] as? Bool == false)
    }

    @Test("every sample is assessed in one run, one object per household")
    func allSamples() throws {
        let samples = try Doudi.samples()
        #expect(samples.count >= 6)
        let run = try Doudi.run(["assess"] + samples + ["--as-of", "2020-07-01", "--policy", "ServerConfig/policy", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let households = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(households.count == samples.count)
        let programmes = Set(households.flatMap { ($0["determinations"] as? [[String: Any]] ?? []).compactMap { $0["programme"] as? String } })
        for p in ["dibao", "classifiedAid", "tekun", "orphan", "unsupportedChild", "disabilityLiving", "disabilityNursing", "temporaryAid"] {
            #expect(programmes.contains(p), "no sample exercises \(p)")
        }
    }

    @Test("the full example in docs/HOUSEHOLD-DOCUMENT.md is a valid document with the figures the text gives")
    func documentedExample() throws {
        let doc = try String(contentsOf: Doudi.root.appendingPathComponent("docs/HOUSEHOLD-DOCUMENT.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "```json\n", options: .backwards))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        let dir = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("example.json")
        try String(doc[start.upperBound..<end.lowerBound]).write(to: file, atomically: true, encoding: .utf8)
        let run = try Doudi.run("assess", file.path, "--as-of", "2020-07-01", "--policy", "ServerConfig/policy", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let households = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let determinations = try #require(households.first?["determinations"] as? [[String: Any]])
        func find(_ programme: String, _ name: String?) -> [String: Any]? {
            determinations.first { $0["programme"] as? String == programme && $0["memberName"] as? String == name }
        }
        #expect(find("dibao", nil)?["monthlyAmountFen"] as? Int == 69_000)
        #expect(find("classifiedAid", "王桂花")?["monthlyAmountFen"] as? Int == 4_000)
        #expect(find("disabilityLiving", "王桂花")?["monthlyAmountFen"] as? Int == 10_000)
        #expect(find("disabilityNursing", "王桂花")?["eligible"] as? Bool == false)
        #expect(find("classifiedAid", "李秀梅")?["status"] as? String == "candidate")
        #expect(find("classifiedAid", "张婷")?["status"] as? String == "candidate")
        #expect((find("temporaryAid", "李秀梅")?["temporaryAid"] as? [String: Any])?["authority"] as? String == "district")
    }

    // MARK: human output

    @Test("human output: Chinese names, masked ID numbers, amounts in yuan, total and policy version")
    func humanOutput() throws {
        let run = try Doudi.run("assess", "Samples/households/01-dibao-ordinary.json", "--as-of", "2020-07-01",
                                "--policy", "ServerConfig/policy")
        #expect(run.status == 0, "\(run.stderr)")
        let out = run.stdout
        #expect(out.contains("dongxing-2020"))
        #expect(out.contains("511011101201"))
        #expect(out.contains("椑木镇五星村3组12号"))
        #expect(out.contains("王建军"))
        #expect(out.contains("45岁"))
        #expect(out.contains("511011********0317"))
        #expect(!out.contains("511011197503180317"), "an ID number must never be printed in full")
        #expect(out.contains("【农村低保】全户：符合，每月 210.00 元"))
        #expect(out.contains("§3.1.0"))
        #expect(out.contains("本户每月合计 210.00 元"))
    }

    @Test("--help names every programme in Chinese and English")
    func help() throws {
        let run = try Doudi.run("assess", "--help")
        #expect(run.status == 0)
        for (chinese, english) in [("农村低保", "rural minimum living allowance"), ("特困人员救助供养", "extreme-poverty support"),
                                   ("临时救助", "temporary assistance"), ("重度残疾人护理补贴", "nursing subsidy")] {
            #expect(run.stdout.contains(chinese) && run.stdout.contains(english))
        }
    }

    // MARK: policy versions

    @Test("a new policy version is a new file with a later effectiveFrom: picked by the as-of day, no code change")
    func newPolicyVersion() throws {
        let dir = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shipped = try String(contentsOf: Doudi.root.appendingPathComponent("ServerConfig/policy/dongxing-2020.json"), encoding: .utf8)
        try shipped.write(to: dir.appendingPathComponent("dongxing-2020.json"), atomically: true, encoding: .utf8)
        let later = try Doudi.replacing(shipped, [
            ("\"id\": \"dongxing-2020\"", "\"id\": \"dongxing-2020-07\""),
            ("\"effectiveFrom\": \"2020-01-01\"", "\"effectiveFrom\": \"2020-07-01\""),
            ("\"standard\": \"360.00\"", "\"standard\": \"400.00\""),
            ("\"priceSubsidies\": []", """
                "priceSubsidies": [{"id": "2020-q3", "title": "2020年第三季度价格临时补贴", "from": "2020-07", "through": "2020-09",
                                    "amountPerPerson": "20.00", "groups": ["dibao", "tekun", "orphan"]}]
                """),
        ])
        try later.write(to: dir.appendingPathComponent("dongxing-2020-07.json"), atomically: true, encoding: .utf8)

        func dibao(asOf: String) throws -> (policy: String?, dibaoFen: Int?, priceSubsidies: Int) {
            let run = try Doudi.run("assess", "Samples/households/01-dibao-ordinary.json", "--as-of", asOf, "--policy", dir.path, "--json")
            #expect(run.status == 0, "\(run.stderr)")
            let households = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
            let determinations = households.first?["determinations"] as? [[String: Any]] ?? []
            let fen = determinations.first { $0["programme"] as? String == "dibao" }?["monthlyAmountFen"] as? Int
            let price = determinations.filter { $0["programme"] as? String == "priceSubsidy" && $0["monthlyAmountFen"] as? Int == 2_000 }.count
            return (households.first?["policy"] as? String, fen, price)
        }
        let before = try dibao(asOf: "2020-06-30")
        #expect(before.policy == "dongxing-2020")
        #expect(before.dibaoFen == 21_000)
        #expect(before.priceSubsidies == 0)
        let after = try dibao(asOf: "2020-07-01")
        #expect(after.policy == "dongxing-2020-07")
        #expect(after.dibaoFen == 33_000)  // (400 − 290) × 3
        #expect(after.priceSubsidies == 3)  // the three covered persons
    }

    // MARK: errors: one line on stderr naming the field, exit status 1

    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        /// Household document text; nil = the sample unchanged.
        var household: @Sendable () throws -> String?
        /// Policy file text; nil = the shipped policy.
        var policy: @Sendable () throws -> String?
        /// Words the one-line message must contain.
        var mentions: [String]
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        .init(name: "malformed household document", household: { "{\"household\": {\"id\": " }, policy: { nil },
              mentions: ["household.json", "JSON"]),
        .init(name: "money written as a number", household: {
                  try Doudi.replacing(Doudi.sample("01-dibao-ordinary"), [("\"amount\": \"400.00\"", "\"amount\": 400")])
              }, policy: { nil }, mentions: ["surveys[0].incomes[1].amount", "string of yuan"]),
        .init(name: "invalid ID number (wrong check digit)", household: {
                  try Doudi.replacing(Doudi.sample("03-registered-poor-support"), [("511011195004120214", "511011195004120215")])
              }, policy: { nil }, mentions: ["members[0].residentID", "check digit"]),
        .init(name: "unknown member reference", household: {
                  try Doudi.replacing(Doudi.sample("04-single-person-case"), [("\"member\": \"d0d10000-0000-4000-8000-004100000004\"", "\"member\": \"d0d10000-0000-4000-8000-004100000009\"")])
              }, policy: { nil }, mentions: ["obligors[0].member", "not a member"]),
        .init(name: "policy file with a misspelt field", household: { nil }, policy: {
                  try Doudi.replacing(Doudi.shippedPolicy(), [("\"publicNoticeDays\"", "\"publicNoticeDay\"")])
              }, mentions: ["policy.json", "workflow.publicNoticeDays", "missing"]),
        .init(name: "policy file with an unknown field", household: { nil }, policy: {
                  try Doudi.replacing(Doudi.shippedPolicy(), [("\"incomeTest\"", "\"incomeTset\": \"strictlyBelow\", \"incomeTest\"")])
              }, mentions: ["policy.json", "dibao.incomeTset", "is not a known"]),
        .init(name: "policy file with a classified-aid tier below 10% of the standard", household: { nil }, policy: {
                  try Doudi.replacing(Doudi.shippedPolicy(), [("\"40.00\"", "\"30.00\"")])
              }, mentions: ["policy.json", "dibao.classifiedAid.tiers[2]", "10%"]),
    ]

    @Test("bad input: one line on stderr naming the field, exit status 1", arguments: badInputs)
    func badInput(_ bad: BadInput) throws {
        let dir = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var household = "Samples/households/01-dibao-ordinary.json"
        if let text = try bad.household() {
            household = dir.appendingPathComponent("household.json").path
            try text.write(toFile: household, atomically: true, encoding: .utf8)
        }
        var policy = "ServerConfig/policy"
        if let text = try bad.policy() {
            policy = dir.appendingPathComponent("policy.json").path
            try text.write(toFile: policy, atomically: true, encoding: .utf8)
        }
        let run = try Doudi.run("assess", household, "--as-of", "2020-07-01", "--policy", policy)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(run.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("doudi: 错误："))
        for word in bad.mentions {
            #expect(line.contains(word), "\(line) should mention \(word)")
        }
    }

    @Test("a missing document: one line, exit status 1")
    func missingFile() throws {
        let run = try Doudi.run("assess", "Samples/households/no-such-household.json", "--as-of", "2020-07-01",
                                "--policy", "ServerConfig/policy")
        #expect(run.status == 1)
        #expect(run.stderr == "doudi: 错误：找不到文件 (Samples/households/no-such-household.json: no such file: check the path)\n")
    }

    @Test("no policy found: the error says what to pass")
    func noPolicy() throws {
        let dir = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Doudi.root.appendingPathComponent("Samples/households/01-dibao-ordinary.json").path
        let run = try Doudi.run(["assess", sample, "--as-of", "2020-07-01"], in: dir, environment: ["DOUDI_POLICY": nil])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("--policy") && run.stderr.contains("DOUDI_POLICY"))
    }

    @Test("the policy comes from DOUDI_POLICY, else ./ServerConfig/policy")
    func policyDefaults() throws {
        let dir = try Doudi.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Doudi.root.appendingPathComponent("Samples/households/01-dibao-ordinary.json").path
        let policy = Doudi.root.appendingPathComponent("ServerConfig/policy").path
        let fromEnvironment = try Doudi.run(["assess", sample, "--as-of", "2020-07-01"], in: dir, environment: ["DOUDI_POLICY": policy])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        let fromRepository = try Doudi.run(["assess", sample, "--as-of", "2020-07-01"], in: Doudi.root, environment: ["DOUDI_POLICY": nil])
        #expect(fromRepository.status == 0, "\(fromRepository.stderr)")
        #expect(fromRepository.stdout.contains("dongxing-2020"))
    }
}
