import Foundation
import Testing
import DoudiModel

/// What Chinese users type (issue 15): dates, amounts and relations in the forms offices use.
@Suite("Typed input: dates, amounts and relations as people write them")
struct TypedInputTests {
    @Test("days: ISO, slashes, dots, single digits, 年月日, eight digits, full-width",
          arguments: ["2020-06-01", "2020/6/1", "2020-6-1", "2020.6.1", "2020年6月1日", "2020年6月1号", "2020年06月01", "20200601",
                      "２０２０年６月１日", "２０２０－０６－０１", " 2020/06/01 "])
    func days(text: String) throws {
        #expect(try Day(typed: text) == Day(iso: "2020-06-01"))
    }

    @Test("days that are not days are refused with the forms to use", arguments: ["2020/2/30", "6/1/2020", "2020-6", "2020年6月", "二〇二〇年六月一日", "202061", ""])
    func badDays(text: String) {
        #expect { _ = try Day(typed: text) } throws: { "\($0)".contains("2020-07-01") || "\($0)".contains("not a real day") || "\($0)".contains("day") }
    }

    @Test("amounts: thousands separators, 元, ¥/￥, full-width digits and punctuation",
          arguments: [("1200", 120_000), ("1,200", 120_000), ("1，200", 120_000), ("1200元", 120_000), ("¥1200", 120_000), ("￥1,200.00元", 120_000),
                      ("１２００", 120_000), ("１，２００．５", 120_050), ("1200元整", 120_000), ("12,345,678.9", 1_234_567_890), ("0", 0), ("-50", -5_000)]
          as [(String, Int64)])
    func amounts(text: String, fen: Int64) throws {
        #expect(try Money(typed: text).fen == fen)
    }

    @Test("amounts that may be mistyped are refused, not guessed", arguments: ["1,20", "12,00.5", "1.234", "1200块", "一千二", "1 200", "", "元"])
    func badAmounts(text: String) {
        #expect(throws: MoneyParseError.self) { _ = try Money(typed: text) }
    }

    @Test("relations as households say them: 儿子, 女儿, 丈夫, 爷爷, 哥哥 … (GB/T 4761 codes)",
          arguments: [("儿子", Relation.son), ("长子", .son), ("女儿", .daughter), ("次女", .daughter), ("妻子", .spouse), ("丈夫", .spouse),
                      ("孙女", .grandchild), ("外孙", .grandchild), ("母亲", .parent), ("爷爷", .grandparent), ("外婆", .grandparent),
                      ("哥哥", .sibling), ("妹妹", .sibling), ("儿媳", .other), ("户主", .head)])
    func relations(word: String, relation: Relation) {
        #expect(Relation.otherNames[word] == relation)
    }

    @Test("an ID number Excel turned into 5.11011E+17 is named as such, with what to do", arguments: ["5.11011E+17", "5.11011195803E+17", "5.11011e+17"])
    func excelMangledID(text: String) {
        #expect { _ = try ResidentID(text) } throws: { "\($0)".contains("科学计数法") && "\($0)".contains("Text") }
    }
}
