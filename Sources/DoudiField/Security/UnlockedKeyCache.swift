import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an unlocked store's data key waits between commands: every `doudi` command is a
/// process of its own, and deriving the key from the password takes a few tenths of a
/// second and the password itself.
///
/// One file per store (named by ``Keyring/store``), mode 0600, in a directory of mode 0700
/// owned by the user, on a **memory file system** (tmpfs): `$XDG_RUNTIME_DIR/doudi/`, else
/// `/dev/shm/doudi-UID/`. The key is never written to the disk, and is gone when the
/// laptop is switched off. Each file carries an expiry (12 hours by default); an expired
/// key is deleted when it is next looked at. `doudi lock` deletes it at once.
public struct UnlockedKeyCache: Sendable {
    /// The directory the keys are kept in.
    public let directory: String

    /// How long an unlock lasts by default: 12 hours.
    public static let standardDuration: Int64 = 12 * 3_600_000

    /// The cache in `directory`, as given (tests).
    public init(directory: String) { self.directory = directory }

    /// The user's cache: `$XDG_RUNTIME_DIR/doudi`, else `/dev/shm/doudi-UID`, created if
    /// needed.
    ///
    /// - Throws: ``KeyCacheError`` when neither is a memory file system, or the directory is
    ///   not the user's own with mode 0700.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UnlockedKeyCache {
        var candidates: [String] = []
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { candidates.append((runtime as NSString).appendingPathComponent("doudi")) }
        candidates.append("/dev/shm/doudi-\(getuid())")
        for directory in candidates {
            let parent = (directory as NSString).deletingLastPathComponent
            guard isMemoryFileSystem(parent) else { continue }
            try prepareDirectory(directory)
            return UnlockedKeyCache(directory: directory)
        }
        throw KeyCacheError(message: "there is no memory file system to keep the unlocked key in (\(candidates.joined(separator: " or ")) is not tmpfs): the key is never written to the disk; set XDG_RUNTIME_DIR to a tmpfs directory")
    }

    /// A cached key, as the file holds it.
    struct Entry: Codable {
        var store: String
        var key: String
        /// Milliseconds since 1970 after which the key is deleted.
        var expires: Int64
    }

    /// Keeps `keys` for the store `store` until `expires` (milliseconds since 1970).
    ///
    /// - Throws: ``KeyCacheError`` when the file cannot be written.
    public func save(_ keys: StoreKeys, store: String, expires: Int64, now: Int64) throws {
        removeExpired(now: now)
        let entry = Entry(store: store, key: keys.dataKey.withUnsafeBytes { Data($0) }.base64EncodedString(), expires: expires)
        let data: Data
        do { data = try JSONEncoder().encode(entry) } catch { throw KeyCacheError(message: "the unlocked key could not be written: \(error)") }
        try Self.writeOwnerOnly(data, to: path(of: store))
    }

    /// The data key kept for `store`, if it has not expired.
    public func load(store: String, now: Int64) -> (key: SymmetricKey, expires: Int64)? {
        let file = path(of: store)
        guard let data = FileManager.default.contents(atPath: file), let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.store == store, let raw = Data(base64Encoded: entry.key) else { return nil }
        guard entry.expires > now else {
            unlink(file)
            return nil
        }
        return (SymmetricKey(data: raw), entry.expires)
    }

    /// Forgets the key of `store` (`doudi lock`).
    ///
    /// - Returns: whether a key was kept.
    @discardableResult
    public func remove(store: String) -> Bool {
        unlink(path(of: store)) == 0
    }

    /// Deletes every expired key in the directory.
    func removeExpired(now: Int64) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasSuffix(".key") {
            let file = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file), let entry = try? JSONDecoder().decode(Entry.self, from: data) else { continue }
            if entry.expires <= now { unlink(file) }
        }
    }

    func path(of store: String) -> String {
        let safe = String(store.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" })
        return (directory as NSString).appendingPathComponent("\(safe).key")
    }

    // MARK: - Files

    /// Whether `path` lies on tmpfs (or ramfs): memory, not disk. Read from `/proc/mounts`: the
    /// mount with the longest mount point holding the path.
    static func isMemoryFileSystem(_ path: String) -> Bool {
        #if os(Linux)
        guard let resolved = realpath(path, nil) else { return false }
        let real = String(cString: resolved)
        free(resolved)
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return false }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count >= 3 else { continue }
            let point = parts[1].replacingOccurrences(of: "\\040", with: " ")
            let holds = point == "/" || real == point || real.hasPrefix(point + "/")
            if holds, point.count >= (best?.point.count ?? -1) { best = (point, String(parts[2])) }
        }
        return best.map { ["tmpfs", "ramfs"].contains($0.type) } ?? false
        #else
        return false
        #endif
    }

    /// Creates `directory` with mode 0700, or checks an existing one is a directory (not a
    /// link) of this user's with no access for others.
    static func prepareDirectory(_ directory: String) throws {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw KeyCacheError(message: "cannot create \(directory) for the unlocked key: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw KeyCacheError(message: "\(directory) is not a directory: remove it, then unlock again")
        }
        guard info.st_uid == getuid(), info.st_mode & 0o077 == 0 else {
            throw KeyCacheError(message: "\(directory) belongs to another user or others may read it: the unlocked key is not kept there; remove it, then unlock again")
        }
    }

    /// Writes `data` as a new 0600 file, atomically (a temporary file, then renamed).
    static func writeOwnerOnly(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw KeyCacheError(message: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            #if canImport(Glibc)
            return Glibc.write(fd, base, bytes.count)
            #else
            return Darwin.write(fd, base, bytes.count)
            #endif
        }
        close(fd)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KeyCacheError(message: "cannot write the unlocked key to \(path)")
        }
    }
}

/// The unlocked key could not be kept, or the place to keep it is not safe.
public struct KeyCacheError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
