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
        let table = r.entity.rawValue
        let row = try PulledRow(r, table: table, db)
        do {
            try row.upsert(db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && r.entity == .member {
            // a local registration the server refused holds the same ID number: the server's record stands
            guard case .string(let number) = r.fields["residentID"]?.value ?? .null else { throw error }
            try db.execute(sql: "UPDATE member SET voidReason = ? WHERE residentID = ? AND id != ? AND voidReason IS NULL",
                           arguments: ["同步：该身份证号已由服务器登记在成员 \(r.record.uuidString.prefix(8)) 下", number, r.record.uuidString])
            try row.upsert(db)
        }
        guard r.entity != .policyVersion else { return }
        try writeStamps(r, db)
        if let id = r.changeSet,
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM history WHERE record = ? AND changeSet = ?"), arguments: [r.record.uuidString, id.uuidString]) == true {
            return // this device's own change coming back: its history is already here
        }
        let author = r.author ?? Actor(user: "(服务器)", role: .auditor, org: r.village)
        let operation = row.existed ? (r.isVoided ? "void" : "update") : "create"
        try db.cachedStatement(sql: """
            INSERT INTO history(entity, record, operation, changeSet, author, stamp, "values") VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [table, r.record.uuidString, operation, (r.changeSet ?? UUID()).uuidString, author.jsonValue.canonicalText,
                                     (r.fields.values.map(\.stamp).max() ?? HLCStamp(wallMillis: 0, counter: 0, node: "server")).text,
                                     JSONValue.object(r.values).canonicalText])
    }

    /// The record's field stamps, compactly: the stamp most fields carry as the record's `*` row,
    /// and a row for each field whose stamp differs (``ChangeRecorder`` reads a field's own row
    /// first, then `*`).
    private func writeStamps(_ r: RecordVersion, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM fieldStamp WHERE record = ?").execute(arguments: [r.record.uuidString])
        var counts: [HLCStamp: Int] = [:]
        for v in r.fields.values { counts[v.stamp, default: 0] += 1 }
        guard let common = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO fieldStamp(entity, record, field, stamp) VALUES (?, ?, ?, ?)")
        try insert.execute(arguments: [r.entity.rawValue, r.record.uuidString, "*", common.text])
        for (name, version) in r.fields where version.stamp != common {
            try insert.execute(arguments: [r.entity.rawValue, r.record.uuidString, name, version.stamp.text])
        }
    }
}

/// A pulled record written straight into its table: each top-level field is a column (the
/// same row the model's `Codable` form makes), nested values as canonical JSON text, a field
/// the record does not carry as NULL. No `Codable` round trip: the server validated the
/// record with DoudiModel before storing it, and the table's constraints still hold.
private struct PulledRow {
    let table: String
    let columns: [String]
    let values: [DatabaseValue]
    let keyColumn: String
    let existed: Bool

    init(_ r: RecordVersion, table: String, _ db: Database) throws {
        self.table = table
        let all = try db.columns(in: table).map(\.name)
        keyColumn = r.entity == .workflow ? "application" : "id"
        var values: [DatabaseValue] = []
        values.reserveCapacity(all.count)
        var used = 0
        for column in all {
            guard let field = r.fields[column] else { values.append(.null); continue }
            used += 1
            switch field.value {
            case .null: values.append(.null)
            case .bool(let b): values.append((b ? 1 : 0).databaseValue)
            case .int(let i): values.append(i.databaseValue)
            case .string(let s): values.append(s.databaseValue)
            case .array, .object: values.append(field.value.canonicalText.databaseValue)
            }
        }
        guard used == r.fields.count else {
            let unknown = Set(r.fields.keys).subtracting(all).sorted()
            throw FieldError(.validation, "\(r.entity.rawValue) \(r.record) from the server cannot be read: \(unknown.joined(separator: ", ")) not known here; update doudi")
        }
        columns = all
        self.values = values
        let key: DatabaseValue = r.entity == .policyVersion ? (values[all.firstIndex(of: "id") ?? 0]) : r.record.uuidString.databaseValue
        existed = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM \"\(table)\" WHERE \(keyColumn) = ?"), arguments: [key]) ?? false
    }

    func upsert(_ db: Database) throws {
        let names = columns.map { "\"\($0)\"" }
        let updates = columns.filter { $0 != keyColumn }.map { "\"\($0)\" = excluded.\"\($0)\"" }
        let sql = "INSERT INTO \"\(table)\"(\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
            + " ON CONFLICT(\(keyColumn)) DO UPDATE SET \(updates.joined(separator: ", "))"
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
    }
}
