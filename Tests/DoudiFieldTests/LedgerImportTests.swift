import DoudiModel
import Foundation
import Testing
@testable import DoudiField

@Suite("Ledger CSV import")
struct LedgerImportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("The sample ledger imports completely")
    func sample() throws {
        let f = try StoreFixture()
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Samples/ledger/wuxing-village.csv"))
        let report = try LedgerImport(store: f.store).run(data)
        #expect(report.rejected == [])
        #expect(report.households == 5 && report.members == 10)
        let counts = try f.counts()
        #expect(counts["household"] == 5 && counts["member"] == 10 && counts["changeSet"] == 10)
        let list = try f.store.households()
        #expect(list.first { $0.headName == "张大山" }?.members == 3)
        #expect(list.first { $0.headName == "张大山" }?.categories == [.registeredPoor])
    }

    @Test("Bad rows are reported by line and written nowhere; good rows land")
    func badRows() throws {
        let f = try StoreFixture()
        let good1 = try ResidentID.make(area: "511011", birth: Day(iso: "1960-01-01"), sequence: 11).value
        let good2 = try ResidentID.make(area: "511011", birth: Day(iso: "1962-01-01"), sequence: 22).value
        let good3 = try ResidentID.make(area: "511011", birth: Day(iso: "1990-01-01"), sequence: 33).value
        let badCheck = String(good3.dropLast()) + (good3.last == "1" ? "2" : "1")
        let csv = """
        \u{FEFF}户编号,村(社区)代码,家庭住址,姓名,身份证号,与户主关系,残疾类别,残疾等级
        A,511011101201,一组1号,张一,\(good1),户主,,
        A,511011101201,一组1号,张二,\(badCheck),子,,
        A,511011101201,一组1号,"王,三",\(good2),配偶,肢体,五级
        B,511011101202,二组2号,李四,\(good3),户主,,
        C,511011101201,"三组
        3号",赵五,\(good2),户主,,
        D,511011101201,四组4号,钱六,\(good1),户主,,
        E,5110111,五组5号,孙七,\(good3),户主,,
        A,511011101201,一组1号,张八,\(good3),邻居,,
        """
        let report = try LedgerImport(store: f.store).run(Data(csv.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(report.households == 2 && report.members == 2)
        let lines = report.rejected.map(\.line)
        #expect(lines == [3, 4, 5, 8, 9, 10])
        let reasons = report.rejected.map(\.reason)
        #expect(reasons[0].hasPrefix("身份证号: check digit"))
        #expect(reasons[1].hasPrefix("残疾等级:"))
        #expect(reasons[2].contains("outside this device's jurisdiction"))
        #expect(reasons[3].contains("already registered"))
        #expect(reasons[4].hasPrefix("村(社区)代码:"))
        #expect(reasons[5].hasPrefix("与户主关系:"))
        let counts = try f.counts()
        #expect(counts["household"] == 2 && counts["member"] == 2 && counts["changeSet"] == 2)
        // a line break typed in a cell (Alt+Enter) becomes a space: an address is one line (TextRules)
        #expect(try f.store.households(matching: "赵五").first?.address == "三组 3号")
    }

    @Test("A file without the required columns is refused whole")
    func missingColumns() throws {
        let f = try StoreFixture()
        #expect { try LedgerImport(store: f.store).run(Data("姓名,身份证号\n张三,1\n".utf8)) } throws: {
            "\($0)".contains("户编号")
        }
        #expect(try f.counts()["changeSet"] == 0)
    }

    @Test("CSV reading: quotes, escaped quotes, CRLF, BOM")
    func csv() throws {
        let records = try CSVReader.records(Data("\u{FEFF}a,\"b \"\"q\"\"\",c\r\n1,\"x,y\",\r\n\r\n".utf8))
        #expect(records.map(\.fields) == [["a", "b \"q\"", "c"], ["1", "x,y", ""]])
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records(Data("a,\"b\n".utf8)) }
    }
}
