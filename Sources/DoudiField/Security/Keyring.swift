import Crypto
import Foundation
import GRDB

/// The store's data key, wrapped under the user's password (table `keyring`, one row).
///
/// The data key is random (256 bits) and never changes: it seals the records. A key derived
/// from the password (``KeyDerivation``, with a random salt) wraps it with AES-256-GCM.
/// Changing the password wraps the same data key again under the new one — the records are
/// not touched. A wrong password fails the wrap's authentication tag.
public struct Keyring: Hashable, Sendable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "keyring"
    /// Always 1: one row.
    var id = 1
    /// A random id naming the store's key in the key cache (``UnlockedKeyCache``); a copy of
    /// the store (a backup) shares it, as it shares the key.
    public var store: String
    var kdf: String
    var kdfCost: Int
    var kdfBlockSize: Int
    var kdfParallelism: Int
    /// The password's salt, base64.
    var salt: String
    /// The data key sealed under the password's key (`enc1:` form, bound to "keyring").
    var wrappedKey: String
    /// ``StoreKeys/check`` of the data key.
    public var keyCheck: String
    /// Milliseconds since 1970 when the store was protected, and when its password last changed.
    public var createdAt: Int64
    public var changedAt: Int64

    /// The key derivation the password goes through.
    public var derivation: KeyDerivation {
        KeyDerivation(function: kdf, cost: kdfCost, blockSize: kdfBlockSize, parallelism: kdfParallelism)
    }

    /// A new keyring wrapping `keys` under `password`.
    ///
    /// - Throws: ``FieldError`` `validation` when the password is too short.
    static func make(wrapping keys: StoreKeys, password: String, derivation: KeyDerivation, now: Int64) throws -> Keyring {
        var keyring = Keyring(store: UUID().uuidString.lowercased(), kdf: derivation.function, kdfCost: derivation.cost,
                              kdfBlockSize: derivation.blockSize, kdfParallelism: derivation.parallelism, salt: "", wrappedKey: "",
                              keyCheck: keys.check, createdAt: now, changedAt: now)
        try keyring.wrap(keys, password: password, derivation: derivation, now: now)
        return keyring
    }

    /// Opens the data key with `password`.
    ///
    /// - Throws: ``FieldError`` `wrongPassword` when the password does not open it; `damaged`
    ///   when the keyring cannot be read.
    func unwrap(password: String) throws -> StoreKeys {
        guard let salt = Data(base64Encoded: salt), let combined = Data(base64Encoded: String(wrappedKey.dropFirst(StoreKeys.sealedPrefix.count))),
              StoreKeys.isSealed(wrappedKey) else {
            throw FieldError(.damaged, "the store's keyring is damaged: restore the store from a backup")
        }
        let passwordKey = try derivation.deriveKey(password: password, salt: salt)
        let dataKey: Data
        do {
            dataKey = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: passwordKey, authenticating: Data(Self.context.utf8))
        } catch {
            throw FieldError(.wrongPassword, "wrong password: it does not unlock this store (the store's password is its user's account password, as it was when the store was last unlocked)")
        }
        let keys = try StoreKeys(dataKey: SymmetricKey(data: dataKey))
        guard keys.check == keyCheck else {
            throw FieldError(.damaged, "the store's keyring opened to a key that is not the store's: restore the store from a backup")
        }
        return keys
    }

    /// Wraps `keys` under `password` with a new salt (a new store, or a new password).
    ///
    /// - Throws: ``FieldError`` `validation` when the password is too short or the derivation
    ///   too fast.
    mutating func wrap(_ keys: StoreKeys, password: String, derivation: KeyDerivation, now: Int64) throws {
        try Self.checkNew(password)
        try derivation.checkStrength()
        let salt = Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        let passwordKey = try derivation.deriveKey(password: password, salt: salt)
        let raw = keys.dataKey.withUnsafeBytes { Data($0) }
        guard let combined = try? AES.GCM.seal(raw, using: passwordKey, authenticating: Data(Self.context.utf8)).combined else {
            preconditionFailure("AES-GCM refused to seal")
        }
        self.salt = salt.base64EncodedString()
        wrappedKey = StoreKeys.sealedPrefix + combined.base64EncodedString()
        kdf = derivation.function; kdfCost = derivation.cost; kdfBlockSize = derivation.blockSize; kdfParallelism = derivation.parallelism
        keyCheck = keys.check
        changedAt = now
    }

    /// The fewest characters a new store password has.
    public static let minimumPasswordLength = 8

    /// Checks a new password.
    ///
    /// - Throws: ``FieldError`` `validation` saying what a password needs.
    public static func checkNew(_ password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw FieldError(.validation, field: "password",
                             "a store password has at least \(minimumPasswordLength) characters (use your account's password, the one `doudi login` takes)")
        }
    }

    /// The associated data the wrapped key is bound to.
    static let context = "doudi store: keyring v1"
}
