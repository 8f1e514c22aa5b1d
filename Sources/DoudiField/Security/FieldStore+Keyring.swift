import Crypto
import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Protecting, unlocking and re-keying a store (docs/LAPTOP-SECURITY.md).
///
/// ```swift
/// let store = FieldStore(database: try .open(path: path))
/// let unlocked = try store.keyring() == nil ? try store.protect(password: password) : try store.unlock(password: password)
/// try unlocked.changePassword(to: newPassword)   // the key is re-wrapped, the records stay as they are
/// ```
extension FieldStore {
    /// The store's keyring; nil for a store not protected yet (made before doudi sealed values).
    public func keyring() throws -> Keyring? {
        try database.writer.read { db in try Keyring.fetchOne(db) }
    }

    /// Unlocks the store with the user's password (one slow key derivation).
    ///
    /// - Returns: this store, unlocked.
    /// - Throws: ``FieldError`` `wrongPassword` when the password does not unlock it;
    ///   `notInitialised` when the store has no password yet (``protect(password:derivation:)``).
    public func unlock(password: String) throws -> FieldStore {
        guard let keyring = try keyring() else {
            throw FieldError(.notInitialised, "this store has no password yet: run `doudi unlock` to set one and encrypt its records")
        }
        let store = unlocked(with: try keyring.unwrap(password: password))
        store.fillSearchTails()
        store.finishInterruptedBulkLoad()
        return store
    }

    /// Unlocks the store with a data key kept from an earlier unlock (the key cache), if it is
    /// this store's.
    ///
    /// - Returns: this store unlocked, or nil when the key is not this store's.
    public func unlock(dataKey: SymmetricKey) throws -> FieldStore? {
        guard let keyring = try keyring(), let keys = try? StoreKeys(dataKey: dataKey), keys.check == keyring.keyCheck else { return nil }
        let store = unlocked(with: keys)
        store.fillSearchTails()
        store.finishInterruptedBulkLoad()
        return store
    }

    /// Gives the store its password: a new random data key, wrapped under `password`; then
    /// every sensitive value already in the store (a store made before doudi sealed values) is
    /// sealed, and the file is vacuumed and its write-ahead log truncated, so that no plaintext
    /// stays in free pages.
    ///
    /// - Returns: this store, unlocked.
    /// - Throws: ``FieldError`` `duplicate` when the store already has a password; `validation`
    ///   when the password is too short.
    public func protect(password: String, derivation: KeyDerivation = .standard) throws -> FieldStore {
        let keys = StoreKeys.random()
        let keyring = try Keyring.make(wrapping: keys, password: password, derivation: derivation, now: now())
        let sealed = try database.writer.write { db -> Int in
            guard try Keyring.fetchCount(db) == 0 else {
                throw FieldError(.duplicate, "this store already has a password: unlock it with `doudi unlock`, change it with `doudi password`")
            }
            try keyring.insert(db)
            return try Self.sealPlaintext(db, keys: keys)
        }
        if sealed > 0 { try compact() }
        return unlocked(with: keys)
    }

    /// Wraps the store's data key under a new password. The records are not touched: they
    /// stay sealed under the same data key.
    ///
    /// - Throws: ``FieldError/locked`` when the store is locked; `validation` when the new
    ///   password is too short.
    public func changePassword(to password: String, derivation: KeyDerivation = .standard) throws {
        let keys = try requireKeys()
        try database.writer.write { db in
            guard var keyring = try Keyring.fetchOne(db) else {
                throw FieldError(.notInitialised, "this store has no password yet: run `doudi unlock` to set one")
            }
            guard keyring.keyCheck == keys.check else {
                throw FieldError(.damaged, "the unlocked key is not this store's: run `doudi lock`, then `doudi unlock`")
            }
            try keyring.wrap(keys, password: password, derivation: derivation, now: now())
            try keyring.update(db)
        }
    }

    /// Rewrites the file without its free pages and empties the write-ahead log.
    func compact() throws {
        try database.writer.vacuum()
        _ = try database.writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    // MARK: - Reading sealed blobs and values

    /// A sealed blob opened (a blob from before the store was protected is returned as it is).
    ///
    /// - Throws: ``FieldError/locked`` while the store is locked.
    func openedBlob(_ text: String, _ blob: SealedBlob) throws -> String {
        guard StoreKeys.isSealed(text) else { return text }
        return try requireKeys().open(text, blob: blob)
    }

    /// A member's resident ID number from its sealed column.
    static func openedResidentID(_ text: String, keys: StoreKeys?) throws -> String {
        guard StoreKeys.isSealed(text) else { return text }
        guard case .string(let number) = try StoreKeys.required(keys).open(text, field: SealedField(.member, "residentID")) else {
            throw FieldError(.damaged, field: "residentID", "a sealed resident ID number is not text: the store is damaged; restore it from a backup")
        }
        return number
    }

    // MARK: - Sealing a store made before sealed values

    /// Seals every value of the store that is not sealed yet: the sensitive columns of
    /// households, members and legal supporters (and members' person index), history values,
    /// outbox bodies and conflict bodies.
    ///
    /// - Returns: how many rows were rewritten.
    static func sealPlaintext(_ db: Database, keys: StoreKeys) throws -> Int {
        var rewritten = 0
        func reseal<R: StoredRecord>(_ type: R.Type) throws {
            let names = R.sealedFields
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(R.databaseTableName)\"") {
                let needs = names.contains { name in
                    guard case .string(let text) = (row[name] as DatabaseValue).storage else { return true }
                    return !StoreKeys.isSealed(text)
                } || (R.entity == .member && (row[PersonIndex.column] as String?) == nil)
                guard needs else { continue }
                let record = try R.decode(row, keys: keys)
                try SealedRow(record: record, keys: keys).update(db)
                rewritten += 1
            }
        }
        try reseal(Household.self)
        try reseal(Member.self)
        try reseal(SupportObligor.self)
        for (table, key, column, blob) in [("history", "seq", "values", SealedBlob.historyValues), ("changeSet", "id", "body", .changeSetBody),
                                           ("conflict", "id", "body", .conflictBody)] {
            let update = try db.makeStatement(sql: "UPDATE \"\(table)\" SET \"\(column)\" = ? WHERE \"\(key)\" = ?")
            for row in try Row.fetchAll(db, sql: "SELECT \"\(key)\" AS key, \"\(column)\" AS text FROM \"\(table)\"") {
                let text: String = row["text"]
                guard !StoreKeys.isSealed(text) else { continue }
                try update.execute(arguments: [keys.seal(text, blob: blob), row["key"] as DatabaseValue])
                rewritten += 1
            }
        }
        return rewritten
    }
}
