import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// The store's files on disk: owner-only, the token outside the store, backups that a restore
/// checks before it replaces anything.
@Suite("Store files: owner-only, token outside the store, backup and restore")
struct StoreFilesTests {
    private func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-store-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private func bytes(_ path: String) -> Data {
        var data = FileManager.default.contents(atPath: path) ?? Data()
        data.append(FileManager.default.contents(atPath: path + "-wal") ?? Data())
        return data
    }

    @Test("a new store file is created 0600, and so are its -wal and -shm; a looser one is tightened with a note")
    func ownerOnly() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("doudi.sqlite").path
        do {
            let database = try FieldDatabase.open(path: path)
            #expect(database.notes.isEmpty)
            try database.writer.write { db in try db.execute(sql: "CREATE TABLE t(x)") }
            for file in [path, path + "-wal", path + "-shm"] {
                #expect(OwnerOnlyFile.permissions(file) == 0o600, "\(file)")
            }
            try (database.writer as? DatabasePool)?.close()
        }
        #expect(chmod(path, 0o644) == 0)
        let reopened = try FieldDatabase.open(path: path)
        #expect(OwnerOnlyFile.permissions(path) == 0o600)
        #expect(reopened.notes.count == 1 && reopened.notes[0].contains(path) && reopened.notes[0].contains("0600"), "\(reopened.notes)")
    }

    @Test("a token an older doudi kept in the store moves to an owner-only file beside it, and leaves the store's bytes")
    func tokenMovesOut() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("doudi.sqlite").path
        let token = "Zq3xv-OLD-TOKEN-kept-in-the-store-0123456789abc"
        do {
            let store = FieldStore(database: try FieldDatabase.open(path: path))
            try store.setUp(DeviceSetup(name: "五星村笔记本", user: "李会计", org: StoreFixture.village), deviceID: "dev-old")
            try store.database.writer.write { db in
                try db.execute(sql: "INSERT INTO syncState(id, server, token, cursor) VALUES (1, 'http://127.0.0.1:8080', ?, 0)", arguments: [token])
            }
            try (store.database.writer as? DatabasePool)?.close()
        }
        #expect(bytes(path).range(of: Data(token.utf8)) != nil, "the old store holds it")
        let database = try FieldDatabase.open(path: path)
        #expect(database.notes.contains { $0.contains("token") }, "\(database.notes)")
        let tokenPath = try #require(database.tokenPath)
        #expect(tokenPath == path + ".token" && OwnerOnlyFile.permissions(tokenPath) == 0o600)
        let store = FieldStore(database: database)
        #expect(try store.loginToken() == token)
        #expect(try database.writer.read { db in try String.fetchOne(db, sql: "SELECT token FROM syncState") } == nil)
        try (database.writer as? DatabasePool)?.close()
        #expect(bytes(path).range(of: Data(token.utf8)) == nil, "the token's bytes are gone from the store")

        // a new login writes the file only; a token of another device is not used
        let again = FieldStore(database: try FieldDatabase.open(path: path))
        try again.saveLogin(server: "http://127.0.0.1:8080", token: "new-token-0000000000000000000000000000000000")
        #expect(bytes(path).range(of: Data("new-token-0000".utf8)) == nil)
        #expect(try again.loginToken() == "new-token-0000000000000000000000000000000000")
        try LoginToken(server: "http://127.0.0.1:8080", device: "dev-other", token: "x").write(to: tokenPath)
        #expect(try again.loginToken() == nil, "a token bound to another device does not sign this one's change sets")
        #expect(try again.forgetLogin() == nil)
        #expect(!FileManager.default.fileExists(atPath: tokenPath))
    }

    @Test("a backup is owner-only, without the token; restore checks it, refuses unsynced work without force, and marks the store restored")
    func backupAndRestore() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try StoreFixture()
        let h = StoreFixture.household()
        _ = try f.store.perform(.registerHousehold(h, members: [StoreFixture.member(h.id)]))
        try f.store.saveLogin(server: "http://127.0.0.1:8080", token: "in-memory-token-0123456789")  // kept in the row in memory
        let backup = dir.appendingPathComponent("backup.doudi").path
        let summary = try StoreBackup.backup(f.store.database, to: backup)
        #expect(summary.device == "dev-test" && summary.pending == 1 && summary.nextSequence == 2)
        #expect(OwnerOnlyFile.permissions(backup) == 0o600)
        #expect(bytes(backup).range(of: Data("in-memory-token".utf8)) == nil, "a backup never holds the token")
        #expect(throws: StoreBackup.Failure.self) { try StoreBackup.backup(f.store.database, to: backup) }
        #expect(try StoreBackup.inspect(backup).migrations == FieldDatabase.migrator.migrations)

        // into a new laptop's store
        let store = dir.appendingPathComponent("doudi.sqlite").path
        let restored = try StoreBackup.restore(from: backup, to: store, now: 1_800_000_000_000)
        #expect(restored.device == "dev-test" && restored.pending == 1)
        #expect(OwnerOnlyFile.permissions(store) == 0o600)
        let reopened = FieldStore(database: try FieldDatabase.open(path: store), keys: f.store.keys)
        let restoration = try #require(try reopened.pendingRestoration())
        #expect(restoration.firstSequence == 2 && restoration.restoredAt == 1_800_000_000_000 && restoration.source.hasSuffix("backup.doudi"))
        #expect(try reopened.pendingChangeSets(limit: 10).count == 1, "the backup's pending work, readable with the store's keys")
        try (reopened.database.writer as? DatabasePool)?.close()

        // over a store with unsynced work: refused unless forced
        #expect(throws: StoreBackup.Failure.self) { try StoreBackup.restore(from: backup, to: store) }
        #expect(try StoreBackup.restore(from: backup, to: store, force: true).pending == 1)
    }

    @Test("restore refuses a file that is not a Doudi store, and a store written by a newer doudi")
    func restoreChecksTheFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("notes.txt").path
        try "not a store".write(toFile: text, atomically: true, encoding: .utf8)
        let failure1 = #expect(throws: StoreBackup.Failure.self) { try StoreBackup.inspect(text) }
        #expect(failure1?.message.contains("not a Doudi store") == true, "\(failure1?.message ?? "")")
        let other = dir.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE x(y)") }
        let failure2 = #expect(throws: StoreBackup.Failure.self) { try StoreBackup.inspect(other) }
        #expect(failure2?.message.contains("not a Doudi store") == true, "\(failure2?.message ?? "")")

        let f = try StoreFixture()
        let newer = dir.appendingPathComponent("newer.doudi").path
        try StoreBackup.backup(f.store.database, to: newer)
        try DatabaseQueue(path: newer).write { db in try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')") }
        let failure3 = #expect(throws: StoreBackup.Failure.self) { try StoreBackup.inspect(newer) }
        #expect(failure3?.message.contains("newer doudi") == true, "\(failure3?.message ?? "")")
        let store = dir.appendingPathComponent("doudi.sqlite").path
        #expect(throws: StoreBackup.Failure.self) { try StoreBackup.restore(from: newer, to: store) }
        #expect(!FileManager.default.fileExists(atPath: store), "nothing replaced")
    }
}
