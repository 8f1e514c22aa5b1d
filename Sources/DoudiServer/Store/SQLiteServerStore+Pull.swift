import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension SQLiteServerStore {
    /// One row of the change feed: a record or a conflict and the sequence that wrote it.
    private struct FeedRow {
        var sequence: Int64
        var size: Int
        var body: String
    }

    /// What changed in `scope` after `after`, oldest first, cut at whole server sequences.
    ///
    /// A page holds whole sequences while it stays within `limit` rows and `maxBytes`
    /// (records and conflicts counted together, bytes as stored JSON); the first
    /// sequence is always taken whole, however big, so a pull always moves on. The
    /// cursor is the last sequence taken; when nothing more is waiting it is the
    /// current server sequence (read in the same snapshot), so the next pull starts
    /// where this one ended and skips sequences outside the scope.
    static func pull(_ db: Database, scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) throws -> PullResponse {
        let page = try pullPage(db, scope: scope, after: after, limit: limit, maxBytes: maxBytes)
        return PullResponse(records: try page.records.map(StoredRecords.decodeRecord), conflicts: try page.conflicts.map(StoredRecords.decodeConflict),
                            cursor: page.cursor, hasMore: page.hasMore)
    }

    /// The same page as ``pull(_:scope:after:limit:maxBytes:)``, as the JSON of a ``PullResponse``
    /// (keys sorted), spliced from the stored bodies without decoding them: the stored body of a
    /// record or conflict *is* its wire form (``RecordFields/canonicalJSON(_:)``).
    static func pullJSON(_ db: Database, scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) throws -> PullPageJSON {
        let page = try pullPage(db, scope: scope, after: after, limit: limit, maxBytes: maxBytes)
        var out = Data()
        out.reserveCapacity(page.bytes + 64)
        func append(_ bodies: [String]) {
            out.append(UInt8(ascii: "["))
            for (i, body) in bodies.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: body.utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: #"{"conflicts":"#.utf8)
        append(page.conflicts)
        out.append(contentsOf: #","cursor":\#(page.cursor),"hasMore":\#(page.hasMore),"records":"#.utf8)
        append(page.records)
        out.append(UInt8(ascii: "}"))
        return PullPageJSON(json: out, records: page.records.count, conflicts: page.conflicts.count, cursor: page.cursor, hasMore: page.hasMore)
    }

    /// A page of the change feed: stored bodies, cut at whole server sequences.
    struct Page {
        var records: [String] = []
        var conflicts: [String] = []
        var cursor: Int64
        var hasMore = false
        var bytes = 0
    }

    static func pullPage(_ db: Database, scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) throws -> Page {
        let current = try StoredRecords.serverSequence(db)
        guard after <= current else {
            throw ServerError(.badParameter, "cursor \(after) is ahead of this server (at \(current)): the server was probably restored from a backup; pull again from 0")
        }
        let records = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT serverSequence, size, body FROM record
            WHERE serverSequence > ?
              AND (\(StoredRecords.within("village")) OR (entity = 'policyVersion' AND substr(?, 1, length(village)) = village))
            ORDER BY serverSequence
            """), arguments: [after] + StoredRecords.withinArguments(scope) + [scope.value])
        let conflicts = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT serverSequence, size, body FROM conflict
            WHERE serverSequence > ? AND \(StoredRecords.within("village"))
            ORDER BY serverSequence
            """), arguments: [after] + StoredRecords.withinArguments(scope))
        func next(_ cursor: RowCursor) throws -> FeedRow? {
            try cursor.next().map { FeedRow(sequence: $0[0], size: $0[1], body: $0[2]) }
        }
        var nextRecord = try next(records), nextConflict = try next(conflicts)
        var page = Page(cursor: after)
        var count = 0
        while let sequence = [nextRecord?.sequence, nextConflict?.sequence].compactMap({ $0 }).min() {
            var groupRecords: [String] = [], groupConflicts: [String] = [], groupBytes = 0
            while let row = nextRecord, row.sequence == sequence {
                groupRecords.append(row.body); groupBytes += row.size
                nextRecord = try next(records)
            }
            while let row = nextConflict, row.sequence == sequence {
                groupConflicts.append(row.body); groupBytes += row.size
                nextConflict = try next(conflicts)
            }
            let groupCount = groupRecords.count + groupConflicts.count
            if count > 0, count + groupCount > limit || page.bytes + groupBytes > maxBytes {
                page.hasMore = true
                break
            }
            page.records += groupRecords
            page.conflicts += groupConflicts
            count += groupCount; page.bytes += groupBytes
            page.cursor = sequence
            if count >= limit || page.bytes >= maxBytes {
                page.hasMore = nextRecord != nil || nextConflict != nil
                break
            }
        }
        if !page.hasMore { page.cursor = max(page.cursor, current) }
        return page
    }
}
