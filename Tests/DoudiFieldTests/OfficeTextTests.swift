import Foundation
import Testing
@testable import DoudiField

@Suite("Text files from the offices: encodings detected")
struct OfficeTextTests {
    static let text = "五星村低保台账\r\n户编号,姓名\r\nWX-1,张大山\r\n"
    /// `text` in GBK, as Python's `text.encode("gbk")` gives it.
    static let gbk: [UInt8] = [206, 229, 208, 199, 180, 229, 181, 205, 177, 163, 204, 168, 213, 203, 13, 10, 187, 167, 177, 224, 186, 197, 44,
                               208, 213, 195, 251, 13, 10, 87, 88, 45, 49, 44, 213, 197, 180, 243, 201, 189, 13, 10]

    static func utf16(_ s: String, littleEndian: Bool, mark: Bool) -> Data {
        var out: [UInt8] = mark ? (littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) : []
        for unit in s.utf16 {
            let (lo, hi) = (UInt8(unit & 0xFF), UInt8(unit >> 8))
            out += littleEndian ? [lo, hi] : [hi, lo]
        }
        return Data(out)
    }

    @Test("UTF-8 with and without BOM, UTF-16 LE and BE with and without BOM, GBK (read as GB18030)")
    func detects() throws {
        let cases: [(Data, OfficeText.Encoding)] = [
            (Data(Self.text.utf8), .utf8),
            (Data([0xEF, 0xBB, 0xBF] + Array(Self.text.utf8)), .utf8),
            (Self.utf16(Self.text, littleEndian: true, mark: true), .utf16LittleEndian),
            (Self.utf16(Self.text, littleEndian: false, mark: true), .utf16BigEndian),
            (Self.utf16(Self.text, littleEndian: true, mark: false), .utf16LittleEndian),
            (Self.utf16(Self.text, littleEndian: false, mark: false), .utf16BigEndian),
            (Data(Self.gbk), .gb18030),
        ]
        for (data, encoding) in cases {
            let decoded = try OfficeText.decode(data)
            #expect(decoded.encoding == encoding)
            #expect(decoded.text == Self.text, "\(encoding)")
        }
        // GB18030 beyond GBK: the euro sign and a character outside the BMP
        #expect(try OfficeText.decode(Data([162, 227, 149, 50, 130, 54])).text == "€𠀀")
    }

    @Test("Bytes that are text in no encoding tried: the error names them and what to do")
    func refuses() {
        #expect { try OfficeText.decode(Data([0x41, 0xFF, 0xFF, 0x42, 0x80])) } throws: {
            let d = "\($0)"
            return d.contains("UTF-8") && d.contains("GB18030") && d.contains("CSV UTF-8")
        }
        #expect { try OfficeText.decode(Data([0xEF, 0xBB, 0xBF, 0xFF])) } throws: { "\($0)".contains("byte-order mark") }
        #expect { try OfficeText.decode(Data([0xFF, 0xFE, 0x41])) } throws: { "\($0)".contains("odd number") }
    }

    @Test("CSV reading: a tab-separated file (Excel's Unicode text) is split on tabs")
    func tabs() throws {
        let records = try CSVReader.records(Self.utf16("户编号\t姓名\r\nWX-1\t张,大山\r\n", littleEndian: true, mark: true))
        #expect(records.map(\.fields) == [["户编号", "姓名"], ["WX-1", "张,大山"]])
    }
}
