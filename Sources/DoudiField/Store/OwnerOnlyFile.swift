import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files holding personal data — the store, its `-wal` and `-shm`, its token, backups —
/// readable and writable by their owner only (mode 0600).
///
/// SQLite gives a store's `-wal` and `-shm` the mode of the store file, so a store created
/// 0600 keeps its companions 0600 too. A file found with a looser mode is tightened, and the
/// caller is told so it can say it.
public enum OwnerOnlyFile {
    /// The mode every personal-data file gets: `rw-------`.
    public static let mode: mode_t = 0o600

    /// Creates an empty file at `path` with mode 0600, or tightens an existing one.
    ///
    /// - Returns: the paths whose mode was looser and has been tightened.
    /// - Throws: ``FileAccessError`` when the file cannot be created or its mode changed.
    @discardableResult
    public static func prepare(_ path: String) throws -> [String] {
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
            if fd < 0 {
                guard errno == EEXIST else { throw FileAccessError(path: path, operation: "create", errno: errno) }
            } else {
                close(fd)
                return []
            }
        }
        return try tighten(path) ? [path] : []
    }

    /// Tightens `path` to 0600 when group or others may read or write it.
    ///
    /// - Returns: true when the mode was changed; false when it already was owner-only or
    ///   the file does not exist.
    /// - Throws: ``FileAccessError`` when the mode cannot be read or changed.
    @discardableResult
    public static func tighten(_ path: String) throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return false }
            throw FileAccessError(path: path, operation: "read the mode of", errno: errno)
        }
        guard info.st_mode & 0o077 != 0 else { return false }
        guard chmod(path, mode) == 0 else { throw FileAccessError(path: path, operation: "restrict to its owner", errno: errno) }
        return true
    }

    /// The permission bits of `path` (e.g. `0o600`), nil when there is no such file.
    public static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    /// Writes `data` to `path` as a new owner-only file, atomically: a temporary file beside
    /// it, created 0600, then renamed over `path`.
    ///
    /// - Throws: ``FileAccessError`` when the file cannot be written.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw FileAccessError(path: temporary, operation: "create", errno: errno) }
        let written = data.withUnsafeBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            var offset = 0
            while offset < bytes.count {
                let n = systemWrite(fd, base + offset, bytes.count - offset)
                if n <= 0 { return -1 }
                offset += n
            }
            return offset
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced else {
            let code = errno
            unlink(temporary)
            throw FileAccessError(path: path, operation: "write", errno: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileAccessError(path: path, operation: "write", errno: code)
        }
    }
}

/// `write(2)`, named apart from the `write` of ``OwnerOnlyFile``.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

/// A file of the store could not be created, read or restricted.
public struct FileAccessError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    /// What was being done, e.g. `create`, `restrict to its owner`.
    public var operation: String
    public var errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path; self.operation = operation; self.errno = errno
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errno))); check the folder exists and belongs to you"
    }
}
