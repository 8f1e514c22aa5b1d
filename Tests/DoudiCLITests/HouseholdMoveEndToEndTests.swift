import DoudiTestSupport
import Foundation
import Testing

/// Issue 11, SPEC §9.7, end to end: the real `doudi-server` and real `doudi` processes. The town
/// moves a household from 五星村 to 团结村; its records leave 五星村's laptops and reach 团结村's.
@Suite("A household moved between villages, end to end (real doudi-server)", .serialized)
struct HouseholdMoveEndToEndTests {
    typealias L = SyncEndToEndTests

    func detail(_ laptop: L.Laptop, _ household: String) throws -> [String: Any] {
        try #require(try laptop.json("household", "show", household, "--json") as? [String: Any])
    }

    @Test("the town moves 刘建国's household to 团结村: it leaves 五星村's laptops (one pushes its edit first), 团结村 receives it whole and carries on")
    func householdMoved() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let a1 = try L.villageALaptop(1)
        try a1.ok("import", "--csv", "Samples/ledger/wuxing-village.csv")
        try a1.login(server)
        try a1.ok("survey", "record", L.liuID, "--date", "2026-11-03", "--surveyor", "李会计", "--surveyor", "王主任")
        try a1.ok("apply", L.liuID, "--programme", "dibao", "--summary", "因病致贫", "--date", "2026-11-05", "--submit")
        try a1.sync()
        let a2 = try L.villageALaptop(2)
        try a2.login(server)
        try a2.sync()
        let b = try L.villageBLaptop()
        try b.login(server)
        try b.sync()
        let town = try L.townLaptop()
        try town.login(server)
        try town.sync()
        let before = try detail(a1, L.liuID)
        let households = try #require(try a1.json("household", "list", "--all", "--json") as? [[String: Any]]).count

        // 五星村's second laptop edits the household offline; the town moves it meanwhile
        try a2.ok("household", "edit", L.liuID, "--phone", "13900000009")
        try town.ok("household", "edit", L.liuID, "--village", L.villageB)
        // and, before syncing, takes the next step on its application: the step names the new village
        let queue = try #require(try town.json("review", "list", "--all", "--date", "2026-11-06", "--json") as? [[String: Any]])
        let application = try #require(queue.first?["application"] as? String, "\(queue)")
        try town.ok("review", "start", application, "--date", "2026-11-06")
        let moved = try town.sync()
        #expect((moved["rejected"] as? [Any])?.isEmpty == true && moved["accepted"] as? Int == 2, "\(moved)")

        // 五星村 (nothing pending): the household, its three members, the survey, the application and its workflow go
        let report = try a1.sync()
        #expect(report["departedRecords"] as? Int == 7, "\(report)")
        #expect(try a1.run("household", "show", L.liuID).status != 0)
        #expect(try #require(try a1.json("household", "list", "--all", "--json") as? [[String: Any]]).count == households - 1)

        // the second laptop pushes its edit first: refused, the household being 团结村's now; then the records go too,
        // and the edit is set aside with the reason (not lost)
        let r = try a2.run("sync", "--json")
        #expect(r.status != 0 && r.stderr.contains("set aside"), "\(r.stdout) \(r.stderr)")
        let pushed = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let rejected = try #require(pushed["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1 && rejected.first?["code"] as? String == "scope", "\(rejected)")
        #expect(pushed["departedRecords"] as? Int == 7)
        #expect(try a2.run("household", "show", L.liuID).status != 0)

        // 团结村 receives it whole: household, members, survey, application
        let pulled = try b.sync()
        #expect((pulled["pulledRecords"] as? Int ?? 0) >= 7 && pulled["departedRecords"] as? Int == 0, "\(pulled)")
        let after = try detail(b, L.liuID)
        #expect((after["household"] as? [String: Any])?["village"] as? String == L.villageB)
        #expect((after["members"] as? [Any])?.count == (before["members"] as? [Any])?.count)
        #expect((after["applications"] as? [Any])?.count == 1, "\(after.keys)")
        // and carries on: its edit of the household is accepted
        try b.ok("household", "edit", L.liuID, "--phone", "13900000010")
        let edited = try b.sync()
        #expect((edited["rejected"] as? [Any])?.isEmpty == true && edited["accepted"] as? Int == 1, "\(edited)")
        // the town (both villages) agrees with 团结村 on 团结村's households
        try town.sync()
        #expect(try town.records(village: L.villageB) == b.records())
    }
}
