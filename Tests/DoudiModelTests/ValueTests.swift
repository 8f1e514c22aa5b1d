import Foundation
import Testing
@testable import DoudiModel

@Suite("Value types")
struct ValueTests {
    @Test("Money parses yuan strings exactly", arguments: [
        ("360", Int64(36_000)), ("360.5", 36_050), ("360.05", 36_005), ("0.01", 1), (" 1080.00 ", 108_000), ("-2.50", -250),
    ])
    func moneyParses(text: String, fen: Int64) throws {
        #expect(try Money(yuanString: text).fen == fen)
    }

    @Test("Money refuses what is not yuan", arguments: ["", "3.600", "1,080", "abc", "12.", ".5", "1e3", "--1"])
    func moneyRefuses(text: String) {
        #expect(throws: MoneyParseError.self) { try Money(yuanString: text) }
    }

    @Test("Money in JSON is a string of yuan; a number is refused")
    func moneyJSON() throws {
        let data = try JSONEncoder().encode([Money(fen: 36_005)])
        #expect(String(decoding: data, as: UTF8.self) == #"["360.05"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Money].self, from: Data("[360]".utf8)) }
    }

    @Test("Rounding rules round once, exactly", arguments: [
        (Int64(1), Int64(3), RoundingRule.halfUpToFen, Int64(0)),
        (1, 2, .halfUpToFen, 1),
        (-1, 2, .halfUpToFen, -1),
        (100_001, 1, .upToYuan, 100_100),
        (100_000, 1, .upToYuan, 100_000),
        (332_000, 12, .halfUpToFen, 27_667),
    ])
    func rounding(num: Int64, den: Int64, rule: RoundingRule, fen: Int64) {
        #expect(FenFraction(num, den).rounded(rule).fen == fen)
    }

    @Test("Days: real calendar days only", arguments: ["2021-02-29", "2020-13-01", "2020-04-31", "2020-7-1", "20200701"])
    func badDays(text: String) {
        #expect(throws: DayError.self) { try Day(iso: text) }
    }

    @Test("Day arithmetic and ages on birthdays", arguments: [
        ("2004-07-01", "2020-07-01", 16), ("2004-07-01", "2020-06-30", 15),
        ("2000-02-29", "2021-02-28", 20), ("2000-02-29", "2021-03-01", 21), ("2000-02-29", "2024-02-29", 24),
    ])
    func ages(born: String, on: String, age: Int) throws {
        #expect(try Day(iso: born).age(on: Day(iso: on)) == age)
    }

    @Test("Day ordinal round trip and month arithmetic")
    func dayOrdinal() throws {
        let d = try Day(iso: "2020-02-28")
        #expect(d.adding(days: 1).iso == "2020-02-29")
        #expect(d.adding(days: 2).iso == "2020-03-01")
        #expect(Day(ordinal: d.ordinal) == d)
        #expect(try YearMonth(iso: "2020-11").adding(months: 3).iso == "2021-02")
        #expect(try YearMonth(iso: "2020-01").months(until: YearMonth(iso: "2020-12")) == 11)
    }

    @Test("Resident ID numbers: birth date, sex and masking come from the number")
    func residentID() throws {
        let id = try ResidentID("51101119800101169x")
        #expect(id.birthDate.iso == "1980-01-01")
        #expect(id.sex == .male)
        #expect(id.value == "51101119800101169X")
        #expect(id.masked == "511011********169X")
        #expect("\(id)" == id.masked)
    }

    @Test("Invalid resident ID numbers are refused with the reason", arguments: [
        ("51101119800101123", ResidentIDError.Problem.length),
        ("5110111980010112A4", .characters),
        ("991011198001011234", .areaCode),
        ("511011198002301234", .birthDate),
        ("511011198001011231", .checkDigit),
    ])
    func badResidentID(text: String, problem: ResidentIDError.Problem) {
        #expect { try ResidentID(text) } throws: { ($0 as? ResidentIDError)?.problem == problem }
    }

    @Test("Org codes: jurisdiction is containment")
    func orgCodes() throws {
        let district = try OrgCode("511011"), town = try OrgCode("511011101"), village = try OrgCode("511011101201")
        #expect(district.contains(village) && town.contains(village) && !village.contains(town))
        #expect(village.town == town && village.parent == town && town.parent == district)
        #expect(!(try OrgCode("511011102")).contains(village))
        #expect(throws: OrgCodeError.self) { try OrgCode("5110") }
        let tree = try OrgTree([OrgUnit(code: district, name: "东兴区"), OrgUnit(code: town, name: "椑木镇"), OrgUnit(code: village, name: "五星村")])
        #expect(tree.path(of: village) == "东兴区 椑木镇 五星村")
        #expect(throws: OrgTreeError.self) { try OrgTree([OrgUnit(code: village, name: "五星村")]) }
    }
}

@Suite("Policy files")
struct PolicyFileTests {
    typealias F = Fixtures

    @Test("The shipped 2020 version carries the seed's figures")
    func shipped() {
        let p = F.policy2020
        #expect(p.dibao.standard.fen == 36_000)
        #expect(p.dibao.classifiedAid.tiers.map(\.fen) == [12_000, 8_000, 4_000])
        #expect(p.tekun.standard.fen == 50_000)
        #expect(p.children.orphanStandard.fen == 90_000 && p.children.unsupportedChildStandard.fen == 90_000)
        #expect(p.disability.livingSubsidy.fen == 10_000)
        #expect(p.disability.nursingSubsidy(grade: 1)?.fen == 8_000 && p.disability.nursingSubsidy(grade: 2)?.fen == 5_000)
        #expect(p.disability.nursingSubsidy(grade: 3) == nil)
        #expect(p.temporaryAid.particularMax.fen == 216_000)
        #expect(p.workflow.publicNoticeDays == 7)
    }

    static func edited(_ from: String, _ to: String) -> Data {
        let s = String(decoding: F.policyJSON, as: UTF8.self)
        precondition(s.contains(from), "fixture text not found: \(from)")
        return Data(s.replacingOccurrences(of: from, with: to).utf8)
    }

    @Test("A bad policy file gets an error naming the field", arguments: [
        (#""standard": "360.00""#, #""standrad": "360.00""#, "dibao.standard"),                // misspelt: required field missing
        (#""maxMonths": 12"#, #""maxMonths": 12, "maxMonth": 6"#, "dibao.gradualExit.maxMonth"),   // unknown field
        (#""tiers": ["120.00", "80.00", "40.00"]"#, #""tiers": ["120.00", "80.00", "35.99"]"#, "dibao.classifiedAid.tiers[2]"), // < 10% §3.1.6
        (#""standard": "500.00""#, #""standard": 500"#, "tekun.standard"),                     // money as a number
        (#""effectiveFrom": "2020-01-01""#, #""effectiveFrom": "2020-02-30""#, "effectiveFrom"),
        (#""publicNoticeDays": 7"#, #""publicNoticeDays": 0"#, "workflow.publicNoticeDays"),
        (#""ordinaryMax": "1080.00""#, #""ordinaryMax": "300.00""#, "temporaryAid.ordinaryMax"),
        (#""rounding": "halfUpToFen""#, #""rounding": "bankers""#, "rounding"),
    ])
    func badFile(from: String, to: String, field: String) {
        #expect { try PolicyVersion.load(json: Self.edited(from, to), document: "bad.json") } throws: { error in
            guard let e = error as? DocumentError else { return false }
            return e.field == field && e.document == "bad.json" && !e.description.contains("\n")
        }
    }

    @Test("Malformed JSON is one line, not a crash")
    func malformed() {
        #expect { try PolicyVersion.load(json: Data("{ \"id\": ".utf8), document: "bad.json") } throws: { error in
            (error as? DocumentError)?.description.hasPrefix("bad.json: is not valid JSON") == true
        }
    }

    @Test("A later version with other numbers works without code changes; it applies from its effective day")
    func laterVersion() throws {
        var text = String(decoding: F.policyJSON, as: UTF8.self)
        for (a, b) in [(#""id": "dongxing-2020""#, #""id": "dongxing-2021""#), (#""effectiveFrom": "2020-01-01""#, #""effectiveFrom": "2021-01-01""#),
                       (#""standard": "360.00""#, #""standard": "400.00""#), (#""ordinaryMax": "1080.00""#, #""ordinaryMax": "1200.00""#)] {
            text = text.replacingOccurrences(of: a, with: b)
        }
        let v2021 = try PolicyVersion.load(json: Data(text.utf8), document: "dongxing-2021.json")
        let book = try PolicyBook([v2021, F.policy2020])
        #expect(try book.inForce(on: F.day("2020-12-31")).dibao.standard.fen == 36_000)
        #expect(try book.inForce(on: F.day("2021-01-01")).dibao.standard.fen == 40_000)
        #expect { try book.inForce(on: F.day("2019-12-31")) } throws: { ($0 as? ModelError)?.code == .noPolicyInForce }
        // a one-person household with 380 income: eligible under 2021 (400) but not 2020 (360)
        let c = F.household([F.member(2, born: "1970-01-01")], survey: F.survey(incomes: [F.wage(2, "380.00")]))
        #expect(F.assess(c, on: "2020-12-31", policy: try book.inForce(on: F.day("2020-12-31"))).determination(.dibao)!.status == .notEligible)
        let d = F.assess(c, on: "2021-01-01", policy: try book.inForce(on: F.day("2021-01-01")))
        #expect(d.determination(.dibao)!.monthlyAmount.fen == 2_000)
        #expect(d.policy == "dongxing-2021")
    }
}

@Suite("Household documents")
struct HouseholdDocumentTests {
    typealias F = Fixtures

    static func json(_ c: HouseholdCase) -> String {
        let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]
        return String(decoding: try! e.encode(c), as: UTF8.self)
    }

    @Test("A household case round-trips through its document format")
    func roundTrip() throws {
        let c = F.household(DibaoTests.three, survey: F.survey(incomes: [F.wage(2, "600.00")]))
        let back = try HouseholdCase.load(json: Data(Self.json(c).utf8), document: "h.json")
        #expect(back == c)
    }

    @Test("Bad household documents name the field", arguments: [
        ("ID", "wrong check digit", "members[0].residentID"),
        ("\"relation\":\"spouse\"", "\"relation\":\"wife\"", "members[1].relation"),
        ("\"amount\":\"600.00\"", "\"amount\":\"-600.00\"", "surveys[0].incomes[0].amount"),
    ])
    func badDocument(from: String, to: String, field: String) {
        let c = F.household(DibaoTests.three, survey: F.survey(incomes: [F.wage(2, "600.00")]))
        let text = Self.json(c)
        var (from, to) = (from, to)
        if from == "ID" {
            let id = c.members[0].residentID.value
            let wrong = id.last == "0" ? "1" : "0"
            (from, to) = ("\"\(id)\"", "\"\(id.dropLast())\(wrong)\"")
        }
        precondition(text.contains(from), "fixture text not found: \(from)")
        #expect { try HouseholdCase.load(json: Data(text.replacingOccurrences(of: from, with: to).utf8), document: "h.json") } throws: {
            ($0 as? DocumentError)?.field == field
        }
    }

    @Test("One ID number is one person; references must resolve")
    func invariants() {
        var c = F.household(DibaoTests.three)
        c.members[1].residentID = c.members[0].residentID
        #expect { try c.validate() } throws: { ($0 as? ModelError)?.code == .duplicate }
        var d = F.household(DibaoTests.three, survey: F.survey(incomes: [F.wage(99, "1.00")]))
        #expect { try d.validate() } throws: { ($0 as? ModelError)?.field == "surveys[0].incomes[0].member" }
        d.surveys = []
        #expect(throws: Never.self) { try d.validate() }
    }
}

@Suite("Document strictness")
struct DocumentStrictnessTests {
    typealias F = Fixtures

    static func text() -> String {
        let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]
        let c = F.household(DibaoTests.three, survey: F.survey(incomes: [F.wage(2, "600.00")]))
        return String(decoding: try! e.encode(c), as: UTF8.self)
    }

    @Test("A misspelt field anywhere in a household document is refused, not ignored")
    func nestedUnknownField() {
        let bad = Self.text().replacingOccurrences(of: "\"labourCapacity\":\"full\"", with: "\"labourCapcity\":\"none\"")
        #expect { try HouseholdCase.load(json: Data(bad.utf8), document: "h.json") } throws: {
            let e = $0 as? DocumentError
            return e?.field == "members[0].labourCapcity" && e?.message.contains("HOUSEHOLD-DOCUMENT.md") == true
        }
    }

    @Test("A wrong enum value lists the values allowed")
    func enumValues() {
        let bad = Self.text().replacingOccurrences(of: "\"relation\":\"spouse\"", with: "\"relation\":\"wife\"")
        #expect { try HouseholdCase.load(json: Data(bad.utf8), document: "h.json") } throws: {
            ($0 as? DocumentError)?.message == "\"wife\" is not one of: head, spouse, son, daughter, grandchild, parent, grandparent, sibling, other"
        }
    }

    @Test("Record rules run on documents too: village codes, temporary-aid type, absurd amounts")
    func recordRules() {
        let short = Self.text().replacingOccurrences(of: "\"village\":\"511011101201\"", with: "\"village\":\"511011\"")
        #expect { try HouseholdCase.load(json: Data(short.utf8), document: "h.json") } throws: { ($0 as? DocumentError)?.field == "household.village" }
        var c = F.household(DibaoTests.three)
        c.applications = [Application(id: F.uuid(80), household: F.uuid(1), programme: .temporaryAid, summary: "x", date: F.day("2020-06-01"))]
        #expect { try c.validate() } throws: { ($0 as? ModelError)?.field == "applications[0].temporaryAidType" }
        c.applications[0].temporaryAidType = .emergency
        c.applications[0].persons = 1_000_000
        #expect { try c.validate() } throws: { ($0 as? ModelError)?.field == "applications[0].persons" }
    }
}
