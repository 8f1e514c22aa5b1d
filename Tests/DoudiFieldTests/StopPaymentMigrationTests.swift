import DoudiModel
import DoudiSync
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// Migration `v8-stop-payment`: a store made before stop-payment decisions keeps its decisions,
/// and then stores one whose `application` is NULL.
@Suite("Field store: the stop-payment migration")
struct StopPaymentMigrationTests {
    @Test("decisions written before v8 are kept; a stop-payment decision (no application) is stored and read back")
    func decisionsKept() throws {
        let queue = try DatabaseQueue()
        try FieldDatabase.migrator.migrate(queue, upTo: "v7-special-periods")
        let old = UUID(), application = UUID()
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO decision(id, application, outcome, amount, reason, decidedBy, role, org, date, classifiedAidTiers)
                VALUES (?, ?, 'approved', '520.00', '同意', '周镇长', 'townApprover', '511011101', '2026-11-16', '[]')
                """, arguments: [old.uuidString, application.uuidString])
        }
        try FieldDatabase.migrator.migrate(queue)
        try queue.write { db in
            let kept = try #require(try Decision.fetchOne(db, sql: "SELECT * FROM decision WHERE id = ?", arguments: [old.uuidString], keys: nil))
            #expect(kept.application == application && kept.amount == Money(yuan: 520) && kept.stopPayment == nil)
            let columns = try db.columns(in: "decision")
            #expect(columns.first { $0.name == "application" }?.isNotNull == false)
            #expect(columns.contains { $0.name == "stopPayment" })
            #expect(try db.indexes(on: "decision").contains { $0.columns == ["application"] })

            let stop = Decision(id: UUID(), application: nil, outcome: .approved, reason: "因病去世", decidedBy: "周镇长", role: .townApprover,
                                org: try OrgCode("511011101"), date: try Day(iso: "2027-01-20"),
                                stopPayment: StopPayment(household: UUID(), member: UUID(), enrolments: [UUID()],
                                                         lastMonth: try YearMonth(iso: "2027-01"), ground: .death,
                                                         dateOfDeath: try Day(iso: "2027-01-14")))
            try SealedRow(record: stop, keys: nil).insert(db)
            #expect(try Decision.fetchOne(db, sql: "SELECT * FROM decision WHERE id = ?", arguments: [stop.id.uuidString], keys: nil) == stop)
        }
    }
}
