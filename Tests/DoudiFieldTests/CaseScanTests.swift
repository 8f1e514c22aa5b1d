import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// `householdCases(within:)`, the table-by-table read `doudi ledger`, `roll`, `due` and `policy
/// what-if` use over a whole district: the same cases as reading household by household.
@Suite("Field store: reading a district's households at once")
struct CaseScanTests {
    static let district = try! OrgCode("511011")
    static let villages = ["511011101201", "511011101202", "511011102201"].map { try! OrgCode($0) }

    /// Household `i`: 1–4 members of varied age and labour capacity, a survey (two for every
    /// seventh household), per-capita income from 0 to 790.
    static func actions(household i: Int, villages: [OrgCode]) -> [FieldAction] {
        let village = villages[i % villages.count]
        let h = Household(id: UUID(), village: village, hukou: village, address: "\(i)号", categories: i % 5 == 0 ? [.registeredPoor] : [])
        let start = try! Day(iso: "1940-01-01")
        let members = (0..<(1 + i % 4)).map { k -> Member in
            let person = i * 4 + k
            var m = Member(id: UUID(), household: h.id, name: "成员\(i)-\(k)",
                           residentID: try! ResidentID.make(area: "511011", birth: start.adding(days: (person * 37) % 28_000), sequence: 1 + person / 28_000),
                           relation: k == 0 ? .head : (k == 1 ? .spouse : .son))
            m.labourCapacity = [.full, .partial, .none][person % 3]
            return m
        }
        let income = Money(yuan: Int64((i * 10) % 800 * members.count))
        var out: [FieldAction] = [.registerHousehold(h, members: members),
                                  .recordSurvey(Survey(id: UUID(), household: h.id, date: try! Day(iso: "2026-03-01"),
                                                       surveyors: ["王五", "赵六"], incomes: [IncomeItem(kind: .wage, amount: income)]))]
        if i % 7 == 0 {
            out.append(.recordSurvey(Survey(id: UUID(), household: h.id, date: try! Day(iso: "2026-09-01"), surveyors: ["王五", "赵六"],
                                            incomes: [IncomeItem(member: members[0].id, kind: .business, amount: Money(yuan: 100))])))
        }
        return out
    }

    static func load(_ store: FieldStore, households: Int, villages: [OrgCode] = villages) throws {
        var batch: [FieldAction] = []
        for i in 0..<households {
            batch += actions(household: i, villages: villages)
            if batch.count >= 3_000 || i == households - 1 {
                for r in try store.performEach(batch) { if case .failure(let e) = r { throw e } }
                batch.removeAll()
            }
        }
    }

    /// Household by household, as ``FieldStore/householdCase(_:)`` reads one.
    static func oneByOne(_ store: FieldStore, within org: OrgCode, includingVoided: Bool = false) throws -> [HouseholdCase] {
        let ids = try store.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM household WHERE (? OR voidReason IS NULL) AND substr(village, 1, ?) = ? ORDER BY village, rowid",
                                arguments: [includingVoided, org.value.count, org.value])
        }
        return try ids.compactMap(UUID.init(uuidString:)).map { try store.householdCase($0) }
    }

    @Test("the same cases, in the same order, as reading household by household; voided households (unless asked for) and voided records left out")
    func sameAsOneByOne() throws {
        let f = try StoreFixture(role: .districtOfficer, org: Self.district)
        try Self.load(f.store, households: 40)
        let all = try f.store.householdCases(within: Self.district)
        try f.store.perform(.void(.household, all[3].household.id, reason: "迁出"))
        if let member = all[5].members.dropFirst().first { try f.store.perform(.void(.member, member.id, reason: "录入错误")) }
        for org in [Self.district, try OrgCode("511011101"), Self.villages[2]] {
            let scanned = try f.store.householdCases(within: org)
            #expect(scanned == (try Self.oneByOne(f.store, within: org)), "within \(org)")
            #expect(try f.store.householdCases(within: org, parts: 3) == scanned, "read in three slices")
            #expect(!scanned.isEmpty && !scanned.contains { $0.household.id == all[3].household.id })
            let withVoided = try f.store.householdCases(within: org, includingVoided: true, parts: 2)
            #expect(withVoided == (try Self.oneByOne(f.store, within: org, includingVoided: true)), "with voided households, within \(org)")
        }
        #expect(try f.store.householdCases(within: Self.district, includingVoided: true).contains { $0.household.id == all[3].household.id })
    }

    /// A district-sized store on disk (`DOUDI_WHATIF_SCALE` households; not run unless set):
    /// prints the two reads and the what-if over them. With `DOUDI_WHATIF_KEEP=FILE` the store is
    /// kept there, protected with `DOUDI_PASSWORD` like `doudi init`'s, for timing `doudi policy what-if --store FILE`.
    @Test("scale: a district's households read at once and assessed twice", .enabled(if: ProcessInfo.processInfo.environment["DOUDI_WHATIF_SCALE"] != nil))
    func scale() throws {
        let n = Int(ProcessInfo.processInfo.environment["DOUDI_WHATIF_SCALE"] ?? "") ?? 30_400
        let environment = ProcessInfo.processInfo.environment
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keep = environment["DOUDI_WHATIF_KEEP"]
        var store = FieldStore(database: try .open(path: keep ?? dir.appendingPathComponent("district.sqlite").path), keys: keep == nil ? .random() : nil,
                               now: { 1_593_561_600_000 })
        try store.setUp(DeviceSetup(name: "区民政局电脑", user: "district", role: .districtOfficer, org: Self.district), deviceID: "dev-scale")
        if keep != nil {
            store = try store.protect(password: environment["DOUDI_PASSWORD"] ?? "Doudi-test-store-1")
        }
        let villages = (101...119).flatMap { t in (201...216).map { v in try! OrgCode("511011\(t)\(v)") } }
        let clock = ContinuousClock()
        let load = try clock.measure { try Self.load(store, households: n, villages: villages) }
        var scanned: [HouseholdCase] = [], oneByOne: [HouseholdCase] = []
        let scan = try clock.measure { scanned = try store.householdCases(within: Self.district) }
        let single = try clock.measure { oneByOne = try Self.oneByOne(store, within: Self.district) }
        #expect(scanned.count == n && scanned == oneByOne)

        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        let json = try String(contentsOf: url, encoding: .utf8)
        let current = try PolicyVersion.load(json: Data(json.utf8), document: "dongxing-2020.json")
        try store.installPolicy(current)
        let draft = try PolicyVersion.load(json: Data(json.replacingOccurrences(of: "\"standard\": \"360.00\"", with: "\"standard\": \"400.00\"").utf8),
                                           document: "draft.json")
        var whatIf: PolicyWhatIf?
        let compute = clock.measure {
            whatIf = PolicyWhatIf(cases: scanned, org: try! OrgTree([]), current: current, draft: draft, month: try! YearMonth(iso: "2026-12"))
        }
        print("what-if scale: \(n) households loaded in \(load); read at once \(scan), one by one \(single); assessed twice in \(compute): \(whatIf?.changes.count ?? 0) changes, \(whatIf?.rows.count ?? 0) rows")
    }
}
