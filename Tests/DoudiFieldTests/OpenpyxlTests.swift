import DoudiModel
import Foundation
import Testing
@testable import DoudiField

/// The written xlsx opened by a real reader: openpyxl (PyPI; `scripts/install-deps` installs it).
/// Where python3 or openpyxl is missing the test is skipped with the reason printed — except in
/// CI (`CI` set), where that is a failure, as with the PostgreSQL tests (DoudiTestSupport).
@Suite("xlsx opened by openpyxl")
struct OpenpyxlTests {
    static var mustRun: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }
    static let skipReason = "openpyxl tests skipped: python3 with openpyxl is not installed (scripts/install-deps installs it: python3 -m pip install openpyxl)"

    /// Every cell of every sheet as openpyxl reads it, with the sheets' frozen panes; `nil` when
    /// openpyxl is missing here (and this is not CI).
    static func read(_ file: URL) throws -> [String: Any]? {
        let script = """
            import json, sys
            try:
                import openpyxl
            except ImportError:
                print("NO-OPENPYXL"); sys.exit(0)
            book = openpyxl.load_workbook(sys.argv[1])
            out = {"title": book.properties.title, "sheets": []}
            for ws in book.worksheets:
                cells = []
                for row in ws.iter_rows():
                    for c in row:
                        if c.value is None and c.number_format == "General":
                            continue
                        cells.append({"ref": c.coordinate, "type": c.data_type, "value": None if c.value is None else str(c.value),
                                      "format": c.number_format, "bold": bool(c.font and c.font.b)})
                out["sheets"].append({"name": ws.title, "freeze": ws.freeze_panes, "cells": cells})
            print(json.dumps(out, ensure_ascii=False))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        do { try process.run() } catch {
            if mustRun { throw error }
            print(skipReason); return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 || text.hasPrefix("NO-OPENPYXL") {
            if mustRun { Issue.record("\(skipReason) — in CI this is a failure"); return nil }
            print(skipReason); return nil
        }
        guard process.terminationStatus == 0 else {
            Issue.record("openpyxl could not read \(file.lastPathComponent): \(errors)"); return nil
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    @Test("ID and account numbers are text cells (data type s, format @), amounts numbers, exact; the header bold and frozen")
    func realReader() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try XLSXWriter.write(XLSXTests.book, to: file)
        guard let book = try Self.read(file) else { return }
        #expect(book["title"] as? String == XLSXTests.book.title)
        let sheets = try #require(book["sheets"] as? [[String: Any]])
        #expect(sheets.compactMap { $0["name"] as? String } == ["发放明细", "合计_Totals_"])
        #expect(sheets[0]["freeze"] as? String == "A2")
        let cells = Dictionary(uniqueKeysWithValues: (sheets[0]["cells"] as? [[String: Any]] ?? []).map { ($0["ref"] as? String ?? "", $0) })
        func cell(_ ref: String) -> (type: String?, value: String?, format: String?, bold: Bool?) {
            let c = cells[ref]
            return (c?["type"] as? String, c?["value"] as? String, c?["format"] as? String, c?["bold"] as? Bool)
        }
        #expect(cell("A1").type == "s" && cell("A1").value == "序号" && cell("A1").bold == true)
        #expect(cell("C2").type == "s" && cell("C2").value == "511011195803040114" && cell("C2").format == "@")
        #expect(cell("D2").type == "s" && cell("D2").value == "6214670000012345678" && cell("D2").format == "@")
        #expect(cell("C3").type == "s" && cell("C3").value == "51101119600506022X")
        #expect(cell("D3").format == "@")   // an empty cell of the account column: typing in it stays text
        #expect(cell("A2").type == "n" && cell("A2").value == "1")
        #expect(cell("E2").type == "n" && cell("E2").value == "480.0" && cell("E2").format == "0.00" && cell("E2").bold == false)
        #expect(cell("E3").type == "n" && cell("E3").value == "-12.05")
        #expect(cell("B3").value == "<李&\"秀'英>")
    }
}
