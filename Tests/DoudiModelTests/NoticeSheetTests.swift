import Foundation
import Testing
@testable import DoudiModel

/// §3.6.3 / FORMS.md "Public notice": the 张榜公示 sheet.
@Suite("Public notice sheet 张榜公示")
struct NoticeSheetTests {
    typealias F = Fixtures
    typealias R = ReportFixtures

    static let assessedOn = "2020-07-01"

    /// Dibao: 2 persons, 200 income → (360 × 2 − 200) = 520 a month.
    static let dibaoCase: HouseholdCase = {
        let app = Application(id: F.uuid(60), household: F.uuid(10), programme: .dibao, summary: "缺乏劳动力", date: F.day("2020-06-15"))
        return R.household(10, members: [
            F.member(2, name: "张大山", born: "1950-03-04", relation: .head),
            F.member(3, name: "李秀英", born: "1952-05-06", relation: .spouse),
        ], survey: F.survey(incomes: [F.wage(2, "200.00")]), address: "五星村3组12号", applications: [app])
    }()

    /// Temporary aid, emergency: 500 × 3 persons.
    static let aidCase: HouseholdCase = {
        let app = Application(id: F.uuid(70), household: F.uuid(20), programme: .temporaryAid, temporaryAidType: .emergency,
                              hardship: .ordinary, amountPerPerson: Money(yuan: 500), persons: 3, summary: "房屋失火，生活用品损毁",
                              date: F.day("2020-06-20"))
        return R.household(20, village: R.hongqi, members: [
            F.member(21, name: "<script>alert(1)</script>", born: "1970-01-01", relation: .head),
            F.member(22, name: "王二", born: "1972-01-01", relation: .spouse),
            F.member(23, name: "王三", born: "2005-01-01", relation: .son),
        ], survey: F.survey(incomes: [F.wage(21, "2000.00")]), categories: [.marginal], address: "红旗村二组5号", applications: [app])
    }()

    /// Orphan: 900 a month, for the grandchild; the head's name is printed.
    static let orphanCase: HouseholdCase = {
        let app = Application(id: F.uuid(80), household: F.uuid(30), member: F.uuid(32), programme: .orphan, summary: "父母双亡",
                              date: F.day("2020-06-01"))
        return R.household(30, village: R.hongqi, members: [
            F.member(31, name: "刘奶奶", born: "1945-01-01", relation: .head),
            F.member(32, name: "刘小", born: "2012-01-01", relation: .grandchild, father: .dead, mother: .dead),
        ], survey: F.survey(incomes: [F.wage(31, "1500.00")]), address: "红旗村", applications: [app])
    }()

    static func entry(_ c: HouseholdCase) -> NoticeSheet.Entry {
        NoticeSheet.Entry(application: c.applications[0], householdCase: c, assessment: F.assess(c, on: assessedOn))
    }

    static let sheet = NoticeSheet(town: "椑木镇", office: "椑木镇人民政府", phone: "0832-2345678",
                                   from: F.day("2020-07-02"), through: F.day("2020-07-08"),
                                   entries: [entry(dibaoCase), entry(aidCase), entry(orphanCase)], org: R.org)

    @Test("§3.6.3 rows: persons, type and proposed amount from the application and the assessment", arguments: [
        (0, "张大山", "五星村3组", 2, 2, "农村低保", "520.00元/月", ""),
        (1, "<script>alert(1)</script>", "红旗村二组", 3, 3, "临时救助（急难型）", "1500.00元（一次性）", "房屋失火，生活用品损毁"),
        (2, "刘奶奶", "红旗村", 2, 1, "孤儿基本生活费", "900.00元/月", ""),
    ])
    func rows(index: Int, head: String, place: String, family: Int, covered: Int, type: String, amount: String, summary: String) {
        let row = Self.sheet.rows[index]
        #expect(row == [String(index + 1), head, Self.sheet.entries[index].maskedResidentID, place, String(family), String(covered),
                        type, amount, summary])
        let e = Self.sheet.entries[index]
        #expect(e.isOneOff == (e.programme == .temporaryAid))
    }

    @Test("Amounts in fen: dibao monthly with covered persons, temporary aid per person × persons")
    func amounts() {
        #expect(Self.sheet.entries[0].proposedAmount?.fen == 52_000)
        #expect(Self.sheet.entries[0].coveredPersons == 2)
        #expect(Self.sheet.entries[1].proposedAmount?.fen == 150_000)
        #expect(Self.sheet.entries[2].proposedAmount?.fen == 90_000)
        // no amount asked yet: 待定
        var c = Self.aidCase
        c.applications[0].amountPerPerson = nil
        #expect(Self.entry(c).amountText == "待定")
    }

    @Test("FORMS.md: the full resident ID number never appears in the sheet, HTML or CSV")
    func noFullID() {
        let ids = [Self.dibaoCase, Self.aidCase, Self.orphanCase].flatMap(\.members).map(\.residentID)
        let html = Self.sheet.html(), csv = Self.sheet.csv()
        var dumped = ""
        dump(Self.sheet, to: &dumped)
        for id in ids {
            #expect(!html.contains(id.value))
            #expect(!csv.contains(id.value))
            #expect(!dumped.contains(id.value))
        }
        #expect(html.contains(ids[0].masked))
        #expect(csv.contains(ids[0].masked))
    }

    @Test("HTML: escaped text, UTF-8, printable A4, header and closing line")
    func html() {
        let html = Self.sheet.html()
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@media print"))
        #expect(html.contains("size: A4"))
        #expect(html.contains("<h1>椑木镇社会救助对象公示</h1>"))
        #expect(html.contains("公示期：2020年7月2日至2020年7月8日"))
        #expect(html.contains("公示单位：椑木镇人民政府"))
        #expect(html.contains("监督电话：0832-2345678"))
        #expect(html.contains("请于2020年7月8日前向椑木镇反映"))
        #expect(html.contains("<th>困难情况</th>"))
        #expect(HTMLText.escape("a & b < c > d \" ' e") == "a &amp; b &lt; c &gt; d &quot; &#39; e")
    }

    @Test("CSV: BOM, header block, columns, footer")
    func csv() {
        let text = Self.sheet.csv()
        #expect(text.hasPrefix("\u{FEFF}椑木镇社会救助对象公示\r\n"))
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[1] == "公示期,2020年7月2日至2020年7月8日")
        #expect(lines[2] == "公示单位,椑木镇人民政府")
        #expect(lines[3] == "监督电话,0832-2345678")
        #expect(lines[4] == "序号,户主姓名,身份证号,村(组),家庭人口,保障人口,救助类型,建议金额,困难情况")
        #expect(lines[5].hasPrefix("1,张大山,511011********"))
        #expect(lines[6].hasSuffix(",临时救助（急难型）,1500.00元（一次性）,房屋失火，生活用品损毁"))
        #expect(lines[9].hasPrefix("对以上公示对象如有异议"))
    }
}
