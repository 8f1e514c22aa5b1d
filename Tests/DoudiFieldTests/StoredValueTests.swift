import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// Issue 12: no trap on data read from the store. A value this doudi did not write (a damaged
/// file, a newer doudi) is a typed error naming it, never a crash.
@Suite("Store values read back: a typed error, never a trap")
struct StoredValueTests {
    typealias F = StoreFixture

    @Test("A history row of a kind or stamp this doudi did not write is `store-damaged`; a limit broken locally is refused before the outbox")
    func damagedValues() throws {
        let f = try F()
        let h = F.household()
        try f.store.perform(.registerHousehold(h, members: [F.member(h.id)]))
        #expect(try f.store.history(of: h.id).count == 1)
        try f.store.database.writer.write { db in try db.execute(sql: "UPDATE history SET entity = 'kindOfANewerDoudi'") }
        #expect { try f.store.history(of: h.id) } throws: { ($0 as? FieldError)?.code == .storeDamaged }
        try f.store.database.writer.write { db in
            try db.execute(sql: "UPDATE history SET entity = 'household', stamp = 'not a stamp'")
        }
        #expect { try f.store.history(of: h.id) } throws: { ($0 as? FieldError)?.code == .storeDamaged }

        // what the server would refuse is refused here, and nothing is written
        let before = try f.counts()
        var bad = F.household()
        bad.address = "五星村\u{7}3组"
        #expect { try f.store.perform(.registerHousehold(bad, members: [F.member(bad.id, sequence: 12)])) } throws: {
            ($0 as? FieldError)?.code == .validation && "\($0)".contains("control character")
        }
        #expect(try f.counts() == before)
    }
}
