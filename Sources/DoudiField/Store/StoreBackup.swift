import Foundation
import GRDB

/// Backups of a laptop store and restoring one (`doudi backup`, `doudi restore`).
///
/// A backup is a consistent copy of the store taken while it is open (`VACUUM INTO`: one
/// self-contained SQLite file, no `-wal`, no free pages), created owner-only (0600). It never
/// holds the login token, which lives outside the store (``LoginToken``).
///
/// A restored store is marked **restored** (``Restoration``): its next sync first asks the
/// server how far this device got and numbers its new change sets past that, and any change
/// set whose number was taken meanwhile is re-made with the next one (SPEC §8.6), so nothing
/// made before or after the restore is rejected for its number.
///
/// ```swift
/// let summary = try StoreBackup.backup(store.database, to: "/media/usb/wuxing-2026-11-20.doudi")
/// // … the laptop is reinstalled …
/// try StoreBackup.restore(from: "/media/usb/wuxing-2026-11-20.doudi", to: storePath)
/// ```
public enum StoreBackup {
    /// What a backup file (or a store) holds, in a few facts.
    public struct Summary: Sendable, Hashable, Codable {
        public var device: String
        public var deviceName: String
        public var user: String
        public var org: String
        /// Change sets waiting to sync, and those set aside for a decision.
        public var pending: Int
        public var setAside: Int
        /// The device's next sequence number.
        public var nextSequence: Int64
        /// The pull cursor and the last complete sync (milliseconds since 1970).
        public var cursor: Int64
        public var lastSync: Int64?
        /// The store's migrations, oldest first.
        public var migrations: [String]
    }

    /// Why a backup or a restore could not be made.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Writes a consistent copy of the open store to `path`, owner-only, without the token.
    ///
    /// The copy is written beside `path` first and renamed into place when complete, so a
    /// backup interrupted half-way never looks like a backup.
    ///
    /// - Parameter overwrite: replace a file already at `path`.
    /// - Returns: what the backup holds.
    /// - Throws: ``Failure`` when `path` exists (without `overwrite`) or cannot be written.
    @discardableResult
    public static func backup(_ database: FieldDatabase, to path: String, overwrite: Bool = false) throws -> Summary {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw Failure("\(path) is a folder: give the backup's file name, e.g. \(path)/doudi-backup.sqlite") }
            guard overwrite else { throw Failure("\(path) already exists: choose another file name, or pass --force to replace it") }
        }
        if database.tokenPath.map({ URL(fileURLWithPath: $0).standardized.path }) == URL(fileURLWithPath: path).standardized.path
            || URL(fileURLWithPath: database.writer.path).standardized.path == URL(fileURLWithPath: path).standardized.path {
            throw Failure("\(path) is the store itself (or its token): write the backup to another file, ideally on another disk")
        }
        let temporary = path + ".partial-\(UUID().uuidString.prefix(8))"
        do {
            try OwnerOnlyFile.prepare(temporary)  // VACUUM INTO takes an empty file and keeps its mode
            try database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
            }
            // an in-memory store keeps its token in its row: never in a backup
            let copy = try DatabaseQueue(path: temporary)
            let summary = try copy.writeWithoutTransaction { db -> Summary in
                if try db.tableExists("syncState"), try db.columns(in: "syncState").contains(where: { $0.name == "token" }),
                   try Bool.fetchOne(db, sql: "SELECT 1 FROM syncState WHERE token IS NOT NULL") == true {
                    try db.execute(sql: "PRAGMA secure_delete = ON")
                    try db.execute(sql: "UPDATE syncState SET token = NULL")
                    try db.execute(sql: "VACUUM")
                }
                return try summarise(db, path: path)
            }
            try copy.close()
            guard rename(temporary, path) == 0 else {
                throw FileAccessError(path: path, operation: "write", errno: errno)
            }
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if let failure = error as? Failure { throw failure }
            throw Failure("the backup to \(path) could not be written (\(error)): check the folder exists, is yours and has room")
        }
    }

    /// Reads a backup file: checks it is a Doudi store this doudi can open, set up for a device.
    ///
    /// - Throws: ``Failure`` saying what the file is not.
    public static func inspect(_ path: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure("no file \(path): give the backup file `doudi backup --to` wrote") }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("grdb_migrations"), try db.tableExists("device"), try db.tableExists("changeSet") else {
                    throw Failure("\(path) is an SQLite file but not a Doudi store: give a file `doudi backup --to` wrote")
                }
                let summary = try summarise(db, path: path)
                let known = Set(FieldDatabase.migrator.migrations)
                let unknown = summary.migrations.filter { !known.contains($0) }
                guard unknown.isEmpty else {
                    throw Failure("\(path) was written by a newer doudi (its store has \(unknown.joined(separator: ", "))): upgrade doudi, then restore it")
                }
                return summary
            }
        } catch let failure as Failure {
            throw failure
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw Failure("\(path) is not a Doudi store backup (not an SQLite database, or damaged): give a file `doudi backup --to` wrote")
        } catch {
            throw Failure("\(path) cannot be read as a Doudi store backup (\(error)): give a file `doudi backup --to` wrote")
        }
    }

    /// What the store at `path` holds, or nil when there is no store there yet.
    ///
    /// - Throws: ``Failure`` when a file is there but is not a Doudi store.
    public static func existingStore(_ path: String) throws -> Summary? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        if (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 { return nil }
        do { return try inspect(path) } catch let failure as Failure {
            throw Failure("\(path) is there but is not a store this doudi can check (\(failure.message)); move it away first")
        }
    }

    /// Restores the store at `storePath` from `backup`, marked restored for its next sync.
    ///
    /// The backup is checked (``inspect(_:)``), copied beside the store, brought up to this
    /// doudi's schema and marked, then moved over the store in one rename. A store that has
    /// work not yet synced (change sets waiting or set aside) is refused unless `force`.
    /// The token file stays only when it belongs to the restored device.
    ///
    /// - Returns: what the restored store holds.
    /// - Throws: ``Failure`` saying what stands in the way.
    @discardableResult
    public static func restore(from backup: String, to storePath: String, force: Bool = false,
                               now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) throws -> Summary {
        let source = try inspect(backup)
        if URL(fileURLWithPath: backup).standardized.path == URL(fileURLWithPath: storePath).standardized.path {
            throw Failure("\(backup) is the store itself: give the backup file")
        }
        if let current = try existingStore(storePath), !force, current.pending + current.setAside > 0 {
            throw Failure("the store at \(storePath) has work not yet synced (\(current.pending) change sets waiting, \(current.setAside) set aside): "
                          + "run `doudi sync` first, or keep it with `doudi backup --to FILE`; pass --force to replace it and lose that work")
        }
        // a reinstalled laptop may not have the store's folder yet
        let folder = URL(fileURLWithPath: storePath).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let temporary = storePath + ".restoring-\(UUID().uuidString.prefix(8))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        }
        do {
            try OwnerOnlyFile.prepare(temporary)
            var readOnly = Configuration()
            readOnly.readonly = true
            let from = try DatabaseQueue(path: backup, configuration: readOnly)
            let to = try DatabaseQueue(path: temporary)
            try from.backup(to: to)
            try from.close()
            try to.close()
            // this doudi's schema, and the mark the next sync re-bases on
            let database = try FieldDatabase.open(path: temporary)
            let summary = try database.writer.write { db -> Summary in
                let next = try Int64.fetchOne(db, sql: "SELECT nextSequence FROM device LIMIT 1") ?? 1
                try db.execute(sql: """
                    INSERT OR REPLACE INTO restoration(id, restoredAt, source, firstSequence, rebasedAt, serverHighestSequence)
                    VALUES (1, ?, ?, ?, NULL, NULL)
                    """, arguments: [now, URL(fileURLWithPath: backup).standardized.path, next])
                if try db.columns(in: "syncState").contains(where: { $0.name == "token" }) {
                    try db.execute(sql: "UPDATE syncState SET token = NULL")
                }
                return try summarise(db, path: storePath)
            }
            try database.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            try (database.writer as? DatabasePool)?.close()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure("\(backup) could not be restored (\(error)): the store at \(storePath) is unchanged")
        }
        // the store's own -wal and -shm belong to the replaced file
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        guard rename(temporary, storePath) == 0 else {
            throw Failure("\(backup) could not be put in place at \(storePath) (\(FileAccessError(path: storePath, operation: "replace", errno: errno)))")
        }
        try OwnerOnlyFile.tighten(storePath)
        // a token of another device (or of a store set up afresh) does not sign this one's change sets
        let tokenPath = storePath + ".token"
        if let token = try? LoginToken.read(from: tokenPath), token.device != source.device {
            try? FileManager.default.removeItem(atPath: tokenPath)
        }
        return try inspect(storePath)
    }

    private static func summarise(_ db: Database, path: String) throws -> Summary {
        guard let device = try Row.fetchOne(db, sql: "SELECT id, name, user, org, nextSequence FROM device LIMIT 1") else {
            throw Failure("\(path) is a Doudi store that was never set up (`doudi init`): there is nothing in it to restore")
        }
        let sync = try db.tableExists("syncState") ? try Row.fetchOne(db, sql: "SELECT cursor, lastSync FROM syncState LIMIT 1") : nil
        func count(_ state: String) throws -> Int {
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changeSet WHERE state = ?", arguments: [state]) ?? 0
        }
        return Summary(device: device["id"], deviceName: device["name"], user: device["user"], org: device["org"],
                       pending: try count("pending"), setAside: try count("rejected"), nextSequence: device["nextSequence"],
                       cursor: sync?["cursor"] ?? 0, lastSync: sync?["lastSync"],
                       migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"))
    }
}
