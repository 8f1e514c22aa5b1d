import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension FieldStore {
    /// Applies one pulled page in one transaction: the records as the server holds them,
    /// the conflicts, the new cursor, and the clock moved past every stamp seen. An
    /// interrupted sync resumes from the last page applied.
    func apply(_ page: PullResponse) throws {
        try database.writer.write { db in
            let order: [EntityKind] = [.policyVersion, .household, .member, .obligor, .application, .workflow, .visit, .survey,
                                       .decision, .enrolment, .payment, .reserveFundEntry]
            // each record is the server's latest version: parents first, then by sequence
            let records = page.records.sorted {
                (order.firstIndex(of: $0.entity)!, $0.serverSequence) < (order.firstIndex(of: $1.entity)!, $1.serverSequence)
            }
            var latest: HLCStamp?
            for r in records {
                try applyRecord(r, db)
                if let m = r.fields.values.map(\.stamp).max(), latest.map({ m > $0 }) ?? true { latest = m }
            }
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO conflict(id, kind, record, resolved, serverSequence, body) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved, serverSequence = excluded.serverSequence, body = excluded.body
                """)
            for c in page.conflicts {
                try upsert.execute(arguments: [c.id.uuidString, c.kind.rawValue, c.record.uuidString, c.resolution != nil, page.cursor,
                                               try RecordFields.value(of: c).canonicalText])
            }
            try db.execute(sql: "UPDATE syncState SET cursor = ?", arguments: [page.cursor])
            if let latest, var device = try Device.fetchOne(db) {
                var clock = HybridLogicalClock(last: HLCStamp(text: device.clock) ?? latest, maxDriftMillis: .max / 4)
                try? clock.receive(latest, now: now())
                device.clock = clock.last.text
                try device.update(db)
            }
        }
    }

    private func applyRecord(_ r: RecordVersion, _ db: Database) throws {
        switch r.entity {
        case .policyVersion:
            do { try RecordFields.record(PolicyVersion.self, from: r.values).save(db) } catch {
                throw FieldError(.validation, "policy version \(r.record) from the server cannot be read: \(error)")
            }
            return
        case .household: try save(Household.self, r, db)
        case .member: try save(Member.self, r, db)
        case .obligor: try save(SupportObligor.self, r, db)
        case .visit: try save(Visit.self, r, db)
        case .survey: try save(Survey.self, r, db)
        case .application: try save(Application.self, r, db)
        case .workflow: try save(ApplicationWorkflow.self, r, db)
        case .decision: try save(Decision.self, r, db)
        case .enrolment: try save(Enrolment.self, r, db)
        case .payment: try save(Payment.self, r, db)
        case .reserveFundEntry: try save(ReserveFundEntry.self, r, db)
        }
    }

    private func save<R: StoredRecord>(_ type: R.Type, _ r: RecordVersion, _ db: Database) throws {
        var values = r.values
        let voidReason: String? = if case .string(let s) = values.removeValue(forKey: "voidReason") ?? .null { s } else { nil }
        let record: R
        do { record = try RecordFields.record(R.self, from: values) } catch {
            throw FieldError(.validation, "\(r.entity.rawValue) \(r.record) from the server cannot be read: \(error)")
        }
        let existed = try R.exists(db, id: r.record)
        let row = VoidableRow(record: record, voidReason: voidReason)
        do {
            try row.save(db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && R.entity == .member {
            // a local registration the server refused holds the same ID number: the server's record stands
            guard case .string(let number) = values["residentID"] ?? .null else { throw error }
            try db.execute(sql: "UPDATE member SET voidReason = ? WHERE residentID = ? AND id != ? AND voidReason IS NULL",
                           arguments: ["同步：该身份证号已由服务器登记在成员 \(r.record.uuidString.prefix(8)) 下", number, r.record.uuidString])
            try row.save(db)
        }
        try db.execute(sql: "DELETE FROM fieldStamp WHERE record = ?", arguments: [r.record.uuidString])
        let stamp = try db.cachedStatement(sql: "INSERT INTO fieldStamp(entity, record, field, stamp) VALUES (?, ?, ?, ?)")
        for (name, version) in r.fields { try stamp.execute(arguments: [r.entity.rawValue, r.record.uuidString, name, version.stamp.text]) }
        if let id = r.changeSet,
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM history WHERE record = ? AND changeSet = ?"), arguments: [r.record.uuidString, id.uuidString]) == true {
            return // this device's own change coming back: its history is already here
        }
        let author = r.author ?? Actor(user: "(服务器)", role: .auditor, org: r.village)
        let changed = JSONValue.object(r.values)
        try db.execute(sql: """
            INSERT INTO history(entity, record, operation, changeSet, author, stamp, "values") VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.entity.rawValue, r.record.uuidString, existed ? (voidReason != nil ? "void" : "update") : "create",
                             (r.changeSet ?? UUID()).uuidString, author.jsonValue.canonicalText,
                             (r.fields.values.map(\.stamp).max() ?? HLCStamp(wallMillis: 0, counter: 0, node: "server")).text, changed.canonicalText])
    }
}
