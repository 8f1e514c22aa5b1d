import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension FieldStore {
    /// Applies one pulled page in one transaction: the records that left the scope removed
    /// (``removeDeparted(_:holding:_:)``), the records as the server holds them, the conflicts,
    /// the new cursor, and the clock moved past every stamp seen. An interrupted sync resumes
    /// from the last page applied.
    ///
    /// What arrives in plaintext (inside TLS) is sealed here: sensitive fields in their
    /// columns, history values and conflict bodies whole.
    ///
    /// A reply bundle's pages (§15.5) may arrive days after the bundle left, with edits made
    /// since: records in `held` (those pending change sets of this laptop touch) are left as
    /// they are here, and the cursor is not moved (the caller sets it, short of the first
    /// record held, so that it comes again once the edits are pushed).
    ///
    /// - Returns: the lowest server sequence of a record held back, if any.
    /// - Throws: ``FieldError/locked`` while the store is locked.
    @discardableResult
    func apply(_ page: PullResponse, holding held: Set<UUID> = [], movingCursor: Bool = true) throws -> Int64? {
        let keys = try requireKeys()
        return try database.writer.write { db in try apply(page, holding: held, movingCursor: movingCursor, keys: keys, db) }
    }

    /// ``apply(_:holding:movingCursor:)`` inside a transaction of the caller's.
    func apply(_ page: PullResponse, holding held: Set<UUID>, movingCursor: Bool, keys: StoreKeys, _ db: Database) throws -> Int64? {
        do {
            let order: [EntityKind] = [.policyVersion, .specialPeriod, .socialOrganisation, .aidProject, .volunteer, .villageNeed, .household, .member, .obligor, .application, .workflow, .visit, .survey,
                                       .decision, .enrolment, .payment, .bankReturn, .reserveFundEntry]
            // each record is the server's latest version: parents first, then by sequence
            let records = page.records.sorted {
                // a kind this list does not name yet goes last (the writer refuses what it cannot store, with a message)
                (order.firstIndex(of: $0.entity) ?? order.count, $0.serverSequence) < (order.firstIndex(of: $1.entity) ?? order.count, $1.serverSequence)
            }
            // what left the scope goes first: a record in this page came back later than it left (SPEC §9.7)
            try removeDeparted(page.departures, holding: held, returning: page.records, db)
            var latest: HLCStamp?
            var writer = PulledRecordWriter(keys: keys)
            var heldBack: Int64?
            for r in records {
                if held.contains(r.record) {
                    heldBack = min(heldBack ?? r.serverSequence, r.serverSequence)
                    continue
                }
                try writer.apply(r, db)
                if let m = r.fields.values.map(\.stamp).max(), latest.map({ m > $0 }) ?? true { latest = m }
            }
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO conflict(id, kind, record, resolved, serverSequence, body) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved, serverSequence = excluded.serverSequence, body = excluded.body
                """)
            for c in page.conflicts {
                try upsert.execute(arguments: [c.id.uuidString, c.kind.rawValue, c.record.uuidString, c.resolution != nil, page.cursor,
                                               keys.seal(try RecordFields.value(of: c).canonicalText, blob: .conflictBody)])
            }
            if movingCursor { try db.execute(sql: "UPDATE syncState SET cursor = ?", arguments: [page.cursor]) }
            if let latest, var device = try Device.fetchOne(db) {
                var clock = HybridLogicalClock(last: HLCStamp(text: device.clock) ?? latest, maxDriftMillis: .max / 4)
                try? clock.receive(latest, now: now())
                device.clock = clock.last.text
                try device.update(db)
            }
            return heldBack
        }
    }
}

/// Writes pulled records straight into their tables: each top-level field is a column (the
/// same row the model's `Codable` form makes), nested values as canonical JSON text, a field
/// the record does not carry as NULL. No `Codable` round trip: the server validated the
/// record with DoudiModel before storing it, and the tables' constraints still hold. With
/// each record go its field stamps, and a history row when it is a new version of a record this
/// laptop held already: a record new here (all of an initial sync) was only received, and its
/// history is the server's (`doudi history` says so). One writer serves one page.
///
/// Sensitive fields are sealed into their columns (a field the record does not carry is
/// sealed as `null`), a member's keyed person index is written beside them, and the history
/// row's values are sealed whole.
private struct PulledRecordWriter {
    /// A table's columns and statements, read once per page.
    struct Shape {
        var columns: [String]
        var keyColumn: String
        var keyIndex: Int
        var insert: String
        var update: String
        /// Indexes of the sealed columns, with their fields.
        var sealed: [(index: Int, field: SealedField)]
        /// Index of the person-index column (members).
        var personIndex: Int?
        /// Index of the ID-tail search column (members).
        var idTail: Int?
    }

    let keys: StoreKeys
    var shapes: [String: Shape] = [:]
    var authors: [Actor: String] = [:]

    init(keys: StoreKeys) { self.keys = keys }

    mutating func shape(_ entity: EntityKind, _ db: Database) throws -> Shape {
        if let known = shapes[entity.rawValue] { return known }
        let table = entity.rawValue
        let columns = try db.columns(in: table).map(\.name)
        let key = entity == .workflow ? "application" : "id"
        let quoted = columns.map { "\"\($0)\"" }
        let sealed = SealedField.names(of: entity).compactMap { name in columns.firstIndex(of: name).map { (index: $0, field: SealedField(entity, name)) } }
        let shape = Shape(
            columns: columns, keyColumn: key, keyIndex: columns.firstIndex(of: key) ?? 0,
            insert: "INSERT OR IGNORE INTO \"\(table)\"(\(quoted.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
            update: "UPDATE \"\(table)\" SET \(quoted.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(key) = ?",
            sealed: sealed, personIndex: entity == .member ? columns.firstIndex(of: PersonIndex.column) : nil,
            idTail: entity == .member ? columns.firstIndex(of: FieldDatabase.idTailColumn) : nil)
        shapes[table] = shape
        return shape
    }

    mutating func apply(_ r: RecordVersion, _ db: Database) throws {
        let shape = try shape(r.entity, db)
        var values: [DatabaseValue] = []
        values.reserveCapacity(shape.columns.count + 1)
        var used = 0
        for column in shape.columns {
            guard let field = r.fields[column] else { values.append(.null); continue }
            used += 1
            values.append(field.value.columnValue)
        }
        // the person index and the ID tail are the store's columns, not fields: a record naming one is refused
        let storeColumns = [PersonIndex.column, FieldDatabase.idTailColumn].filter { r.fields[$0] != nil }
        guard used == r.fields.count, storeColumns.isEmpty else {
            let unknown = Set(r.fields.keys).subtracting(shape.columns).union(storeColumns).sorted()
            throw FieldError(.validation, "\(r.entity.rawValue) \(r.record) from the server cannot be read: \(unknown.joined(separator: ", ")) not known here; update doudi")
        }
        var personIndex: String?
        if let index = shape.personIndex, case .string(let number) = r.fields["residentID"]?.value ?? .null {
            personIndex = keys.personIndex(number)
            values[index] = personIndex.databaseValue
            if let tail = shape.idTail { values[tail] = keys.searchTail(number).databaseValue }
        }
        for (index, field) in shape.sealed {
            values[index] = keys.seal(r.fields[field.name]?.value ?? .null, field: field).databaseValue
        }
        let key = values[shape.keyIndex]
        // insert if new; else update by key. Neither writes when another row holds the same
        // resident ID number: a local registration the server refused — the server's record stands
        try db.cachedStatement(sql: shape.insert).execute(arguments: StatementArguments(columns: values))
        var existed = false
        if db.changesCount == 0 {
            existed = true
            try update(shape, values, key, db)
            if db.changesCount == 0 {
                guard r.entity == .member, let personIndex else {
                    throw FieldError(.validation, "\(r.entity.rawValue) \(r.record) from the server could not be written")
                }
                try db.execute(sql: "UPDATE member SET voidReason = ? WHERE personIndex = ? AND id != ? AND voidReason IS NULL",
                               arguments: ["同步：该身份证号已由服务器登记在成员 \(r.record.uuidString.prefix(8)) 下", personIndex, r.record.uuidString])
                try update(shape, values, key, db)
                if db.changesCount == 0 {
                    try db.cachedStatement(sql: shape.insert).execute(arguments: StatementArguments(columns: values))
                    existed = false
                }
            }
        }
        guard r.entity != .policyVersion else { return }
        try writeStamps(r, replacing: existed, db)
        // only received: no history row (half the writes of an initial sync)
        guard existed else { return }
        if let id = r.changeSet,
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM history WHERE record = ? AND changeSet = ?"), arguments: [r.record.uuidString, id.uuidString]) == true {
            return // this device's own change coming back: its history is already here
        }
        let author = r.author ?? Actor(user: "(服务器)", role: .auditor, org: r.village)
        let authorText: String
        if let known = authors[author] { authorText = known } else { authorText = author.jsonValue.canonicalText; authors[author] = authorText }
        try db.cachedStatement(sql: """
            INSERT INTO history(entity, record, operation, changeSet, author, stamp, "values") VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [r.entity.rawValue, r.record.uuidString, r.isVoided ? "void" : "update",
                                     (r.changeSet ?? UUID()).uuidString, authorText,
                                     (r.fields.values.map(\.stamp).max() ?? HLCStamp(wallMillis: 0, counter: 0, node: "server")).text,
                                     keys.seal(JSONValue.object(r.values).canonicalText, blob: .historyValues)])
    }

    private func update(_ shape: Shape, _ values: [DatabaseValue], _ key: DatabaseValue, _ db: Database) throws {
        do {
            try db.cachedStatement(sql: shape.update).execute(arguments: StatementArguments(columns: values + [key]))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return // reported to the caller as no change: the unique clash is handled there
        }
    }

    /// The record's field stamps, compactly: the stamp most fields carry as the record's `*` row,
    /// and a row for each field whose stamp differs (``ChangeRecorder`` reads a field's own row
    /// first, then `*`).
    private func writeStamps(_ r: RecordVersion, replacing: Bool, _ db: Database) throws {
        if replacing {
            try db.cachedStatement(sql: "DELETE FROM fieldStamp WHERE entity = ? AND record = ?").execute(arguments: [r.entity.rawValue, r.record.uuidString])
        }
        guard let common = r.commonStamp else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO fieldStamp(entity, record, field, stamp) VALUES (?, ?, ?, ?)")
        try insert.execute(arguments: [r.entity.rawValue, r.record.uuidString, "*", common.text])
        for (name, version) in r.fields where version.stamp != common {
            try insert.execute(arguments: [r.entity.rawValue, r.record.uuidString, name, version.stamp.text])
        }
    }
}
