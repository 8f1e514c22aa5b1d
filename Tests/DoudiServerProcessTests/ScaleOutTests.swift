import DoudiModel
import DoudiSync
import DoudiTestSupport
import Foundation
import Testing

/// A flag one task sets and another reads.
actor Flag {
    private(set) var value = false
    func set() { value = true }
}

/// Several `doudi-server` processes sharing one PostgreSQL.
@Suite("Scale-out: two server processes on one PostgreSQL", .serialized)
struct ScaleOutTests {
    /// Two servers on a fresh database, or nil (with the reason printed) where PostgreSQL is missing.
    static func twoServers(_ directory: URL) throws -> (ServerProcess, ServerProcess, PostgresTestDatabase)? {
        guard PostgresTestDatabase.adminURL != nil || PostgresTestDatabase.mustRun else {
            print(PostgresTestDatabase.skipReason)
            return nil
        }
        let db = try PostgresTestDatabase.create()
        // the first migrates; the second finds the schema in place
        let a = try ServerProcess(directory: directory.appendingPathComponent("a"), database: db.url)
        let b = try ServerProcess(directory: directory.appendingPathComponent("b"), database: db.url)
        return (a, b, db)
    }

    @Test("Concurrent pushes to both processes, pulls interleaved across them: every record pulled exactly once")
    func exactlyOncePull() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let (a, b, db) = try Self.twoServers(directory) else { return }
        defer { a.stop(); b.stop(); db.drop() }

        let servers = [a.baseURL, b.baseURL]
        let laptops: [(user: (String, String), org: OrgCode)] = [(Users.wuxing, Org.wuxing), (Users.tuanjie, Org.tuanjie),
                                                                 (Users.wuxing, Org.wuxing), (Users.tuanjie, Org.tuanjie)]
        var plans: [(WireClient, [[ChangeSet]], [UUID])] = []
        for (i, laptop) in laptops.enumerated() {
            var device = Device("scale-\(i)", user: laptop.user.0, role: .collector, org: laptop.org)
            let households = (0..<300).map { Device.household(village: laptop.org, i * 1000 + $0) }
            let changeSets = try households.map { try device.register($0) }
            let batches = stride(from: 0, to: changeSets.count, by: 15).map { Array(changeSets[$0..<min($0 + 15, changeSets.count)]) }
            // each laptop alternates between the two processes, batch by batch
            let client = try await WireClient.login(servers[i % 2], user: laptop.user.0, password: laptop.user.1, device: device.id)
            plans.append((client, batches, households.map(\.id)))
        }
        let officers = [try await WireClient.login(a.baseURL, user: Users.officer.0, password: Users.officer.1, device: "scale-office"),
                        try await WireClient.login(b.baseURL, user: Users.officer.0, password: Users.officer.1, device: "scale-office")]

        let done = Flag()
        let work = plans
        let pushing = Task {
            defer { Task { await done.set() } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, plan) in work.enumerated() {
                    group.addTask {
                        for (n, batch) in plan.1.enumerated() {
                            let client = WireClient(server: servers[(i + n) % 2], token: plan.0.token)
                            let acks = try await client.push(batch)
                            guard acks.allSatisfy({ $0.status == .accepted }) else { throw WireClient.Failure(description: "rejected: \(acks)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var seen: [UUID: Int] = [:]
        var cursor: Int64 = 0
        var pulls = 0
        func pullOnce() async throws -> Bool {
            let page = try await officers[pulls % 2].pull(after: cursor, limit: 37)
            pulls += 1
            for record in page.records where record.entity == .household { seen[record.record, default: 0] += 1 }
            #expect(page.cursor >= cursor)
            cursor = page.cursor
            return page.hasMore
        }
        while await !done.value {
            _ = try await pullOnce()
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        try await pushing.value
        while try await pullOnce() {}
        let expected = Set(plans.flatMap(\.2))
        #expect(Set(seen.keys) == expected, "missing \(expected.subtracting(seen.keys).count)")
        #expect(seen.values.allSatisfy { $0 == 1 }, "pulled twice: \(seen.filter { $0.value > 1 }.count)")
        #expect(pulls > 2)
    }

    /// Two devices of the town approver, one logged in on each process.
    static func townDevices(_ name: String, _ a: ServerProcess, _ b: ServerProcess) async throws -> ([Device], [WireClient]) {
        let devices = [Device("\(name)-a", user: Users.approver.0, role: .townApprover, org: Org.beimu),
                       Device("\(name)-b", user: Users.approver.0, role: .townApprover, org: Org.beimu)]
        let clients = [try await WireClient.login(a.baseURL, user: Users.approver.0, password: Users.approver.1, device: devices[0].id),
                       try await WireClient.login(b.baseURL, user: Users.approver.0, password: Users.approver.1, device: devices[1].id)]
        return (devices, clients)
    }

    /// Pushes one change set through each client at the same moment; the statuses, sorted.
    static func race(_ changeSets: [ChangeSet], _ clients: [WireClient]) async throws -> [Acknowledgement.Status] {
        async let first = clients[0].push([changeSets[0]])
        async let second = clients[1].push([changeSets[1]])
        return [try await first, try await second].compactMap(\.first?.status).sorted { $0.rawValue < $1.rawValue }
    }

    @Test("Two processes race to overdraw one reserve fund: each time, exactly one draw is flagged (§3.6.5)")
    func raceToOverdraw() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let (a, b, db) = try Self.twoServers(directory) else { return }
        defer { a.stop(); b.stop(); db.drop() }

        var office = Device("race-office", user: Users.officer.0, role: .districtOfficer, org: Org.district)
        let officer = try await WireClient.login(a.baseURL, user: Users.officer.0, password: Users.officer.1, device: office.id)
        let (devices, clients) = try await Self.townDevices("race-town", a, b)
        var towns = devices
        func entry(_ kind: ReserveFundEntry.Kind, _ yuan: Int64, _ device: inout Device) throws -> ChangeSet {
            let e = ReserveFundEntry(id: UUID(), town: Org.beimu, kind: kind, amount: Money(yuan: yuan), date: try Day(iso: "2020-07-01"))
            return try device.changeSet("fund.\(kind.rawValue)") { stamp in
                [try Device.create(.reserveFundEntry, e.id, e, village: Org.beimu, household: nil, stamp: stamp)]
            }
        }
        var topUp: Int64 = 1_000
        for round in 0..<6 {
            // the balance is 1,000 before each race: two draws of 600 cannot both fit
            let allocation = try entry(round == 0 ? .allocation : .replenishment, topUp, &office)
            #expect(try await officer.push([allocation]).first?.status == .accepted)
            let statuses = try await Self.race([try entry(.draw, 600, &towns[0]), try entry(.draw, 600, &towns[1])], clients)
            #expect(statuses == [.accepted, .acceptedWithConflicts], "round \(round): \(statuses)")
            topUp = 1_200 // both draws are kept (nothing lost): 1,000 − 1,200 = −200, back to 1,000
        }
    }

    @Test("Two processes race to enrol one household in dibao twice: each time, exactly one is parked (§3.1)")
    func raceToEnrolTwice() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let (a, b, db) = try Self.twoServers(directory) else { return }
        defer { a.stop(); b.stop(); db.drop() }

        var village = Device("enrol-village", user: Users.wuxing.0, role: .collector, org: Org.wuxing)
        let collector = try await WireClient.login(a.baseURL, user: Users.wuxing.0, password: Users.wuxing.1, device: village.id)
        let (devices, clients) = try await Self.townDevices("enrol-town", a, b)
        var towns = devices
        for round in 0..<6 {
            let household = Device.household(village: Org.wuxing, round)
            #expect(try await collector.push([try village.register(household)]).first?.status == .accepted)
            func enrolment(_ device: inout Device) throws -> ChangeSet {
                let e = Enrolment(id: UUID(), household: household.id, programme: .dibao, start: try YearMonth(iso: "2020-08"),
                                  monthlyAmount: Money(yuan: 360))
                return try device.changeSet("enrolment.start") { stamp in
                    [try Device.create(.enrolment, e.id, e, village: Org.wuxing, household: household.id, stamp: stamp)]
                }
            }
            let statuses = try await Self.race([try enrolment(&towns[0]), try enrolment(&towns[1])], clients)
            #expect(statuses == [.accepted, .acceptedWithConflicts], "round \(round): \(statuses)")
        }
    }
}
