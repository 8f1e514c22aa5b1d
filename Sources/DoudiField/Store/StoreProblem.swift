import GRDB

/// What a database error on the laptop's store means to the person at the laptop, and what to
/// do — instead of "SQLite error 13". SQLite rolls the transaction back on each of these, so
/// nothing was written.
public enum StoreProblem {
    /// The explanation of `error` when it is one of the store's database errors, else `nil`.
    public static func explain(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL:
            return "the disk is full: free space on the disk that holds the store, then run the command again; nothing was written (SQLite error 13)"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "another doudi (or another program) is using the store right now: wait until it has finished, then run the command again; nothing was written"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return "the store file cannot be opened for writing: check that it exists, belongs to you and that its folder is writable (ls -l)"
        case .SQLITE_NOTADB:
            return "the file is not a Doudi store: check --store (or $DOUDI_HOME)"
        case .SQLITE_CORRUPT:
            return "the store file is damaged: restore your latest backup (doudi restore FILE), then sync"
        case .SQLITE_IOERR:
            return "the disk could not be read or written (I/O error): check the disk, then run the command again"
        default:
            return nil
        }
    }

    /// The same in Chinese, short (the English ``explain(_:)`` says what to do): the first half
    /// of the one-line message `doudi: 错误：磁盘已满 (the disk is full: …)`; `nil` when `error` is
    /// not one of the store's database errors.
    public static func chinese(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return "磁盘已满，未写入任何内容"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "本地数据库正被另一个程序使用，未写入任何内容"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return "本地数据库文件无法写入"
        case .SQLITE_NOTADB: return "这不是 Doudi 本地数据库文件"
        case .SQLITE_CORRUPT: return "本地数据库文件已损坏"
        case .SQLITE_IOERR: return "磁盘读写出错"
        default: return nil
        }
    }
}
