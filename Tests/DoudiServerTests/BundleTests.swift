import DoudiModel
import DoudiServer
import DoudiSync
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A device's side of a bundle, made by hand: its key pair, the server's public keys its login
/// answered, and the change sets it makes (``Device``).
struct BundleLaptop {
    let keys: BundlePrivateKeys
    let server: BundlePublicKeys
    let token: String
    var device: Device

    var id: String { device.id }

    /// Logs `user` in on `device` with a fresh key pair, which the login registers.
    static func login(_ f: ServerFixture, _ user: (String, String), device: String, role: Role, org: OrgCode,
                      keys: BundlePrivateKeys = .generate(), sourceLocation: SourceLocation = #_sourceLocation) async throws -> BundleLaptop {
        let response = try await f.loginWithKeys(user, device: device, keys: keys.publicKeys)
        #expect(response.status == .ok, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        let answer = try ServerFixture.decode(LoginResponse.self, response, sourceLocation: sourceLocation)
        let server = try #require(answer.serverKeys, "a login with device keys is answered the server's", sourceLocation: sourceLocation)
        return BundleLaptop(keys: keys, server: server, token: answer.token, device: Device(device, user, role: role, org: org, clock: f.clock))
    }

    /// A request bundle of `changeSets` at `cursor`: signed by `signer` (this device's keys by
    /// default), sealed to `recipient` (the server's by default).
    func bundle(_ changeSets: [ChangeSet], cursor: Int64 = 0, id: UUID = UUID(), device: String? = nil,
                signedBy signer: BundlePrivateKeys? = nil, to recipient: BundlePublicKeys? = nil) throws -> Data {
        let signer = signer ?? keys
        let recipient = recipient ?? server
        let device = device ?? self.id
        // each bundle made a second after the one before, as a laptop makes them
        self.device.clock.advance(seconds: 1)
        let header = BundleHeader(kind: .request, id: id, device: device, createdAt: self.device.clock.now, signer: signer.publicKeys.signing,
                                  recipient: recipient.agreement)
        return try SealedBundle.seal(BundleRequest.payload(device: device, cursor: cursor, changeSets: changeSets), header: header,
                                     signedBy: signer, to: try recipient.agreementKey())
    }

    /// Opens a reply the server answered: checked with the server's key, opened with this device's.
    func open(_ answer: BundleUploadResponse) throws -> (header: BundleHeader, reply: BundleReply) {
        let file = try #require(Data(base64Encoded: answer.reply), "the reply is base64")
        let sealed = try SealedBundle(reading: file)
        try sealed.verify(signedBy: try server.signingKey())
        return (sealed.header, try BundleReply(reading: try sealed.open(with: keys.agreement)))
    }
}

extension ServerFixture {
    /// `POST /v1/login` carrying device keys (or none).
    func loginWithKeys(_ user: (String, String), device: String, keys: BundlePublicKeys?) async throws -> TestResponse {
        try await send(.post, "/v1/login", json: LoginRequest(user: user.0, password: user.1, device: device, deviceKeys: keys))
    }

    /// `POST /v1/bundles` with a bundle file as the body.
    func uploadBundle(_ file: Data, token: String) async throws -> TestResponse {
        try await client.execute(uri: "/v1/bundles", method: .post,
                                 headers: [.contentType: "application/octet-stream", .authorization: "Bearer \(token)"],
                                 body: ByteBuffer(bytes: file))
    }

    /// The ids of the change sets the ledger accepted from `device` (its change-set log), upper case.
    func acceptedChangeSets(of device: String) async throws -> [String] {
        try await column(sqlite: "SELECT id FROM changeSetLog WHERE device = '\(device)' ORDER BY sequence",
                         postgres: "SELECT id FROM change_set_log WHERE device = '\(device)' ORDER BY sequence").map { $0.uppercased() }
    }
}

@Suite("Bundles carried by hand (SPEC §15): device keys at login, POST /v1/bundles")
struct BundleTests {
    @Test("Login registers a device's bundle keys; the same keys again are fine, other keys are not registered and get no server keys until the device is re-assigned; the server's keys stay the same")
    func keysAtLogin() async throws {
        try await ServerFixture.run { f in
            let keys = BundlePrivateKeys.generate()
            let first = try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: keys.publicKeys)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            let server = try #require(try ServerFixture.decode(LoginResponse.self, first).serverKeys)
            #expect(throws: Never.self) { _ = try server.signingKey(); _ = try server.agreementKey() }
            #expect(try await f.store.deviceBundleKeys("dev-wx") == keys.publicKeys)
            #expect(try await f.store.serverBundleKeys().publicKeys == server)

            // the same keys again; a login without keys (an older doudi) leaves them as they are
            let again = try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: keys.publicKeys)
            #expect(again.status == .ok)
            #expect(try ServerFixture.decode(LoginResponse.self, again).serverKeys == server)
            #expect(try ServerFixture.decode(LoginResponse.self, again).deviceKeysRegistered == true)
            let without = try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: nil)
            #expect(without.status == .ok)
            #expect(try ServerFixture.decode(LoginResponse.self, without).deviceKeysRegistered == nil, "a login without keys is told nothing of them")
            #expect(try await f.store.deviceBundleKeys("dev-wx") == keys.publicKeys)

            // other keys: another store using the device id
            let other = BundlePrivateKeys.generate()
            /// Other keys than the registered ones are not registered, and the login hands out no
            /// server keys: the laptop (a restored store) goes on syncing over the network, but
            /// carries no bundles until the district re-assigns the device.
            func otherKeysRefused(_ sent: BundlePrivateKeys, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: sent.publicKeys)
                #expect(response.status == .ok, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
                #expect(try ServerFixture.decode(LoginResponse.self, response).serverKeys == nil, "no server keys for other keys",
                        sourceLocation: sourceLocation)
                #expect(try ServerFixture.decode(LoginResponse.self, response).deviceKeysRegistered == false, sourceLocation: sourceLocation)
            }
            try await otherKeysRefused(other)
            #expect(try await f.store.deviceBundleKeys("dev-wx") == keys.publicKeys, "the first keys stay")
            // keys that are not keys
            try f.expectError(try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: BundlePublicKeys(signing: "AAAA", agreement: keys.publicKeys.agreement)),
                              .badRequest, "bad-parameter")
            let registered = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 50, device: "dev-wx")).filter { $0.kind == .deviceKeyRegistered }
            #expect(registered.count == 1)

            // the district re-assigns the device (to its own user): the old keys are forgotten, new ones register
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let assigned = try await f.send(.post, "/v1/admin/devices/dev-wx/assign", token: officer, json: DeviceAssignRequest(user: Users.wuxing.0))
            #expect(assigned.status == .ok, "\(String(buffer: assigned.body))")
            #expect(try await f.store.deviceBundleKeys("dev-wx") == nil)
            let renewed = try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: other.publicKeys)
            #expect(renewed.status == .ok, "\(String(buffer: renewed.body))")
            #expect(try ServerFixture.decode(LoginResponse.self, renewed).serverKeys == server)
            #expect(try await f.store.deviceBundleKeys("dev-wx") == other.publicKeys)
            try await otherKeysRefused(keys)
            #expect(try await f.store.deviceBundleKeys("dev-wx") == other.publicKeys)

            // the store call does the same
            _ = try await f.store.assignDevice("dev-wx", to: Users.wuxing.0)
            #expect(try await f.store.deviceBundleKeys("dev-wx") == nil)
            let third = BundlePrivateKeys.generate()
            #expect(try await f.loginWithKeys(Users.wuxing, device: "dev-wx", keys: third.publicKeys).status == .ok)
            #expect(try await f.store.deviceBundleKeys("dev-wx") == third.publicKeys)

            // another device's login answers the same server keys
            let tj = try await f.loginWithKeys(Users.tuanjie, device: "dev-tj", keys: BundlePrivateKeys.generate().publicKeys)
            #expect(try ServerFixture.decode(LoginResponse.self, tj).serverKeys == server)

            // a second server process on the same store signs and opens with the same keys
            let logger = Logger(label: "doudi-server-test") { _ in SwiftLogNoOpLogHandler() }
            let second = try await buildApplication(configuration: ServerFixture.configuration(), store: f.store, clock: f.clock.serverClock, logger: logger)
            try await second.test(.router) { client in
                let body = try ServerFixture.encoder.encode(LoginRequest(user: Users.wuxing.0, password: Users.wuxing.1, device: "dev-wx",
                                                                        deviceKeys: third.publicKeys))
                let response = try await client.execute(uri: "/v1/login", method: .post, headers: [.contentType: "application/json"],
                                                        body: ByteBuffer(bytes: body))
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(try ServerFixture.decode(LoginResponse.self, response).serverKeys == server)
            }
        }
    }

    @Test("A bundle made with the registered keys is applied like a push; the reply is signed by the server, sealed to the device and holds the records")
    func applied() async throws {
        try await ServerFixture.run { f in
            var laptop = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing)
            let household = Device.household(village: Org.wuxing)
            let register = try laptop.device.register(household)
            let edit = laptop.device.editAddress(household, to: "3组14号", from: FieldVersion(value: .string("3组12号"), stamp: register.stamp))
            let id = UUID()
            let file = try laptop.bundle([register, edit], id: id)

            let response = try await f.uploadBundle(file, token: laptop.token)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let answer = try ServerFixture.decode(BundleUploadResponse.self, response)
            #expect(answer.device == "dev-wx" && answer.changeSets == 2 && answer.accepted == 2 && answer.acceptedWithConflicts == 0 && answer.rejected == 0)
            #expect(!answer.hasMore && answer.conflicts == 0)

            let (header, reply) = try laptop.open(answer)
            #expect(header.kind == .reply && header.device == "dev-wx" && header.inReplyTo == id && header.id == answer.replyID)
            #expect(header.signer == laptop.server.signing && header.recipient == laptop.keys.publicKeys.agreement)
            #expect(reply.device == "dev-wx" && reply.inReplyTo == id)
            #expect(reply.acknowledgements.map(\.changeSet) == [register.id, edit.id])
            #expect(reply.acknowledgements.allSatisfy { $0.status == .accepted && $0.serverSequence != nil })
            let highest = try await f.store.highestSequence()
            #expect(reply.fromCursor == 0 && reply.cursor == highest && !reply.hasMore)
            let records = reply.pages.flatMap(\.records)
            #expect(answer.records == records.count)
            let pulled = try await f.pull(after: 0, token: laptop.token)
            #expect(Set(records.map(\.record)) == Set(pulled.records.map(\.record)), "the reply brings what a pull from the same cursor brings")
            let stored = try #require(records.first { $0.record == household.id })
            #expect(stored.fields["address"]?.value == .string("3组14号"))
            #expect(!reply.orgUnits.isEmpty && reply.orgUnits.contains { $0.code == Org.wuxing })

            // only the device opens it; a reply from a cursor brings only what came after it
            #expect(throws: BundleError.self) { try SealedBundle(reading: Data(base64Encoded: answer.reply)!).open(with: BundlePrivateKeys.generate().agreement) }
            let later = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(try laptop.bundle([], cursor: reply.cursor), token: laptop.token))
            #expect(later.changeSets == 0 && later.records == 0)
            #expect(try laptop.open(later).reply.fromCursor == reply.cursor)

            // the ledger saw it as a push of dev-wx by its user
            #expect(try await f.acceptedChangeSets(of: "dev-wx") == [register.id, edit.id].map(\.uuidString))
            let device = try #require(try await f.store.device("dev-wx"))
            #expect(device.highestSequence == 2 && device.lastPushAt != nil)
            let events = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 50, device: "dev-wx")).map(\.kind)
            #expect(events.filter { $0 == .bundleApplied }.count == 2)
        }
    }

    @Test("The same bundle uploaded twice applies each change set once and is answered the same acknowledgements; a change set pushed first is answered as the push was")
    func replay() async throws {
        try await ServerFixture.run { f in
            var laptop = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing)
            let household = Device.household(village: Org.wuxing)
            let register = try laptop.device.register(household)
            let edit = laptop.device.editAddress(household, to: "3组14号", from: FieldVersion(value: .string("3组12号"), stamp: register.stamp))
            let file = try laptop.bundle([register, edit])

            let first = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(file, token: laptop.token))
            let after = try await f.snapshot()
            #expect(first.accepted == 2)
            f.clock.advance(seconds: 30)
            let second = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(file, token: laptop.token))
            #expect(try await f.snapshot() == after, "nothing applied again")
            #expect(second.changeSets == 2 && second.accepted == 2 && second.rejected == 0)
            #expect(second.replyID != first.replyID, "each upload is answered a reply of its own")
            let (a, b) = (try laptop.open(first).reply, try laptop.open(second).reply)
            #expect(a.acknowledgements == b.acknowledgements)
            #expect(a.pages.flatMap(\.records) == b.pages.flatMap(\.records))
            #expect(try await f.acceptedChangeSets(of: "dev-wx") == [register.id, edit.id].map(\.uuidString))
            #expect(try await f.store.device("dev-wx")?.highestSequence == 2)
            let versions = try await f.pull(after: 0, token: laptop.token).records.filter { $0.record == household.id }
            #expect(versions.count == 1 && versions[0].fields["address"]?.value == .string("3组14号"))

            // pushed over the network first, then carried in a bundle: the push's answer, applied once
            let third = laptop.device.editAddress(household, to: "3组15号", from: FieldVersion(value: .string("3组14号"), stamp: edit.stamp))
            let pushed = try await f.push([third], token: laptop.token)
            let before = try await f.snapshot()
            let carried = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(try laptop.bundle([register, edit, third]), token: laptop.token))
            #expect(try laptop.open(carried).reply.acknowledgements == a.acknowledgements + pushed)
            #expect(try await f.snapshot() == before)
            // and the other way round: carried first, pushed again
            let fourth = laptop.device.editAddress(household, to: "3组16号", from: FieldVersion(value: .string("3组15号"), stamp: third.stamp))
            let bundled = try laptop.open(try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(try laptop.bundle([fourth]), token: laptop.token)))
            let afterBundle = try await f.snapshot()
            #expect(try await f.push([fourth], token: laptop.token) == bundled.reply.acknowledgements)
            #expect(try await f.snapshot() == afterBundle)
            #expect(try await f.acceptedChangeSets(of: "dev-wx").count == 4)
            // the first bundle again, now older than bundles applied since: refused whole, nothing applied
            let stale = try f.expectError(try await f.uploadBundle(file, token: laptop.token), .conflict, "bundle-stale")
            #expect(stale.message.contains("newer"))
            #expect(try await f.snapshot() == afterBundle)
        }
    }

    @Test("A changed, foreign-signed, foreign-sealed, cut-short or reply bundle is refused with its code and changes nothing")
    func tampered() async throws {
        try await ServerFixture.run { f in
            var laptop = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing)
            let register = try laptop.device.register(Device.household(village: Org.wuxing))
            let file = try laptop.bundle([register])
            let before = try await f.snapshot()

            func refused(_ bytes: Data, _ code: String, _ why: Comment, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await f.uploadBundle(bytes, token: laptop.token)
                try f.expectError(response, .badRequest, code, sourceLocation: sourceLocation)
                #expect(try await f.snapshot() == before, why, sourceLocation: sourceLocation)
            }
            // one byte changed: in the ciphertext, in the signature
            for offset in [file.count - 80, file.count - 1] {
                var flipped = file
                flipped[flipped.startIndex + offset] ^= 0x01
                try await refused(flipped, "bundle-signature", "a byte flipped at \(offset) of \(file.count)")
            }
            // made with another key pair (a copy of the store, or a forger)
            try await refused(try laptop.bundle([register], signedBy: .generate()), "bundle-signature", "signed by another key")
            // sealed to another server's key
            try await refused(try laptop.bundle([register], to: BundlePrivateKeys.generate().publicKeys), "bundle-recipient", "sealed to another key")
            // cut short, or with bytes after its end; not a bundle at all
            for length in [file.count - 1, file.count - 70, file.count / 2, 12, 3, 0] {
                try await refused(file.prefix(length), "bundle-malformed", "cut to \(length) bytes")
            }
            try await refused(file + Data([0]), "bundle-malformed", "a byte appended")
            try await refused(Data(#"{"changeSets": []}"#.utf8), "bundle-malformed", "JSON, not a bundle")
            // the payload names another device than the header: signed by this device all the same
            let header = BundleHeader(kind: .request, device: "dev-wx", createdAt: 0, signer: laptop.keys.publicKeys.signing, recipient: laptop.server.agreement)
            let mismatched = try SealedBundle.seal(BundleRequest.payload(device: "dev-tj", cursor: 0, changeSets: [register]), header: header,
                                                   signedBy: laptop.keys, to: try laptop.server.agreementKey())
            try await refused(mismatched, "bundle-malformed", "payload of another device")

            // the good one passes; its reply carried back to the server is refused
            let answer = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(file, token: laptop.token))
            #expect(answer.accepted == 1)
            let applied = try await f.snapshot()
            let reply = try #require(Data(base64Encoded: answer.reply))
            let error = try f.expectError(try await f.uploadBundle(reply, token: laptop.token), .badRequest, "bundle-malformed")
            #expect(error.message.contains("reply"))
            #expect(try await f.snapshot() == applied)
        }
    }

    @Test("A bundle whose cursor is ahead of the server (restored from a backup): its change sets are answered, once")
    func cursorAhead() async throws {
        // Before, the server applied the change sets and then refused the upload (400 bad-parameter,
        // no reply): applied, yet the laptop never learnt of it. Now the change sets are answered.
        try await ServerFixture.run { f in
            var laptop = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing)
            let household = Device.household(village: Org.wuxing)
            let register = try laptop.device.register(household)
            let file = try laptop.bundle([register], cursor: 10_000)
            let response = try await f.uploadBundle(file, token: laptop.token)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let answer = try ServerFixture.decode(BundleUploadResponse.self, response)
            #expect(answer.accepted == 1 && !answer.hasMore)
            let reply = try laptop.open(answer).reply
            #expect(reply.acknowledgements.map(\.changeSet) == [register.id] && reply.acknowledgements[0].status == .accepted)
            let records = reply.pages.flatMap(\.records)
            #expect(answer.records == records.count)
            // the reply starts again from 0, as a sync does
            #expect(reply.reset && reply.fromCursor == 0 && records.contains { $0.record == household.id }, "\(reply.fromCursor)")
            let applied = try await f.snapshot()
            let again = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(file, token: laptop.token))
            #expect(try laptop.open(again).reply.acknowledgements == reply.acknowledgements)
            #expect(try await f.snapshot() == applied)
            #expect(try await f.acceptedChangeSets(of: "dev-wx") == [register.id.uuidString])
        }
    }

    @Test("A device's key vouches for its own change sets only: another device's inside its bundle is rejected scope")
    func otherDevicesChangeSets() async throws {
        try await ServerFixture.run { f in
            var laptop = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing)
            _ = try await f.login(Users.tuanjie, device: "dev-tj")
            var tj = Device("dev-tj", Users.tuanjie, role: .collector, org: Org.tuanjie, clock: f.clock)
            let own = try laptop.device.register(Device.household(village: Org.wuxing))
            let foreign = try tj.register(Device.household(village: Org.tuanjie))
            let answer = try ServerFixture.decode(BundleUploadResponse.self, try await f.uploadBundle(try laptop.bundle([own, foreign]), token: laptop.token))
            #expect(answer.accepted == 1 && answer.rejected == 1)
            let acks = try laptop.open(answer).reply.acknowledgements
            #expect(acks.map(\.status) == [.accepted, .rejected] && acks[1].code == "scope")
            #expect(try await f.acceptedChangeSets(of: "dev-tj").isEmpty)
        }
    }

    @Test("Who may carry a bundle, and whose: unknown device or no jurisdiction 404, no registered keys, revoked device 403; the town approver may")
    func carriers() async throws {
        try await ServerFixture.run { f in
            var laptop = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing)
            let approver = try await f.login(Users.approver, device: "dev-bm")
            let tuanjie = try await f.login(Users.tuanjie, device: "dev-tj") // logged in without keys
            let officer = try await f.login(Users.officer, device: "dev-qu")
            let register = try laptop.device.register(Device.household(village: Org.wuxing))
            let file = try laptop.bundle([register])
            let before = try await f.snapshot()
            func unchanged(sourceLocation: SourceLocation = #_sourceLocation) async throws {
                #expect(try await f.snapshot() == before, sourceLocation: sourceLocation)
            }

            // a device the server never saw
            var ghost = Device("dev-ghost", Users.wuxing, role: .collector, org: Org.wuxing, clock: f.clock)
            try f.expectError(try await f.uploadBundle(try laptop.bundle([try ghost.register(Device.household(village: Org.wuxing))], device: "dev-ghost"),
                                                       token: approver), .notFound, "not-found")
            try await unchanged()
            // a device that logged in without keys (an older doudi)
            var tj = Device("dev-tj", Users.tuanjie, role: .collector, org: Org.tuanjie, clock: f.clock)
            let tjFile = try laptop.bundle([try tj.register(Device.household(village: Org.tuanjie))], device: "dev-tj")
            try f.expectError(try await f.uploadBundle(tjFile, token: tuanjie), .forbidden, "device-key")
            try await unchanged()
            // a collector of another village carries 五星村's bundle
            // answered as a device not known: nobody learns which device ids exist outside their jurisdiction
            try f.expectError(try await f.uploadBundle(file, token: tuanjie), .notFound, "not-found")
            try await unchanged()

            // the district revokes the laptop (lost): its bundles are refused, whoever carries them
            #expect(try await f.send(.post, "/v1/admin/devices/dev-wx/revoke", token: officer).status == .ok)
            try f.expectError(try await f.uploadBundle(file, token: approver), .forbidden, "device-revoked")
            try await unchanged()
            // given back: its keys are forgotten, so its bundles wait for a login with keys
            _ = try await f.store.assignDevice("dev-wx", to: Users.wuxing.0)
            try f.expectError(try await f.uploadBundle(file, token: approver), .forbidden, "device-key")
            try await unchanged()
            let relogged = try await BundleLaptop.login(f, Users.wuxing, device: "dev-wx", role: .collector, org: Org.wuxing, keys: laptop.keys)
            #expect(relogged.server == laptop.server)

            // a disabled user's device
            #expect(try await f.send(.post, "/v1/admin/users/\(Users.wuxing.0)/disable", token: officer).status == .ok)
            try f.expectError(try await f.uploadBundle(file, token: approver), .forbidden, "account-disabled")
            try await unchanged()
            #expect(try await f.send(.post, "/v1/admin/users/\(Users.wuxing.0)/enable", token: officer).status == .ok)

            // the town approver over 五星村 carries it: applied as dev-wx's
            let response = try await f.uploadBundle(file, token: approver)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let answer = try ServerFixture.decode(BundleUploadResponse.self, response)
            #expect(answer.accepted == 1 && answer.device == "dev-wx")
            #expect(try laptop.open(answer).reply.acknowledgements.map(\.changeSet) == [register.id])
            #expect(try await f.acceptedChangeSets(of: "dev-wx") == [register.id.uuidString])
            #expect(try await f.acceptedChangeSets(of: "dev-bm").isEmpty, "the carrier pushed nothing of its own")
            let events = try await f.store.authEvents(AuthEventQuery(within: Org.district, limit: 100, device: "dev-wx"))
            #expect(events.contains { $0.kind == .bundleApplied && $0.actor == Users.approver.0 })
            #expect(events.filter { $0.kind == .bundleRefused }.count >= 4)
        }
    }
}
