import DoudiModel
import DoudiSync
import Foundation
import Testing

/// The golden vectors of `Protocol/vectors/`: the protocol's messages as exact bytes.
///
/// Each vector is listed in `Protocol/vectors/manifest.json` with the Swift type that
/// reads it and the JSON Schema it must satisfy. The tests check that
/// 1. every vector decodes into its type and re-encodes to the same bytes (canonical JSON:
///    `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]`, no trailing newline);
/// 2. the field store's fast writer (`JSONValue.canonicalText`) gives the same bytes;
/// 3. the vectors are what today's code makes from the story in ``GoldenStory`` (so a change
///    of the wire form shows up here, not on a village laptop);
/// 4. the vectors satisfy their schemas and `openapi.yaml` is a valid OpenAPI 3.1 document
///    (`Protocol/check-vectors.py`, when python3 with `jsonschema` is installed).
///
/// To rewrite the vectors after a deliberate change of the wire form:
/// `DOUDI_WRITE_VECTORS=1 swift test --filter GoldenVectorTests`, then review the diff.
@Suite("Golden vectors (Protocol/vectors)")
struct GoldenVectorTests {
    // MARK: where the files are

    /// The repository root: this file is `Tests/DoudiSyncTests/GoldenVectorTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let protocolDirectory = root.appendingPathComponent("Protocol")
    static let vectorDirectory = protocolDirectory.appendingPathComponent("vectors")

    struct Entry: Codable, Hashable, Sendable, CustomTestStringConvertible {
        var file: String
        var type: String
        var schema: String
        var description: String
        var testDescription: String { file }
    }

    struct Manifest: Codable {
        var canonicalForm: String
        var vectors: [Entry]
    }

    static let manifest: Manifest = {
        let url = vectorDirectory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url), let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            return Manifest(canonicalForm: "", vectors: [])
        }
        return manifest
    }()

    // MARK: the canonical form

    /// The canonical encoder: the server's `WireJSON` settings. Compact, keys sorted by
    /// Unicode code point, `/` not escaped.
    static func canonicalEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decodes `data` with the Swift type the manifest names and re-encodes it canonically.
    ///
    /// - Throws: ``UnknownType`` for a type this test does not know; the decoder's error.
    static func reencode(_ data: Data, as type: String) throws -> Data {
        func again<T: Codable>(_: T.Type) throws -> Data { try canonicalEncoder().encode(try JSONDecoder().decode(T.self, from: data)) }
        switch type {
        case "HLCStamp": return try again(HLCStamp.self)
        case "ChangeSet": return try again(ChangeSet.self)
        case "PushRequest": return try again(PushRequest.self)
        case "PushResponse": return try again(PushResponse.self)
        case "PullResponse": return try again(PullResponse.self)
        case "PullResponseV2":
            // the compact page of protocol 2 (SPEC §9.6) has no Codable form: read by the byte reader
            return Data(try PullResponse(wire: data).jsonValue(forProtocol: 2).canonicalText.utf8)
        case "RecordVersion": return try again(RecordVersion.self)
        case "ConflictRecord": return try again(ConflictRecord.self)
        case "LoginRequest": return try again(LoginRequest.self)
        case "LoginResponse": return try again(LoginResponse.self)
        case "ErrorBody": return try again(ErrorBody.self)
        default: throw UnknownType(name: type)
        }
    }

    struct UnknownType: Error { var name: String }

    static func read(_ file: String) throws -> Data {
        try Data(contentsOf: vectorDirectory.appendingPathComponent(file))
    }

    /// Where two byte strings first differ, with some context, for a failure message.
    static func difference(_ expected: Data, _ actual: Data) -> String {
        let a = Array(expected), b = Array(actual)
        let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        func around(_ bytes: [UInt8]) -> String {
            String(decoding: bytes[max(0, at - 60)..<min(bytes.count, at + 60)], as: UTF8.self)
        }
        return "first difference at byte \(at) (file \(a.count) bytes, re-encoded \(b.count) bytes)\n  file:       …\(around(a))…\n  re-encoded: …\(around(b))…"
    }

    // MARK: tests

    @Test("The manifest lists every vector file, each with a known type and an existing schema")
    func manifestIsComplete() throws {
        #expect(!Self.manifest.vectors.isEmpty, "Protocol/vectors/manifest.json is missing or unreadable")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.vectorDirectory.path)
            .filter { $0.hasSuffix(".json") && $0 != "manifest.json" }
        #expect(Set(files) == Set(Self.manifest.vectors.map(\.file)))
        #expect(Self.manifest.vectors.count == Set(Self.manifest.vectors.map(\.file)).count, "a vector is listed twice")
        for entry in Self.manifest.vectors {
            var known = true
            do { _ = try Self.reencode(Data("{}".utf8), as: entry.type) } catch is UnknownType { known = false } catch {}
            #expect(known, "\(entry.file): no Swift type \(entry.type) in GoldenVectorTests.reencode")
            let schema = Self.protocolDirectory.appendingPathComponent("schemas").appendingPathComponent(entry.schema)
            #expect(FileManager.default.fileExists(atPath: schema.path), "\(entry.file): no schema \(entry.schema)")
        }
    }

    @Test("Each vector decodes into its Swift type and re-encodes to exactly the same bytes", arguments: manifest.vectors)
    func roundTrip(_ entry: Entry) throws {
        let data = try Self.read(entry.file)
        #expect(data.last == UInt8(ascii: "}"), "\(entry.file) must end with the JSON value itself: no trailing newline or space")
        let again = try Self.reencode(data, as: entry.type)
        #expect(again == data, "\(entry.file) as \(entry.type): \(Self.difference(data, again))")
    }

    @Test("The direct writer (JSONValue.canonicalText) gives the same bytes as the canonical encoder", arguments: manifest.vectors)
    func directWriterAgrees(_ entry: Entry) throws {
        let data = try Self.read(entry.file)
        let text = try JSONValue.parse(data).canonicalText
        #expect(Data(text.utf8) == data, "\(entry.file): \(Self.difference(data, Data(text.utf8)))")
        if entry.type == "ChangeSet" {
            // the field store writes its outbox with ChangeSet.jsonValue
            let changeSet = try JSONDecoder().decode(ChangeSet.self, from: data)
            #expect(Data(changeSet.jsonValue.canonicalText.utf8) == data)
        }
    }

    @Test("The vectors are what the code makes today from the story (rewrite with DOUDI_WRITE_VECTORS=1)")
    func vectorsAreCurrent() async throws {
        let made = try await GoldenStory.make()
        if ProcessInfo.processInfo.environment["DOUDI_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.vectorDirectory, withIntermediateDirectories: true)
            for (file, data) in made { try data.write(to: Self.vectorDirectory.appendingPathComponent(file)) }
        }
        #expect(Set(made.map(\.file)) == Set(Self.manifest.vectors.map(\.file)), "the story and the manifest name different files")
        for (file, data) in made {
            let stored = (try? Self.read(file)) ?? Data()
            #expect(stored == data, "\(file) is not what the code makes now: \(Self.difference(stored, data)); if the wire form changed on purpose, rewrite the vectors with DOUDI_WRITE_VECTORS=1 swift test --filter GoldenVectorTests and bump protocolVersion when an old peer could not read the new form")
        }
    }

    /// `python3` with the `jsonschema` package, if this machine has them: `$PYTHON`, else
    /// `python3` on the `PATH`.
    static let python = PythonTool.find(importing: "jsonschema")

    @Test("The vectors satisfy their JSON Schemas and openapi.yaml is valid (Protocol/check-vectors.py)",
          .enabled(if: python != nil || PythonTool.required, "skipped: python3 with the jsonschema package is not installed (pip install jsonschema openapi-spec-validator)"))
    func schemas() throws {
        let process = Process()
        let python = try #require(Self.python, "python3 with the jsonschema package is needed (scripts/install-deps installs it): CI=true makes it required")
        process.executableURL = URL(fileURLWithPath: python[0])
        process.arguments = Array(python.dropFirst()) + [Self.protocolDirectory.appendingPathComponent("check-vectors.py").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check-vectors.py failed:\n\(text)")
    }
}

// MARK: - The story the vectors come from

/// One morning in 五星村 (village 511011101201, town 椑木镇 511011101), told through the
/// protocol. Every value is made by the real code: records by DoudiModel, changes the way
/// the field store's `ChangeRecorder` makes them, acknowledgements, conflicts and pages by
/// the server's own `SyncLedger` (over `InMemoryLedgerStorage`). Ids and times are fixed,
/// so the bytes are the same on every run.
///
/// 1. Server sequence 1 is the policy version `dongxing-2020`, published at start.
/// 2. Laptop A (collector `wuxing.collector`) logs in and registers 张大山's household with
///    him as its one member (A#1 → sequence 2).
/// 3. The town approver's laptop T pulls it and corrects the address (T#1 → sequence 3).
/// 4. A, offline and unaware, edits the address and adds a phone (A#2), drafts a dibao
///    application (A#3), submits it (A#4); then A's date jumps three days ahead and an edit
///    of the member is stamped in the future (A#5). A pushes all four: A#2 is accepted with
///    a concurrent-edit conflict (sequence 4), A#3 and A#4 are accepted (5, 6), A#5 is
///    rejected `clock`.
/// 5. T pulls after 3 with limit 2: sequence 4 (the merged household and the conflict).
/// 6. T resolves the conflict with a change set (`conflict.resolve`, with a note) that sets the
///    address it stands by (T#2 → 7; the resolution carries the change set's note), then
///    voids the application, which the applicant withdrew (T#3 → 8).
/// 7. A, its date fixed, pulls after 6: the household, the resolved conflict, the voided application.
/// 8. A's token runs out: the next request is answered 401 `token-expired`.
enum GoldenStory {
    static let village = try! OrgCode("511011101201")
    /// 团结村, where the household moves at the end of the story.
    static let otherVillage = try! OrgCode("511011101202")
    static let town = try! OrgCode("511011101")
    static let collector = Actor(user: "wuxing.collector", role: .collector, org: village)
    static let approver = Actor(user: "beimu.approver", role: .townApprover, org: town)
    static let deviceA = "dev-3f9a2c1e", deviceT = "dev-c2e5f913"
    /// 2020-07-01T01:00:00Z (09:00 in Beijing).
    static let t0: Int64 = 1_593_565_200_000
    static let minute: Int64 = 60_000

    static func id(_ text: String) -> UUID { UUID(uuidString: text)! }
    static let household = id("3B0F6C8A-2D4E-4A51-9C7D-1E2F3A4B5C01")
    static let member = id("3B0F6C8A-2D4E-4A51-9C7D-1E2F3A4B5C02")
    static let application = id("3B0F6C8A-2D4E-4A51-9C7D-1E2F3A4B5C03")
    static let changeSetIDs = (a1: id("A1C5E7F9-0B2D-4E6F-8A1C-3E5F7A9B0001"), a2: id("A1C5E7F9-0B2D-4E6F-8A1C-3E5F7A9B0002"),
                               a3: id("A1C5E7F9-0B2D-4E6F-8A1C-3E5F7A9B0003"), a4: id("A1C5E7F9-0B2D-4E6F-8A1C-3E5F7A9B0004"),
                               a5: id("A1C5E7F9-0B2D-4E6F-8A1C-3E5F7A9B0005"), t1: id("7E2D4B6F-1A3C-4D5E-9F7A-2B4C6D8E0001"),
                               t2: id("7E2D4B6F-1A3C-4D5E-9F7A-2B4C6D8E0002"), t3: id("7E2D4B6F-1A3C-4D5E-9F7A-2B4C6D8E0003"),
                               t4: id("7E2D4B6F-1A3C-4D5E-9F7A-2B4C6D8E0004"))

    static let policy: PolicyVersion = {
        let url = GoldenVectorTests.root.appendingPathComponent("ServerConfig/policy/dongxing-2020.json")
        return try! PolicyVersion.load(json: Data(contentsOf: url), document: "dongxing-2020.json")
    }()

    /// A laptop: its device id, its user, its clock and its sequence numbers.
    struct Laptop {
        let device: String
        let actor: Actor
        var clock: HybridLogicalClock
        var sequence: Int64 = 0

        init(_ device: String, _ actor: Actor) {
            self.device = device; self.actor = actor; clock = HybridLogicalClock(node: device)
        }

        /// One user action: one stamp from the clock, the next sequence number.
        mutating func act(_ id: UUID, _ action: String, at now: Int64, resolves: [UUID] = [], note: String? = nil,
                          _ build: (HLCStamp) throws -> [Change]) rethrows -> ChangeSet {
            let stamp = clock.tick(now: now)
            sequence += 1
            return ChangeSet(id: id, device: device, sequence: sequence, author: actor, action: action, stamp: stamp,
                             changes: try build(stamp), resolves: resolves, note: note)
        }

        /// Takes in the stamps of pulled records (as a sync client does).
        mutating func receive(_ page: PullResponse, now: Int64) throws {
            for stamp in page.records.flatMap({ $0.fields.values.map(\.stamp) }) { try clock.receive(stamp, now: now) }
        }
    }

    // MARK: changes, as ChangeRecorder makes them

    /// A new record: every top-level field, sorted by name, stamped with the action's stamp.
    static func create<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R, village: OrgCode, household: UUID?,
                                     stamp: HLCStamp) throws -> Change {
        let fields = try RecordFields.fields(of: record)
        return Change(entity: entity, record: id, operation: .create, village: village, household: household,
                      fields: fields.keys.sorted().map { FieldChange(name: $0, value: fields[$0]!, stamp: stamp, previous: nil) })
    }

    /// An edit: the fields that differ, each with the value and stamp it replaces; the base is
    /// the latest stamp of the record as this laptop holds it.
    static func update<R: Encodable>(_ entity: EntityKind, _ id: UUID, from before: R, to after: R, village: OrgCode, household: UUID?,
                                     held: [String: HLCStamp], created: HLCStamp, stamp: HLCStamp) throws -> Change {
        let old = try RecordFields.fields(of: before), new = try RecordFields.fields(of: after)
        let names = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
        return Change(entity: entity, record: id, operation: .update, village: village, household: household,
                      fields: names.map { FieldChange(name: $0, value: new[$0] ?? .null, stamp: stamp,
                                                       previous: FieldVersion(value: old[$0] ?? .null, stamp: held[$0] ?? created)) },
                      base: (Array(held.values) + [created]).max())
    }

    // MARK: the server

    /// The server of the story: the real ``SyncLedger`` over ``InMemoryLedgerStorage``
    /// (``TestServer``), its clock set by the story, conflict ids numbered from 1.
    static func startServer() async throws -> TestServer {
        try await TestServer.started(policy: policy, orgCodes: [village.district, town, village, otherVillage], now: t0,
                                     conflictIDs: "C0F1A2B3-C4D5-4E6F-9A0B-1C2D3E4F%04d")
    }

    /// One push request of `caller`'s token with the server clock at `now`.
    static func push(_ changeSets: [ChangeSet], _ caller: LedgerCaller, at now: Int64, _ server: TestServer) async throws -> [Acknowledgement] {
        server.clock.now = now
        return try await server.ledger.push(changeSets, by: caller)
    }

    struct StoryError: Error, CustomStringConvertible {
        var description: String
    }

    static func expect(_ ack: Acknowledgement, _ status: Acknowledgement.Status, _ what: String) throws {
        guard ack.status == status else {
            throw StoryError(description: "\(what): expected \(status.rawValue), got \(ack.status.rawValue) \(ack.code ?? "") \(ack.message ?? "")")
        }
    }

    // MARK: the story

    /// Every vector file with its exact bytes.
    static func make() async throws -> [(file: String, data: Data)] {
        let encoder = GoldenVectorTests.canonicalEncoder()
        var out: [(file: String, data: Data)] = []
        func emit<T: Encodable>(_ file: String, _ value: T) throws { out.append((file, try encoder.encode(value))) }

        // 1. sequence 1: the policy version, published at start
        let server = try await startServer()
        let a1Caller = LedgerCaller(actor: collector, device: deviceA), tCaller = LedgerCaller(actor: approver, device: deviceT)
        var a = Laptop(deviceA, collector)
        var t = Laptop(deviceT, approver)

        // 2. A logs in and registers the household with one member.
        try emit("login-request.json", LoginRequest(user: "wuxing.collector", password: "Wuxing-2020-07-xin", device: deviceA))
        let token = Data((0..<32).map { UInt8($0) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try emit("login-response.json", LoginResponse(token: token, actor: collector, device: deviceA, expiresAt: (t0 - 5 * minute) / 1000 + 30 * 24 * 3600))

        let registered = Household(id: household, village: village, hukou: village, hukouType: .agricultural, address: "五星村3组12号",
                                   categories: [.registeredPoor], housing: .ownBuilt, povertyCauses: [.illness, .lackOfLabour])
        let head = Member(id: member, household: household, name: "张大山",
                          residentID: try ResidentID.make(area: "511011", birth: Day(iso: "1968-03-15"), sequence: 213),
                          relation: .head, employment: .farming, labourCapacity: .partial, health: .fair)
        let a1 = try a.act(changeSetIDs.a1, "household.register", at: t0) { s in
            [try create(.household, household, registered, village: village, household: household, stamp: s),
             try create(.member, member, head, village: village, household: household, stamp: s)]
        }
        try emit("changeset-create.json", a1)
        try expect(try await Self.push([a1], a1Caller, at: t0 + minute, server)[0], .accepted, "A#1")

        // 3. T pulls and corrects the address.
        let firstPull = try await server.ledger.pullResponse(scope: town, after: 0, limit: 1000, maxBytes: 4 << 20)
        try t.receive(firstPull, now: t0 + 9 * minute)
        var townCopy = registered
        townCopy.address = "五星村3组12号附1号"
        let t1 = try t.act(changeSetIDs.t1, "household.edit", at: t0 + 10 * minute) { s in
            [try update(.household, household, from: registered, to: townCopy, village: village, household: household,
                        held: [:], created: a1.stamp, stamp: s)]
        }
        try expect(try await Self.push([t1], tCaller, at: t0 + 11 * minute, server)[0], .accepted, "T#1")

        // 4. A, offline: edit, draft, submit, and an edit stamped three days ahead.
        var edited = registered
        edited.address = "五星村3组12/1号"
        edited.phone = "13812345678"
        let a2 = try a.act(changeSetIDs.a2, "household.edit", at: t0 + 20 * minute) { s in
            [try update(.household, household, from: registered, to: edited, village: village, household: household,
                        held: [:], created: a1.stamp, stamp: s)]
        }
        try emit("changeset-update.json", a2)

        let applied = Application(id: application, household: household, programme: .dibao,
                                  summary: "户主\"半失能\"，家庭无稳定收入，人均收入低于低保标准", date: try Day(iso: "2020-07-01"))
        let draft = try ApplicationWorkflow(for: applied, village: village)
        let a3 = try a.act(changeSetIDs.a3, "application.draft", at: t0 + 21 * minute) { s in
            [try create(.application, application, applied, village: village, household: household, stamp: s),
             try create(.workflow, application, draft, village: village, household: nil, stamp: s)]
        }
        var submitted = draft
        try submitted.apply(.submit, by: collector, on: Day(iso: "2020-07-01"), policy: policy)
        let a4 = try a.act(changeSetIDs.a4, "application.submit", at: t0 + 22 * minute) { s in
            [try update(.workflow, application, from: draft, to: submitted, village: village, household: nil,
                        held: [:], created: a3.stamp, stamp: s)]
        }
        try emit("changeset-workflow-submit.json", a4)

        var employed = head
        employed.employment = .unemployed
        let threeDays: Int64 = 3 * 24 * 60 * minute
        let a5 = try a.act(changeSetIDs.a5, "member.edit", at: t0 + 23 * minute + threeDays) { s in
            [try update(.member, member, from: head, to: employed, village: village, household: household,
                        held: [:], created: a1.stamp, stamp: s)]
        }
        let push = PushRequest(changeSets: [a2, a3, a4, a5])
        try emit("push-request.json", push)
        let acks = try await Self.push(push.changeSets, a1Caller, at: t0 + 25 * minute, server)
        guard acks.count == 4 else { throw StoryError(description: "one answer per change set") }
        try expect(acks[0], .acceptedWithConflicts, "A#2")
        try expect(acks[1], .accepted, "A#3")
        try expect(acks[2], .accepted, "A#4")
        try expect(acks[3], .rejected, "A#5")
        try emit("push-response.json", PushResponse(acknowledgements: acks))

        // 5. T pulls after 3, two rows a page.
        let page = try await server.ledger.pullResponse(scope: town, after: 3, limit: 2, maxBytes: 4 << 20)
        guard page.records.count == 1, page.conflicts.count == 1, page.hasMore else {
            throw StoryError(description: "the first page should hold the household and the conflict, with more to come")
        }
        try emit("pull-response.json", page)
        // the same page as a version-2 client receives it, spliced by the ledger from what it stores
        let compact = try await server.ledger.pull(scope: town, after: 3, limit: 2, maxBytes: 4 << 20, protocolVersion: 2)
        out.append(("pull-response-v2.json", compact.json))
        guard try PullResponse(wire: compact.json) == page else {
            throw StoryError(description: "the version-2 page must hold exactly the records and conflicts of the version-1 page")
        }
        try t.receive(page, now: t0 + 29 * minute)
        let rest = try await server.ledger.pullResponse(scope: town, after: page.cursor, limit: 1000, maxBytes: 4 << 20)
        try t.receive(rest, now: t0 + 29 * minute)

        // 6. T resolves the conflict by setting the address it stands by (as the field store's
        //    FieldAction.resolveConflicts does: action conflict.resolve, the note, the edit), then
        //    voids the withdrawn application.
        let conflict = page.conflicts[0]
        let merged = try RecordFields.record(Household.self, from: page.records[0].values)
        var confirmed = merged
        confirmed.address = townCopy.address
        let heldByT = page.records[0].fields.mapValues(\.stamp)
        let t2 = try t.act(changeSetIDs.t2, "conflict.resolve", at: t0 + 30 * minute, resolves: [conflict.id],
                           note: "已与村委核实，以镇上登记的地址为准") { s in
            [try update(.household, household, from: merged, to: confirmed, village: village, household: household,
                        held: heldByT, created: a1.stamp, stamp: s)]
        }
        try emit("changeset-resolve.json", t2)
        try expect(try await Self.push([t2], tCaller, at: t0 + 31 * minute, server)[0], .accepted, "T#2")

        guard let heldApplication = rest.records.first(where: { $0.entity == .application }) else {
            throw StoryError(description: "T should hold the application after pulling")
        }
        let t3 = t.act(changeSetIDs.t3, "application.void", at: t0 + 32 * minute) { s in
            let held = heldApplication.fields.values.map(\.stamp).max()!
            return [Change(entity: .application, record: application, operation: .void, village: village, household: household,
                           fields: [FieldChange(name: "voidReason", value: .string("申请人书面撤回申请\n（附撤回申请书）"), stamp: s,
                                                previous: FieldVersion(value: .null, stamp: held))],
                           base: held)]
        }
        try emit("changeset-void.json", t3)
        try expect(try await Self.push([t3], tCaller, at: t0 + 33 * minute, server)[0], .accepted, "T#3")

        // 7. A pulls after 6: the household as T left it, the resolved conflict, the voided application.
        let later = try await server.ledger.pullResponse(scope: village, after: 6, limit: 1000, maxBytes: 4 << 20)
        guard later.records.count == 2, later.conflicts.first?.resolution != nil, !later.hasMore else {
            throw StoryError(description: "the second page should hold two records and the resolved conflict")
        }
        try emit("pull-response-resolved.json", later)

        // 8. T moves the household to 团结村: its member, application and workflow go with it, and A's
        //    next pull (protocol 2) names the four as departures, with no record.
        var moved = confirmed
        moved.village = otherVillage
        let t4 = try t.act(changeSetIDs.t4, "household.edit", at: t0 + 40 * minute) { s in
            [try update(.household, household, from: confirmed, to: moved, village: otherVillage, household: household,
                        held: heldByT, created: a1.stamp, stamp: s)]
        }
        try expect(try await Self.push([t4], tCaller, at: t0 + 41 * minute, server)[0], .accepted, "T#4")
        let left = try await server.ledger.pull(scope: village, after: later.cursor, limit: 1000, maxBytes: 4 << 20, protocolVersion: 2)
        guard left.records == 0, left.departures == 4 else {
            throw StoryError(description: "A's pull after the move should hold four departures and no record, not \(left.records) and \(left.departures)")
        }
        out.append(("pull-response-departures.json", left.json))

        // 9. The token ran out.
        try emit("error-body.json", ErrorBody(code: "token-expired", message: "the token expired: log in again with POST /v1/login"))

        return out.sorted { $0.file < $1.file }
    }
}
