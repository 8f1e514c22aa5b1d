import Crypto
import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// A store file in a fresh temporary folder, protected with a password, set up for a village cadre.
struct SecureStoreFixture {
    static let password = "Wuxing-CJ-change-me-3"
    /// A number and a diagnosis to look for in the file's bytes.
    static let residentID = try! ResidentID("511011195803040114")
    static let diagnosis = "慢性肾衰竭尿毒症期"
    static let account = "6228480012345678"

    let directory: URL
    let path: String
    let store: FieldStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("village.sqlite").path
        let locked = FieldStore(database: try .open(path: path))
        try locked.setUp(DeviceSetup(name: "五星村笔记本", user: "李会计", org: StoreFixture.village), deviceID: "dev-secure")
        store = try locked.protect(password: Self.password)
    }

    /// A household with a benefit account, its head seriously ill and disabled, and a legal supporter.
    func registerSensitiveHousehold() throws -> (Household, Member) {
        var h = StoreFixture.household()
        h.benefitAccount = BenefitAccount(bank: "东兴农商银行", accountName: "张大山", accountNumber: Self.account)
        var m = Member(id: UUID(), household: h.id, name: "张大山", residentID: Self.residentID, relation: .head)
        m.health = .seriouslyIll; m.seriousIllness = Self.diagnosis
        m.disability = try Disability(category: .physical, grade: 2, certificate: "51101119580304011442")
        try store.perform(.registerHousehold(h, members: [m]))
        let obligor = SupportObligor(id: UUID(), household: h.id, member: m.id, name: "张小军",
                                     residentID: try ResidentID("511011198001010013"), relation: "子", supportOwed: .zero)
        try store.perform(.recordObligor(obligor))
        return (h, m)
    }

    /// The bytes of the store file and its write-ahead log.
    func fileBytes() throws -> [(String, Data)] {
        try ["", "-wal"].compactMap { suffix in
            let file = path + suffix
            return FileManager.default.fileExists(atPath: file) ? (file, try Data(contentsOf: URL(fileURLWithPath: file))) : nil
        }
    }

    /// Fails for each of `secrets` found in the file or its `-wal`.
    func expectAbsent(_ secrets: [String], _ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (file, bytes) in try fileBytes() {
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(when): \(secret) is readable in \(file)", sourceLocation: sourceLocation)
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("Field store: sensitive values sealed at rest")
struct StoreSecurityTests {
    typealias F = SecureStoreFixture

    @Test("The store file and its -wal hold no ID number, diagnosis or bank account: after registering, after a pull, after a conflict")
    func fileHoldsNoPlaintext() throws {
        let f = try F()
        defer { f.remove() }
        let (h, m) = try f.registerSensitiveHousehold()
        let secrets = [F.residentID.value, F.diagnosis, F.account, "511011198001010013", "51101119580304011442"]
        try f.expectAbsent(secrets, "after registering")
        // the values read back whole, and the outbox pushes them in plaintext (inside TLS)
        let back = try f.store.householdCase(h.id)
        #expect(back.household == h && back.members == [m] && back.obligors.count == 1)
        let pushed = try f.store.pendingChangeSets(limit: 10)
        #expect(pushed.first?.changes.first { $0.entity == .member }?.fields.contains { $0.name == "seriousIllness" && $0.value == .string(F.diagnosis) } == true)

        // a pulled page: another village member with a diagnosis, and a conflict over this member's illness
        let pulledID = try ResidentID("51101119600506022X"), pulledIllness = "再生障碍性贫血"
        var pulled = Member(id: UUID(), household: h.id, name: "李秀英", residentID: pulledID, relation: .spouse)
        pulled.health = .seriouslyIll; pulled.seriousIllness = pulledIllness
        let stamp = HLCStamp(wallMillis: 1_800_000_000_000, counter: 0, node: "dev-other")
        let fields = try RecordFields.fields(of: pulled).mapValues { FieldVersion(value: $0, stamp: stamp) }
        let conflict = ConflictRecord(id: UUID(), kind: .concurrentEdit, entity: .member, record: m.id, village: StoreFixture.village,
                                      field: "seriousIllness", kept: .string("急性白血病"), other: .string(F.diagnosis),
                                      changeSets: [UUID()], message: "seriousIllness was edited on two devices")
        try f.store.apply(PullResponse(records: [RecordVersion(entity: .member, record: pulled.id, village: StoreFixture.village,
                                                               household: h.id, fields: fields, serverSequence: 7)],
                                       conflicts: [conflict], cursor: 7, hasMore: false))
        // a later version of the member held now: a history row (sealed) with the whole record
        let later = fields.mapValues { FieldVersion(value: $0.value, stamp: HLCStamp(wallMillis: 1_800_000_001_000, counter: 0, node: "dev-other")) }
        try f.store.apply(PullResponse(records: [RecordVersion(entity: .member, record: pulled.id, village: StoreFixture.village,
                                                               household: h.id, fields: later, serverSequence: 8)],
                                       conflicts: [], cursor: 8, hasMore: false))
        try f.expectAbsent(secrets + [pulledID.value, pulledIllness, "急性白血病"], "after a pull with a conflict")
        #expect(try f.store.householdCase(h.id).members.contains(pulled))
        #expect(try f.store.conflictEntries().map(\.conflict) == [conflict])
        #expect(try f.store.history(of: pulled.id).last?.snapshot["seriousIllness"] == .string(pulledIllness))

        // and after the write-ahead log is folded into the file
        _ = try f.store.database.writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try f.expectAbsent(secrets + [pulledID.value, pulledIllness, "急性白血病"], "after a checkpoint")
    }

    @Test("Each sensitive column holds an enc1: value, nulls included; the person index is not the number")
    func columnsSealed() throws {
        let f = try F()
        defer { f.remove() }
        let (_, m) = try f.registerSensitiveHousehold()
        let row = try #require(try f.store.database.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM member WHERE id = ?", arguments: [m.id.uuidString]) })
        for name in SealedField.names(of: .member) {
            #expect(StoreKeys.isSealed(row[name] as String? ?? ""), "\(name) is not sealed")
        }
        let index: String = row["personIndex"]
        #expect(index.count == 64 && !index.contains(F.residentID.value))
        let (history, bodies) = try f.store.database.writer.read { db in
            (try String.fetchAll(db, sql: "SELECT \"values\" FROM history"), try String.fetchAll(db, sql: "SELECT body FROM changeSet"))
        }
        #expect(!bodies.isEmpty && bodies.allSatisfy(StoreKeys.isSealed))
        // this laptop's own versions keep their values in the sealed change set, not in a second copy
        #expect(!history.isEmpty && history.allSatisfy { $0 == ChangeRecorder.valuesInChangeSet || StoreKeys.isSealed($0) })
    }

    @Test("Seal nonces come from a buffer of the kernel's randomness: none is handed out twice, across refills and threads")
    func noncesUnique() async throws {
        let batches = try await withThrowingTaskGroup(of: [Data].self) { group in
            for _ in 0..<4 { group.addTask { (0..<1_000).map { _ in Data(NonceSource.shared.next()) } } }
            var all: [Data] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(batches.count == 4_000 && Set(batches).count == 4_000 && batches.allSatisfy { $0.count == 12 })
    }

    @Test("A wrong password is refused; the right one unlocks")
    func wrongPassword() throws {
        let f = try F()
        defer { f.remove() }
        let (h, _) = try f.registerSensitiveHousehold()
        let locked = FieldStore(database: try .open(path: f.path))
        #expect(locked.isLocked)
        #expect(throws: FieldError(.wrongPassword, "wrong password: it does not unlock this store (the store's password is its user's account password, as it was when the store was last unlocked)")) {
            try locked.unlock(password: "Wuxing-CJ-change-me-4")
        }
        #expect(try locked.unlock(password: F.password).householdCase(h.id).household.benefitAccount?.accountNumber == F.account)
    }

    @Test("Changing the password re-wraps the key, not the data: the new password unlocks, the old one no longer does")
    func passwordChangeRewraps() throws {
        let f = try F()
        defer { f.remove() }
        let (h, m) = try f.registerSensitiveHousehold()
        func sealedRows() throws -> [Row] {
            try f.store.database.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT residentID, seriousIllness, personIndex FROM member UNION ALL SELECT benefitAccount, NULL, NULL FROM household")
                    + Row.fetchAll(db, sql: "SELECT \"values\" FROM history UNION ALL SELECT body FROM changeSet")
            }
        }
        let before = try sealedRows(), keyringBefore = try #require(try f.store.keyring())
        try f.store.changePassword(to: "Wuxing-new-password-5")
        #expect(try sealedRows() == before, "the records are not rewritten")
        let keyring = try #require(try f.store.keyring())
        #expect(keyring.keyCheck == keyringBefore.keyCheck && keyring.store == keyringBefore.store && keyring != keyringBefore)
        let locked = FieldStore(database: try .open(path: f.path))
        #expect(throws: FieldError.self) { try locked.unlock(password: F.password) }
        let reopened = try locked.unlock(password: "Wuxing-new-password-5")
        #expect(try reopened.householdCase(h.id).members == [m])
        // a password too short is refused, and changes nothing
        #expect(throws: FieldError.self) { try reopened.changePassword(to: "short") }
        #expect(try f.store.keyring() == keyring)
    }

    @Test("The keyed person index finds a person by ID number (lower-case x too) and keeps one number to one person")
    func personIndexLookup() throws {
        let f = try F()
        defer { f.remove() }
        let (h, m) = try f.registerSensitiveHousehold()
        #expect(try f.store.resolveMember(F.residentID.value) == m.id)
        #expect(try f.store.resolveHouseholdReference(F.residentID.value) == h.id)
        #expect(try f.store.resolveRecord(F.residentID.value) == RecordReference(entity: .member, id: m.id))
        let x = try ResidentID("51101119600506022X")
        let spouse = Member(id: UUID(), household: h.id, name: "李秀英", residentID: x, relation: .spouse)
        try f.store.perform(.addMember(spouse))
        #expect(try f.store.resolveMember("51101119600506022x") == spouse.id)
        // the same number again is refused, found through the index
        let again = Member(id: UUID(), household: h.id, name: "张三", residentID: F.residentID, relation: .son)
        #expect(throws: FieldError.self) { try f.store.perform(.addMember(again)) }
        do { try f.store.perform(.addMember(again)) } catch let error as FieldError {
            #expect(error.code == .duplicate && error.message.contains("already registered as 张大山"), "\(error)")
        }
        // a lookup needs the keys
        let locked = FieldStore(database: f.store.database)
        #expect(throws: FieldError.locked) { try locked.resolveMember(F.residentID.value) }
    }

    @Test("A locked store refuses whatever needs a sealed value, with one clear line")
    func lockedStoreRefuses() throws {
        let f = try F()
        defer { f.remove() }
        let (h, _) = try f.registerSensitiveHousehold()
        let locked = FieldStore(database: f.store.database)
        #expect(FieldError.locked.description == "the store is locked: run `doudi unlock`")
        #expect(throws: FieldError.locked) { try locked.householdCase(h.id) }
        #expect(throws: FieldError.locked) { try locked.households() }
        #expect(throws: FieldError.locked) { try locked.history(of: h.id) }
        #expect(throws: FieldError.locked) { try locked.outbox() }
        let visit = Visit(id: UUID(), household: h.id, date: StoreFixture.day("2026-11-03"), visitors: ["李会计"], interviewee: "张大山",
                          observations: "土坯房一间", conclusion: .truthful)
        #expect(throws: FieldError.locked) { try locked.perform(.recordVisit(visit)) }
        #expect(throws: FieldError.locked) { try locked.apply(PullResponse(records: [], conflicts: [], cursor: 1, hasMore: false)) }
        // what needs no sealed value still works
        #expect(try locked.device().id == "dev-secure")
        #expect(try locked.outboxCounts().pending == 2)
        // what `doudi status` shows, with a change set set aside and a conflict open
        try f.store.database.writer.write { db in
            try db.execute(sql: "UPDATE changeSet SET state = 'rejected', reason = 'validation: 例' WHERE sequence = 1")
            try db.execute(sql: "INSERT INTO conflict(id, kind, record, resolved, serverSequence, body) VALUES (?, 'concurrentEdit', ?, 0, 9, 'enc1:sealed')",
                           arguments: [UUID().uuidString, h.id.uuidString])
        }
        #expect(try locked.setAside().map(\.sequence) == [1])
        #expect(try locked.setAside().first?.reason == "validation: 例")
        #expect(try locked.openConflictCount() == 1)
    }

    @Test("A store made before values were sealed is sealed when it gets its password, and compacted: no plaintext stays")
    func plaintextStoreMigrated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path
        let h = StoreFixture.household(), memberID = UUID()
        // an older doudi's store: plaintext columns and blobs
        do {
            let pool = try DatabasePool(path: path)
            try FieldDatabase.migrator.migrate(pool, upTo: "v4-stamps-by-entity")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO household(id, village, hukou, hukouType, address, categories, povertyCauses, employmentSupportExhausted, benefitAccount, status)
                    VALUES (?, ?, ?, 'agricultural', '五星村3组12号', '[]', '[]', 0, ?, 'active')
                    """, arguments: [h.id.uuidString, h.village.value, h.village.value,
                                     #"{"accountName":"张大山","accountNumber":"\#(F.account)","bank":"东兴农商银行"}"#])
                try db.execute(sql: """
                    INSERT INTO member(id, household, name, residentID, relation, employment, labourCapacity, health, seriousIllness, disability,
                      personStatus, legalSupporter, father, mother, lostContactConfirmed, dependsOnFamily)
                    VALUES (?, ?, '张大山', ?, 'head', 'farming', 'partial', 'seriouslyIll', ?, NULL, 'normal', 'able', 'present', 'present', 0, 0)
                    """, arguments: [memberID.uuidString, h.id.uuidString, F.residentID.value, F.diagnosis])
                try db.execute(sql: """
                    INSERT INTO history(entity, record, operation, changeSet, author, stamp, "values") VALUES ('member', ?, 'create', ?, '{"org":"511011101201","role":"collector","user":"李会计"}', '1-0-dev', ?)
                    """, arguments: [memberID.uuidString, UUID().uuidString, #"{"residentID":"\#(F.residentID.value)","seriousIllness":"\#(F.diagnosis)"}"#])
            }
        }
        let old = FieldStore(database: try .open(path: path))
        #expect(try old.keyring() == nil)
        #expect(throws: FieldError.locked) { try old.householdCase(h.id) }
        let store = try old.protect(password: F.password)
        let fixture = SecureStoreFixture.bytes(path)
        for secret in [F.residentID.value, F.diagnosis, F.account] {
            for (file, bytes) in try fixture() {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is readable in \(file)")
            }
        }
        let read = try store.householdCase(h.id)
        #expect(read.members.first?.seriousIllness == F.diagnosis && read.household.benefitAccount?.accountNumber == F.account)
        #expect(try store.resolveMember(F.residentID.value) == memberID)
        #expect(try store.history(of: memberID).first?.snapshot["residentID"] == .string(F.residentID.value))
        // protecting twice is refused
        #expect(throws: FieldError.self) { try store.protect(password: F.password) }
    }

    @Test("Sealed values: padded to one length, bound to their field, a fresh nonce each time")
    func sealing() throws {
        let keys = StoreKeys.random()
        let health = SealedField(.member, "health"), disability = SealedField(.member, "disability")
        let lengths = try ["healthy", "fair", "seriouslyIll"].map { keys.seal(.string($0), field: health).count }
            + [keys.seal(.null, field: disability).count,
               keys.seal(try RecordFields.value(of: Disability(category: .intellectual, grade: 2)), field: disability).count]
        #expect(Set(lengths).count == 1, "\(lengths)")
        let a = keys.seal(.string("seriouslyIll"), field: health), b = keys.seal(.string("seriouslyIll"), field: health)
        #expect(a != b && a.hasPrefix("enc1:"))
        #expect(try keys.open(a, field: health) == .string("seriouslyIll"))
        #expect(throws: FieldError.self) { try keys.open(a, field: disability) }
        #expect(throws: FieldError.self) { try StoreKeys.random().open(a, field: health) }
        #expect(keys.personIndex("51101119600506022x") == keys.personIndex("51101119600506022X"))
        #expect(keys.personIndex("51101119600506022X") != StoreKeys.random().personIndex("51101119600506022X"))
    }

    @Test("The key cache: 0600 files in a 0700 directory, read back until they expire, then deleted")
    func keyCache() throws {
        let base = try #require(["/dev/shm", FileManager.default.temporaryDirectory.path].first { FileManager.default.fileExists(atPath: $0) })
        let directory = (base as NSString).appendingPathComponent("doudi-cache-test-\(UUID().uuidString)")
        try UnlockedKeyCache.prepareDirectory(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = UnlockedKeyCache(directory: directory)
        let keys = StoreKeys.random()
        try cache.save(keys, store: "store-a", expires: 2_000, now: 1_000)
        let attributes = try FileManager.default.attributesOfItem(atPath: cache.path(of: "store-a"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int) == 0o700)
        let kept = try #require(cache.load(store: "store-a", now: 1_500))
        #expect(try StoreKeys(dataKey: kept.key).check == keys.check)
        #expect(cache.load(store: "store-b", now: 1_500) == nil)
        #expect(cache.load(store: "store-a", now: 2_000) == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.path(of: "store-a")), "an expired key is deleted")
        try cache.save(keys, store: "store-a", expires: 5_000, now: 3_000)
        #expect(cache.remove(store: "store-a") && !cache.remove(store: "store-a"))
        if base == "/dev/shm" { #expect(UnlockedKeyCache.isMemoryFileSystem(directory)) }
    }
}

extension SecureStoreFixture {
    /// The bytes of the store at `path` and its `-wal`, when read.
    static func bytes(_ path: String) -> () throws -> [(String, Data)] {
        {
            try ["", "-wal"].compactMap { suffix in
                let file = path + suffix
                return FileManager.default.fileExists(atPath: file) ? (file, try Data(contentsOf: URL(fileURLWithPath: file))) : nil
            }
        }
    }
}
