import DoudiField
import DoudiText
import Foundation

/// The command line's side of a store whose sensitive values are sealed
/// (docs/LAPTOP-SECURITY.md): every command is a process of its own, so the key unlocked by
/// `doudi unlock` (or `init`, or `login`) waits in the key cache on a memory file system
/// (``UnlockedKeyCache``) until it expires or `doudi lock`.
enum StoreLock {
    /// Milliseconds since 1970, now.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The store unlocked if it can be without asking: with the key kept by an earlier unlock,
    /// else with `$DOUDI_PASSWORD` (then the key is kept for the next commands); else the store
    /// as it is, locked — a command that needs a sealed value then fails with "the store is
    /// locked: run `doudi unlock`".
    ///
    /// - Throws: ``CommandFailure`` when `$DOUDI_PASSWORD` is set and does not unlock the store.
    static func unlockedIfPossible(_ store: FieldStore, passwordFromEnvironment: Bool = true) throws -> FieldStore {
        guard let keyring = try store.keyring() else { return store }  // not protected yet: `doudi unlock` protects it
        if let cache = try? UnlockedKeyCache.standard(), let kept = cache.load(store: keyring.store, now: now()),
           let unlocked = try store.unlock(dataKey: kept.key) {
            return unlocked
        }
        guard passwordFromEnvironment, let password = PasswordInput(fromStandardInput: false).fromEnvironment else { return store }
        do {
            let unlocked = try store.unlock(password: password)
            _ = try? remember(unlocked)
            return unlocked
        } catch let error as FieldError where error.code == .wrongPassword {
            throw CommandFailure(chinese: "密码错误", "\(PasswordInput.environmentVariable) does not unlock this store (its password is its user's account password as it was when last unlocked): unset it and run `doudi unlock`")
        }
    }

    /// Keeps the unlocked store's key in the key cache for ``UnlockedKeyCache/standardDuration``.
    ///
    /// - Returns: when the key expires.
    /// - Throws: ``KeyCacheError`` when there is no safe place to keep it.
    @discardableResult
    static func remember(_ store: FieldStore) throws -> Date {
        guard let keys = store.keys, let keyring = try store.keyring() else { throw FieldError.locked }
        let now = now(), expires = now + UnlockedKeyCache.standardDuration
        try UnlockedKeyCache.standard().save(keys, store: keyring.store, expires: expires, now: now)
        return Date(timeIntervalSince1970: Double(expires) / 1000)
    }

    /// Forgets the store's kept key (`doudi lock`).
    ///
    /// - Returns: whether a key was kept.
    static func forget(_ store: FieldStore) throws -> Bool {
        guard let keyring = try store.keyring() else { return false }
        return (try? UnlockedKeyCache.standard().remove(store: keyring.store)) ?? false
    }

    /// After a login the server accepted `password` as the store user's: the store is unlocked
    /// with it and its key kept. If it does not unlock the store, the account's password was
    /// changed: a store unlocked already is re-wrapped under the new one (records untouched);
    /// a locked one stays locked. A store without a password yet is protected with it.
    ///
    /// - Returns: a line for the user, or nil when there is nothing to say.
    static func afterLogin(_ store: FieldStore, password: String) throws -> String? {
        do {
            return try moveToAccountPassword(store, password: password)
        } catch let error as FieldError where error.code == .validation {
            return "本地数据库密码未更新 The store's password was not changed (\(error.message)): set one with `doudi password`"
        }
    }

    private static func moveToAccountPassword(_ store: FieldStore, password: String) throws -> String? {
        guard try store.keyring() != nil else {
            let protected = try store.protect(password: password)
            let until = try remember(protected)
            return "本地数据库已加密 The store's ID numbers, health facts and bank accounts are now encrypted under your account's password; unlocked until \(Labels.time(until))"
        }
        do {
            let unlocked = try store.unlock(password: password)
            try remember(unlocked)
            return nil
        } catch let error as FieldError where error.code == .wrongPassword {
            guard !store.isLocked else {
                return "本地数据库仍用旧密码 The store still opens with your previous password: run `doudi unlock` with it, then `doudi login` again to move the store to this one"
            }
            try store.changePassword(to: password)
            try remember(store)
            return "本地数据库密码已更新 The store's key is now wrapped under your account's new password (records untouched)"
        }
    }
}
