import DoudiField
import DoudiModel
import DoudiSync
import DoudiSynthetic
import Foundation
import GRDB

// The field-store bench (issue 3): measures the field library against raw SQLite doing the same rows
// in the same run. Run in release mode:  swift run -c release doudi-bench [--quick]
// Figures go to BENCHMARKS.md (never into timed test assertions).

/// Recorded visits against raw SQLite, and the interactive operations on a town-sized store.
/// - Returns: the section's text, the ratio of a visit one transaction each to raw SQLite, and
///   the p95 of each interactive operation (list, open and assess, the three searches), in seconds.
func runFieldBench(quick: Bool) throws -> (String, Double, [(String, Double)]) {
    // the full run is a whole district's store (a district officer's laptop): 30,400 households
    let households = quick ? 2_000 : 30_400
    let townVisits = quick ? 10_000 : 120_000
    let visitSample = quick ? 500 : 2_000
    let batchSample = quick ? 2_000 : 10_000

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-bench-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }

    let policy = try shippedPolicy()
    var gen = SyntheticTown(seed: 2020, households: households, policy: policy)
    var ids = SplitMix(seed: 7)
    let store = FieldStore(database: try .open(path: dir.appendingPathComponent("town.sqlite").path), keys: .random(), now: nowMillis, makeID: { UUID() })
    try store.setUp(DeviceSetup(name: "镇笔记本", user: "bench", role: .townApprover, org: gen.town), deviceID: "dev-bench")

    // 1. a whole town, through the same change capture as the CLI, in batches
    var householdIDs: [UUID] = []
    var memberCount = 0
    let loadHouseholds = try seconds {
        var batch: [FieldAction] = []
        for i in 0..<households {
            let g = gen.household(i)
            householdIDs.append(g.household.id)
            memberCount += g.members.count
            batch.append(.registerHousehold(g.household, members: g.members))
            if batch.count == 2_000 || i == households - 1 {
                for r in try store.performEach(batch) { if case .failure(let e) = r { fatalError("\(e)") } }
                batch.removeAll()
            }
        }
    }
    let loadVisits = try seconds {
        var batch: [FieldAction] = []
        for i in 0..<townVisits {
            batch.append(.recordVisit(gen.visit(household: householdIDs[i % households], day: i)))
            if batch.count == 5_000 || i == townVisits - 1 {
                for r in try store.performEach(batch) { if case .failure(let e) = r { fatalError("\(e)") } }
                batch.removeAll()
            }
        }
    }

    // 2. recorded visits with change sets vs raw SQLite, same rows, same schema
    let sample = (0..<max(visitSample, batchSample)).map { i in gen.visit(household: householdIDs[(i * 7) % households], day: i) }
    let raw = try DatabasePool(path: dir.appendingPathComponent("raw.sqlite").path)
    try raw.write { db in
        try db.execute(sql: """
            CREATE TABLE household(id TEXT PRIMARY KEY);
            CREATE TABLE visit(id TEXT PRIMARY KEY, household TEXT NOT NULL REFERENCES household(id), date TEXT NOT NULL, visitors TEXT NOT NULL,
              interviewee TEXT NOT NULL, observations TEXT NOT NULL, neighbourNotes TEXT, conclusion TEXT NOT NULL, remarks TEXT, voidReason TEXT);
            CREATE INDEX visit_household ON visit(household);
            """)
        let st = try db.makeStatement(sql: "INSERT INTO household(id) VALUES (?)")
        for h in householdIDs { try st.execute(arguments: [h.uuidString]) }
    }
    func rawArguments(_ v: Visit) -> StatementArguments {
        [v.id.uuidString, v.household.uuidString, v.date.iso, "[\"王五\",\"赵六\"]", v.interviewee, v.observations, v.neighbourNotes, v.conclusion.rawValue]
    }
    let rawSQL = "INSERT INTO visit(id, household, date, visitors, interviewee, observations, neighbourNotes, conclusion) VALUES (?,?,?,?,?,?,?,?)"

    let perActionStore = try seconds { for v in sample.prefix(visitSample) { try store.perform(.recordVisit(v)) } }
    let perActionRaw = try seconds {
        try raw.writeWithoutTransaction { db in
            let st = try db.makeStatement(sql: rawSQL)
            for v in sample.prefix(visitSample) { try db.inTransaction { try st.execute(arguments: rawArguments(v)); return .commit } }
        }
    }
    let batchVisits = sample.suffix(batchSample).map { v -> Visit in var v = v; v.id = ids.uuid(); return v }
    let batchedStore = try seconds { _ = try store.performEach(batchVisits.map { .recordVisit($0) }) }
    try raw.write { db in try db.execute(sql: "DELETE FROM visit") }
    let batchedRaw = try seconds {
        try raw.write { db in
            let st = try db.makeStatement(sql: rawSQL)
            for v in batchVisits { try st.execute(arguments: rawArguments(v)) }
        }
    }

    // 3. what the cadre feels on a town-sized store
    func timed(_ n: Int = 50, _ body: () throws -> Void) rethrows -> (Double, Double) {
        var xs: [Double] = []
        for _ in 0..<n { xs.append(try seconds(body)) }
        return (percentile(xs, 0.5), percentile(xs, 0.95))
    }
    let listPage = try timed { _ = try store.households(limit: 50) }
    let searchName = try timed { _ = try store.households(matching: "秀英", limit: 50) }
    let person = try store.householdCase(householdIDs[households / 3]).members[0]
    let searchWhole = try timed { _ = try store.households(matching: person.name, limit: 50) }
    let initials = PinyinInitials.of(person.name)
    let searchInitials = try timed { _ = try store.households(matching: initials, limit: 50) }
    let tail = String(person.residentID.value.suffix(4))
    let searchTail = try timed { _ = try store.households(matching: tail, limit: 50) }
    var k = 0
    let openHousehold = try timed {
        k += 1
        let c = try store.householdCase(householdIDs[(k * 997) % households])
        _ = Assessor(policy: policy).assess(c, asOf: try Day(iso: "2026-11-01"))
    }
    let oneVisit = try timed { try store.perform(.recordVisit(gen.visit(household: householdIDs[k % households], day: 1))) }
    let fileSize = (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("town.sqlite").path)[.size] as? Int) ?? 0

    return ("""
    ## Field store — \(quick ? "quick run" : "district-sized run")

    Store: \(quick ? "one town" : "a whole district's worth of households") of the synthetic district (`DoudiSynthetic`, seed 2020): \(households) households, \(memberCount) members, \(townVisits + visitSample + batchSample) visits; file \(fileSize / 1_048_576) MiB (WAL mode).

    | what | Doudi field store | raw SQLite, same rows | ratio (Doudi ÷ raw time) |
    |---|---|---|---|
    | record a visit, one transaction each (\(visitSample) visits) | \(rate(visitSample, perActionStore)) | \(rate(visitSample, perActionRaw)) | \(String(format: "%.2f×", perActionStore / perActionRaw)) |
    | record visits, one transaction for the batch (\(batchSample) visits) | \(rate(batchSample, batchedStore)) | \(rate(batchSample, batchedRaw)) | \(String(format: "%.2f×", batchedStore / batchedRaw)) |

    Doudi writes per visit: the visit row, one change set in the outbox (JSON, sealed), one history row (sealed) and one field-stamp row (a create's fields share it);
    raw SQLite writes the visit row through one prepared statement.

    | interactive operation on the \(quick ? "town" : "district") store (50 runs) | median | p95 |
    |---|---|---|
    | list first page of households (50) | \(ms(listPage.0)) | \(ms(listPage.1)) |
    | search a name (“秀英”) | \(ms(searchName.0)) | \(ms(searchName.1)) |
    | search a whole name (“\(person.name)”) | \(ms(searchWhole.0)) | \(ms(searchWhole.1)) |
    | search pinyin initials (“\(initials)”) | \(ms(searchInitials.0)) | \(ms(searchInitials.1)) |
    | search the last four of an ID number (“\(tail)”) | \(ms(searchTail.0)) | \(ms(searchTail.1)) |
    | open a household and assess it | \(ms(openHousehold.0)) | \(ms(openHousehold.1)) |
    | record one visit (interactive) | \(ms(oneVisit.0)) | \(ms(oneVisit.1)) |

    Loading the town through change capture: \(rate(households, loadHouseholds)) households (with members), \(rate(townVisits, loadVisits)) visits (batches of 2,000/5,000).
    """, perActionStore / perActionRaw,
    [("list", listPage.1), ("open+assess", openHousehold.1), ("name", searchName.1), ("whole name", searchWhole.1),
     ("initials", searchInitials.1), ("ID tail", searchTail.1)])
}
