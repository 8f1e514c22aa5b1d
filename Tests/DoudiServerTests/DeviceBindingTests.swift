import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Devices bound to one user (SPEC §5.2)")
struct DeviceBindingTests {
    @Test("Issue 12: user B logging in with A's device id is refused, and A's next change set is accepted")
    func squatting() async throws {
        try await ServerFixture.run { f in
            // A (五星村) works on dev-wx and pushes change set 1; its id shows as `node` in every pulled stamp
            let a = try await f.login(Users.wuxing, device: "dev-wx")
            var laptop = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            let household = Device.household(village: Org.wuxing)
            let register = try laptop.register(household)
            #expect(try await f.push([register], token: a)[0].status == .accepted)
            let pulled = try await f.pull(after: 0, token: a)
            #expect(pulled.records.contains { $0.fields.values.contains { $0.stamp.node == "dev-wx" } })

            // B (团结村) logs in with A's device id, to push the next sequence number in its name: refused
            let squat = try await f.send(.post, "/v1/login", json: LoginRequest(user: Users.tuanjie.0, password: Users.tuanjie.1, device: "dev-wx"))
            let refusal = try f.expectError(squat, .forbidden, "device-assigned")
            #expect(refusal.message.contains("re-assign"))
            #expect(!refusal.message.contains(Users.wuxing.0)) // the owner is not named to the caller
            // no token was issued to B on the device
            let tokens = try await f.column(sqlite: "SELECT user FROM token WHERE device = 'dev-wx'",
                                            postgres: "SELECT user_name FROM token WHERE device = 'dev-wx'")
            #expect(tokens == [Users.wuxing.0])

            // A's next change set, number 2, is accepted
            let edit = laptop.editAddress(household, to: "3组14号", from: FieldVersion(value: .string("3组12号"), stamp: register.stamp))
            #expect(edit.sequence == 2)
            let ack = try await f.push([edit], token: a)[0]
            #expect(ack.status == .accepted, "\(ack.code ?? ""): \(ack.message ?? "")")

            // A's own further logins on the device go on working
            _ = try await f.login(Users.wuxing, device: "dev-wx")
        }
    }

    @Test("The first login binds the device: first seen, last login; an audit event says so")
    func binding() async throws {
        try await ServerFixture.run { f in
            _ = try await f.login(Users.wuxing, device: "dev-wx")
            let first = f.clock.now / 1000
            f.clock.advance(seconds: 100)
            _ = try await f.login(Users.wuxing, device: "dev-wx")
            let device = try #require(try await f.store.device("dev-wx"))
            #expect(device.user == Users.wuxing.0 && device.org == Org.wuxing && device.role == .collector)
            #expect(device.firstSeenAt == first && device.lastLoginAt == first + 100)
            #expect(device.highestSequence == 0 && device.lastPushAt == nil && device.revokedAt == nil)
            let events = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 10, device: "dev-wx"))
            #expect(events.map(\.kind) == [.login, .login, .deviceBound])
        }
    }

    @Test("GET /v1/device: the caller's device, its highest accepted sequence and when it came")
    func deviceStatus() async throws {
        try await ServerFixture.run { f in
            let token = try await f.login(Users.wuxing, device: "dev-wx")
            let before = try ServerFixture.decode(DeviceStatus.self, try await f.send(.get, "/v1/device", token: token))
            #expect(before == DeviceStatus(device: "dev-wx", user: Users.wuxing.0, highestSequence: 0, lastPushAt: nil))

            var laptop = Device("dev-wx", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            _ = try await f.push([try laptop.register(Device.household(village: Org.wuxing)),
                                  try laptop.register(Device.household(village: Org.wuxing))], token: token)
            let pushedAt = f.clock.now / 1000
            f.clock.advance(seconds: 60)
            // a rejected change set (another village) takes no sequence the ledger accepted
            let foreign = try laptop.register(Device.household(village: Org.tuanjie))
            #expect(try await f.push([foreign], token: token)[0].status == .rejected)
            let after = try ServerFixture.decode(DeviceStatus.self, try await f.send(.get, "/v1/device", token: token))
            #expect(after == DeviceStatus(device: "dev-wx", user: Users.wuxing.0, highestSequence: 2, lastPushAt: pushedAt))
            // the wire form: seconds since 1970, no lastPushAt before a push
            let raw = try await f.send(.get, "/v1/device", token: try await f.login(Users.tuanjie, device: "dev-tj"))
            #expect(String(buffer: raw.body) == #"{"device":"dev-tj","highestSequence":0,"user":"tuanjie.collector"}"#)
        }
    }

    @Test("Devices in use before the upgrade are bound to the user of their first token")
    func migration() async throws {
        // SQLite only: the PostgreSQL migration is the same rule in its own SQL, applied by every PostgreSQL test
        let database = try ServerDatabase.inMemory()
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-accounts'")
            try db.execute(sql: "DROP TABLE device")
            try db.execute(sql: "DROP TABLE loginThrottle")
            try db.execute(sql: "DROP TABLE authEvent")
            try db.execute(sql: "ALTER TABLE user DROP COLUMN disabled")
            try db.execute(sql: "ALTER TABLE user DROP COLUMN mustChangePassword")
            try db.execute(sql: "ALTER TABLE token DROP COLUMN passwordChangeOnly")
            try db.execute(sql: "INSERT INTO orgUnit(code, name) VALUES ('511011', '东兴区')")
            for name in ["a", "b"] {
                try db.execute(sql: "INSERT INTO user(name, role, org, algorithm, salt, hash, rounds) VALUES (?, 'collector', '511011', 'x', x'00', x'00', 1)",
                               arguments: [name])
            }
            // dev-1 first used by a, then (squatted) by b
            try db.execute(sql: """
                INSERT INTO token(hash, user, device, role, org, issuedAt, expiresAt) VALUES
                ('h1', 'a', 'dev-1', 'collector', '511011', 100, 9999), ('h2', 'b', 'dev-1', 'collector', '511011', 200, 9999),
                ('h3', 'b', 'dev-2', 'collector', '511011', 150, 9999)
                """)
        }
        let migrated = SQLiteServerStore(database: try ServerDatabase(database.writer))
        let one = try #require(try await migrated.device("dev-1"))
        #expect(one.user == "a" && one.firstSeenAt == 100 && one.lastLoginAt == 200)
        #expect(try await migrated.device("dev-2")?.user == "b")
    }
}
