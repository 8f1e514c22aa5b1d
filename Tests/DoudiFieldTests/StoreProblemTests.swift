import GRDB
import Foundation
import Testing
@testable import DoudiField

/// Database errors on the laptop's store are explained with what to do, not as "SQLite error 13".
@Suite("Store problems said plainly")
struct StoreProblemTests {
    @Test("disk full, busy, read-only, not a store, damaged, I/O: each says what happened and what to do",
          arguments: [(ResultCode.SQLITE_FULL, "disk is full"), (.SQLITE_BUSY, "using the store"), (.SQLITE_LOCKED, "using the store"),
                      (.SQLITE_READONLY, "cannot be opened for writing"), (.SQLITE_NOTADB, "not a Doudi store"),
                      (.SQLITE_CORRUPT, "doudi restore"), (.SQLITE_IOERR, "I/O error")])
    func explained(code: ResultCode, words: String) {
        let text = StoreProblem.explain(DatabaseError(resultCode: code, message: "database or disk is full"))
        #expect(text?.contains(words) == true, "\(text ?? "nil")")
    }

    @Test("other errors are left to their own description")
    func others() {
        #expect(StoreProblem.explain(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(StoreProblem.explain(FieldError.locked) == nil)
    }

    @Test("a store held by another writer: the busy error a second writer gets is explained")
    func busyForReal() throws {
        let path = NSTemporaryDirectory() + "busy-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        let first = try DatabaseQueue(path: path, configuration: configuration)
        let second = try DatabaseQueue(path: path, configuration: configuration)
        try first.write { try $0.execute(sql: "CREATE TABLE t(x)") }
        try first.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            #expect { try second.write { try $0.execute(sql: "INSERT INTO t VALUES (1)") } } throws: {
                StoreProblem.explain($0)?.contains("another doudi") == true
            }
            try db.execute(sql: "ROLLBACK")
        }
    }
}
