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
        let current = try StoredRecords.serverSequence(db)
        guard after <= current else {
            throw ServerError(.badParameter, "cursor \(after) is ahead of this server (at \(current)): the server was probably restored from a backup; pull again from 0")
        }
        let records = try Row.fetchCursor(db, sql: """
            SELECT serverSequence, size, body FROM record
            WHERE serverSequence > ?
              AND (\(StoredRecords.within("village")) OR (entity = 'policyVersion' AND substr(?, 1, length(village)) = village))
            ORDER BY serverSequence
            """, arguments: [after] + StoredRecords.withinArguments(scope) + [scope.value])
        let conflicts = try Row.fetchCursor(db, sql: """
            SELECT serverSequence, size, body FROM conflict
            WHERE serverSequence > ? AND \(StoredRecords.within("village"))
            ORDER BY serverSequence
            """, arguments: [after] + StoredRecords.withinArguments(scope))
        func next(_ cursor: RowCursor) throws -> FeedRow? {
            try cursor.next().map { FeedRow(sequence: $0["serverSequence"], size: $0["size"], body: $0["body"]) }
        }
        var nextRecord = try next(records), nextConflict = try next(conflicts)
        var page = PullResponse(records: [], conflicts: [], cursor: after, hasMore: false)
        var count = 0, bytes = 0
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
            if count > 0, count + groupCount > limit || bytes + groupBytes > maxBytes {
                page.hasMore = true
                break
            }
            page.records += try groupRecords.map(StoredRecords.decodeRecord)
            page.conflicts += try groupConflicts.map(StoredRecords.decodeConflict)
            count += groupCount; bytes += groupBytes
            page.cursor = sequence
            if count >= limit || bytes >= maxBytes {
                page.hasMore = nextRecord != nil || nextConflict != nil
                break
            }
        }
        if !page.hasMore { page.cursor = max(page.cursor, current) }
        return page
    }
}
