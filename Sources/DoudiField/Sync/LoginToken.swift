import DoudiModel
import Foundation
import GRDB

/// The bearer token of `doudi login`, kept **outside the store**: in its own owner-only file
/// beside it, `<store>.token` (mode 0600), so that a copy or backup of the store never carries
/// it and the store file can be handed over without the login.
///
/// The file names the device and the server the token was issued for: a store restored from
/// another device's backup, or moved to another server, is simply not logged in. An in-memory
/// store (tests, dry runs) keeps its token in memory, in its `syncState` row.
public struct LoginToken: Hashable, Sendable, Codable {
    /// The server's base URL the token was issued by.
    public var server: String
    /// The device the token is bound to (SPEC §11).
    public var device: String
    /// The opaque bearer token.
    public var token: String

    public init(server: String, device: String, token: String) {
        self.server = server; self.device = device; self.token = token
    }
}

extension FieldDatabase {
    /// The token file of an on-disk store: `<store>.token`; nil for an in-memory store.
    public var tokenPath: String? {
        let path = writer.path
        guard !path.isEmpty, path != ":memory:", !path.contains("mode=memory") else { return nil }
        return path + ".token"
    }

    /// Moves a token that an older doudi kept in the store (`syncState.token`) into the token
    /// file, then clears the column with `secure_delete` on and checkpoints, so the token's bytes
    /// leave the store file.
    ///
    /// - Returns: a note for the user when a token was moved.
    func moveTokenOutOfStore() throws -> [String] {
        guard let tokenPath else { return [] }
        let old = try writer.read { db -> (String, String, String)? in
            guard try db.tableExists("syncState"), try db.columns(in: "syncState").contains(where: { $0.name == "token" }),
                  let row = try Row.fetchOne(db, sql: "SELECT server, token FROM syncState WHERE token IS NOT NULL"),
                  let device = try String.fetchOne(db, sql: "SELECT id FROM device LIMIT 1")
            else { return nil }
            return (row["server"], device, row["token"])
        }
        guard let (server, device, token) = old else { return [] }
        if !FileManager.default.fileExists(atPath: tokenPath) {
            try LoginToken(server: server, device: device, token: token).write(to: tokenPath)
        }
        try writer.writeWithoutTransaction { db in
            let previous = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.inTransaction {
                try db.execute(sql: "UPDATE syncState SET token = NULL")
                return .commit
            }
            try db.execute(sql: "PRAGMA secure_delete = \(previous == 0 ? 0 : 1)")
            _ = try? db.checkpoint(.truncate)
        }
        return ["the login token was kept inside the store by an older doudi: it now lives in \(tokenPath) (owner-only), and the store no longer holds it"]
    }
}

extension LoginToken {
    /// Writes the token file, owner-only, atomically.
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try OwnerOnlyFile.write(try encoder.encode(self), to: path)
    }

    /// Reads a token file; nil when there is none.
    ///
    /// - Throws: ``FieldError`` when the file is there but cannot be read as a token.
    static func read(from path: String) throws -> LoginToken? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try OwnerOnlyFile.tighten(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FieldError(.validation, field: "token", "\(path) cannot be read: check it belongs to you, or delete it and run `doudi login` again")
        }
        do { return try JSONDecoder().decode(LoginToken.self, from: data) } catch {
            throw FieldError(.validation, field: "token", "\(path) is not a doudi token file: delete it and run `doudi login` again")
        }
    }
}

extension FieldStore {
    /// The token to sync with: the login of this device for the store's server, if any.
    ///
    /// - Throws: ``FieldError`` when the token file is there but unreadable.
    public func loginToken() throws -> String? {
        guard let state = try syncState() else { return nil }
        guard let path = database.tokenPath else {
            return try database.writer.read { db in try String.fetchOne(db, sql: "SELECT token FROM syncState") }
        }
        guard let saved = try LoginToken.read(from: path), saved.server == state.server, saved.device == (try device().id) else { return nil }
        return saved.token
    }

    /// Keeps a new login's token: the token file for an on-disk store, the `syncState` row in memory.
    func saveToken(_ token: String, server: String) throws {
        guard let path = database.tokenPath else {
            try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET token = ?", arguments: [token]) }
            return
        }
        try LoginToken(server: server, device: try device().id, token: token).write(to: path)
    }

    /// Forgets the login here (`doudi logout`): deletes the token file.
    ///
    /// - Returns: the token that was forgotten, if there was one (to revoke it on the server).
    @discardableResult
    public func forgetLogin() throws -> String? {
        let token = try loginToken()
        if let path = database.tokenPath {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        } else {
            try database.writer.write { db in try db.execute(sql: "UPDATE syncState SET token = NULL") }
        }
        return token
    }
}
