import Foundation
import Testing

/// The payment roll meets the bank, through the CLI and the real server (issue 15): no bank
/// file while a payee has no account; one batch per bank in its own layout and encoding; the
/// bank's answer recorded (the same file twice records nothing twice); a failed line paid again
/// exactly once, on the next roll, to the corrected account.
@Suite("bank batches and 回盘 end to end (real doudi-server)", .serialized)
struct BankRollEndToEndTests {
    /// Text converted by the system's iconv (the bank formats' GB18030).
    static func iconv(_ data: Data, from: String, to: String) throws -> Data {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("iconv-\(UUID().uuidString)")
        try data.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", from, "-t", to, input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "iconv -f \(from) -t \(to) failed")
        return out
    }

    /// A batch file's rows, split by `delimiter`, read in `encoding`.
    static func rows(_ file: URL, encoding: String, delimiter: Character) throws -> [[String]] {
        let data = try Data(contentsOf: file)
        let text = String(decoding: encoding == "UTF-8" ? data : try iconv(data, from: encoding, to: "UTF-8"), as: UTF8.self)
        return text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("no account, no bank file; batches per bank; a failure corrected and paid again exactly once")
    func bankRound() throws {
        let server = try SyncEndToEndTests.Server()
        defer { server.stop() }
        let round = try Round(server)
        let banks = Doudi.root.appendingPathComponent("ServerConfig/banks").path

        // 郑永福 banks with 四川农信 (GB18030, | , control file); 吴桂芳 has no account yet
        let zheng = Round.id("19420108", "017"), wu = Round.id("19440311", "028")
        try round.register(address: "五星村6组2号", head: "郑永福", id: zheng,
                           ["--labour", "完全丧失", "--supporter", "none",
                            "--bank", "四川农信东兴支行", "--account-name", "郑永福", "--account-number", "6214670000123456789"])
        try round.register(address: "五星村7组5号", head: "吴桂芳", id: wu, ["--labour", "完全丧失", "--supporter", "none", "--no-account"])
        for h in [zheng, wu] { try round.survey(h) }
        try round.apply(zheng, "tekun", ["--member", "郑永福"])
        try round.apply(wu, "tekun", ["--member", "吴桂芳"])
        try round.wholeRound()
        let town = round.town
        try town.sync()

        // the read commands answer --json with their rows
        let enrolments = try #require(try town.json("enrolment", "list", zheng) as? [String: Any])
        let tekunRow = try #require((enrolments["enrolments"] as? [[String: Any]])?.first)
        #expect(tekunRow["programme"] as? String == "tekun" && tekunRow["covers"] as? String == "郑永福" && tekunRow["start"] as? String == "2026-12",
                "\(enrolments)")
        let policies = try #require(try town.json("policy", "list", "--date", Round.rollDay) as? [String: Any])
        #expect(policies["inForce"] as? String == "dongxing-2020" && (policies["versions"] as? [Any])?.isEmpty == false, "\(policies)")

        // December: 吴桂芳 has no account — listed, and no file is written
        let out = round.directory.appendingPathComponent("batches")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let blocked = try town.refused("roll", "2026-12", "--date", Round.rollDay, "--bank-batch", out.path, "--banks", banks)
        #expect(blocked.contains("account"), "\(blocked)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty, "nothing written while an account is missing")
        let listing = try town.run(["roll", "2026-12", "--date", Round.rollDay])
        #expect(listing.stdout.contains("缺少账户") && listing.stdout.contains("吴桂芳"), "\(listing.stdout)")

        // the village records her account at the 邮储银行; the town syncs and writes one batch per bank
        try round.village.ok("household", "edit", wu, "--bank", "中国邮储银行东兴支行", "--account-name", "吴桂芳",
                             "--account-number", "6221880000000000028")
        try round.village.sync()
        try town.sync()
        try town.ok("roll", "2026-12", "--date", Round.rollDay, "--bank-batch", out.path, "--banks", banks)
        let rccBatch = out.appendingPathComponent("代发-sichuan-rcc-202612.txt")
        let rcc = try Self.rows(rccBatch, encoding: "GB18030", delimiter: "|")
        #expect(rcc.count == 1 && rcc[0][1] == "6214670000123456789" && rcc[0][2] == "郑永福", "\(rcc)")
        #expect(rcc[0][5].contains("特困"), "summary \(rcc[0])")
        let control = try Self.rows(out.appendingPathComponent("代发-sichuan-rcc-202612.ctl"), encoding: "GB18030", delimiter: "|")
        #expect(control == [["代发-sichuan-rcc-202612.txt", "1", rcc[0][4]]], "\(control)")
        let psbc = try Self.rows(out.appendingPathComponent("代发-psbc-202612.txt"), encoding: "UTF-8", delimiter: ",")
        #expect(psbc.count == 3 && psbc[0][0] == "序号" && psbc[1][1] == "6221880000000000028" && psbc[2][0] == "1", "header, line, control line: \(psbc)")
        let (zhengRef, zhengAmount) = (rcc[0][0], rcc[0][4])
        let wuRef = psbc[1][5]

        // the bank's answer: 郑永福's account is closed (the rcc file comes back in GB18030); 吴桂芳 paid
        let rccResult = round.directory.appendingPathComponent("回盘-rcc-202612.txt")
        try Self.iconv(Data("\(zhengRef)|6214670000123456789|郑永福|\(zhengAmount)|1002|账户已销户\r\n".utf8), from: "UTF-8", to: "GB18030")
            .write(to: rccResult)
        let psbcResult = round.directory.appendingPathComponent("回盘-psbc-202612.csv")
        try Data("序号,业务流水号,处理状态,失败原因\r\n1,\(wuRef),成功,\r\n".utf8).write(to: psbcResult)
        let failed = try town.ok("roll", "reconcile", rccResult.path, "--format", "sichuan-rcc", "--banks", banks, "--date", "2026-12-03")
        #expect(failed.contains("账户已销户") && failed.contains("2027-01") && failed.contains("郑永福"), "\(failed)")
        try town.ok("roll", "reconcile", psbcResult.path, "--format", "psbc", "--banks", banks, "--date", "2026-12-03")
        // read again: nothing new (the outbox holds the same change sets)
        let before = try town.pending()
        let again = try town.ok("roll", "reconcile", rccResult.path, "--format", "sichuan-rcc", "--banks", banks, "--date", "2026-12-04")
        #expect(again.contains("already recorded"), "\(again)")
        #expect(try town.pending() == before)
        // a file whose answers contradict the recorded ones is refused whole
        let contradiction = round.directory.appendingPathComponent("回盘-psbc-wrong.csv")
        try Data("序号,业务流水号,处理状态,失败原因\r\n1,\(wuRef),失败,户名不符\r\n".utf8).write(to: contradiction)
        #expect(try town.refused("roll", "reconcile", contradiction.path, "--format", "psbc", "--banks", banks).contains("ask the bank"))
        // an answer recorded wrongly is withdrawn (kept, with the reason) and the right file read again
        try town.ok("roll", "void-return", wuRef.lowercased(), "--reason", "误读回盘文件")
        let reread = try #require(try town.json("roll", "reconcile", psbcResult.path, "--format", "psbc", "--banks", banks,
                                                "--date", "2026-12-04") as? [String: Any])
        #expect(reread["paid"] as? Int == 1 && reread["alreadyRecorded"] as? Int == 0, "\(reread)")
        // a status the format does not know (处理中) refuses the file: the bank may still pay the line
        let pending = round.directory.appendingPathComponent("回盘-psbc-pending.csv")
        try Data("序号,业务流水号,处理状态,失败原因\r\n1,\(wuRef),处理中,\r\n".utf8).write(to: pending)
        #expect(try town.refused("roll", "reconcile", pending.path, "--format", "psbc", "--banks", banks).contains("处理中"))

        // the ledger: 吴桂芳's line paid, 郑永福's owed
        func tekun(_ day: String) throws -> [String: Any] {
            let ledger = try #require(try town.json("ledger", "--date", day) as? [String: Any])
            let towns = try #require(ledger["towns"] as? [[String: Any]])
            let rows = try #require(towns.first?["programmes"] as? [[String: Any]])
            return try #require(rows.first { $0["programme"] as? String == "tekun" })
        }
        let fen = Int(zhengAmount.replacingOccurrences(of: ".", with: ""))!
        let owed = try tekun("2026-12-05")
        #expect(owed["bankUnpaidFen"] as? Int == fen && owed["bankPaidFen"] as? Int == fen, "\(owed)")

        // the village cannot redirect the payments: an account, once recorded, is changed by the town
        let redirect = try round.village.refused("household", "edit", zheng, "--account-number", "6214670000888888888")
        #expect(redirect.contains("镇") && !redirect.contains("6214670000888888888"), "\(redirect)")

        // the town corrects the account; January pays 郑永福's December amount once, to the new account
        try town.ok("household", "edit", zheng, "--account-number", "6214670000999999999")
        try town.ok("roll", "2027-01", "--date", "2026-12-25", "--bank-batch", out.path, "--banks", banks)
        let january = try Self.rows(out.appendingPathComponent("代发-sichuan-rcc-202701.txt"), encoding: "GB18030", delimiter: "|")
        #expect(january.count == 2 && january.allSatisfy { $0[1] == "6214670000999999999" }, "\(january)")
        let carried = january.filter { $0[5].contains("补发") }
        #expect(carried.count == 1 && carried[0][4] == zhengAmount && carried[0][5].contains("2026年12月"), "\(january)")
        let janJSON = try #require(try town.json("roll", "2027-01", "--date", "2026-12-25") as? [String: Any])
        let janLines = try #require(janJSON["lines"] as? [[String: Any]])
        #expect(janLines.filter { $0["carries"] is String }.map { $0["totalFen"] as? Int } == [fen], "\(janLines)")
        #expect(janLines.allSatisfy { ($0["accountNumber"] as? String)?.contains("****") == true }, "masked in JSON")
        // made again, January is the same: the failure is paid once
        try town.ok("roll", "2027-01", "--date", "2026-12-26", "--bank-batch", out.path, "--banks", banks)
        #expect(try Self.rows(out.appendingPathComponent("代发-sichuan-rcc-202701.txt"), encoding: "GB18030", delimiter: "|") == january)

        // the bank pays January; February carries nothing
        let janResult = round.directory.appendingPathComponent("回盘-rcc-202701.txt")
        try Self.iconv(Data(january.map { "\($0[0])|\($0[1])|\($0[2])|\($0[4])|0000|\r\n" }.joined().utf8), from: "UTF-8", to: "GB18030")
            .write(to: janResult)
        let paidJanuary = try #require(try town.json("roll", "reconcile", janResult.path, "--format", "sichuan-rcc", "--banks", banks,
                                                     "--date", "2027-01-06") as? [String: Any])
        #expect(paidJanuary["paid"] as? Int == 2 && paidJanuary["failed"] as? Int == 0 && paidJanuary["changeSet"] is String, "\(paidJanuary)")
        // December's failure was paid again and answered: its answer can no longer be withdrawn
        let late = try town.refused("roll", "void-return", zhengRef, "--reason", "误读")
        #expect(late.contains("withdraw that answer first"), "\(late)")
        let settled = try tekun("2027-01-06")
        #expect(settled["bankUnpaidFen"] as? Int == 0 && settled["bankPaidFen"] as? Int == 3 * fen, "\(settled)")
        try town.ok("roll", "2027-02", "--date", "2027-01-25", "--bank-batch", out.path, "--banks", banks)
        let february = try Self.rows(out.appendingPathComponent("代发-sichuan-rcc-202702.txt"), encoding: "GB18030", delimiter: "|")
        #expect(february.count == 1 && !february[0][5].contains("补发"), "\(february)")

        // the answers sync: the district's laptop makes the same February roll
        try town.sync()
        try round.district.sync()
        let districtOut = round.directory.appendingPathComponent("district-batches")
        try FileManager.default.createDirectory(at: districtOut, withIntermediateDirectories: true)
        try round.district.ok("roll", "2027-02", "--date", "2027-01-25", "--bank-batch", districtOut.path, "--banks", banks, "--town", SyncEndToEndTests.town)
        #expect(try Data(contentsOf: districtOut.appendingPathComponent("代发-sichuan-rcc-202702.txt"))
                == Data(contentsOf: out.appendingPathComponent("代发-sichuan-rcc-202702.txt")))
    }
}
