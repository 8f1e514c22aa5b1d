import DoudiModel
import DoudiSync
import Foundation
import PostgresNIO

extension PostgresServerStore {
    /// Feed rows of `scope` after `after` (up to `through`), oldest first, with the
    /// district's current sequence, all read by one statement (one snapshot).
    ///
    /// Each part (records, conflicts, departures) takes its first `limit` rows in feed order from the
    /// `(district, server_sequence)` index, and the union is cut to `limit` again: the first
    /// `limit` of the whole feed are among them. Rows of one sequence come records first,
    /// then conflicts, each by id.
    public func feed(scope: OrgCode, after: Int64, through: Int64?, limit: Int) async throws -> FeedBatch {
        let bounds = scope.subtreeBounds
        let district = scope.district.value
        let through = through ?? Int64.max
        let limit = Int64(clamping: max(0, limit))
        let lineage = scope.lineage.map(\.value)
        let policy = EntityKind.districtKinds.map(\.rawValue)
        let rows = try await rows("""
            WITH page AS (
                (SELECT 0 AS kind, server_sequence, id, entity, body FROM record
                 WHERE district = \(district) AND server_sequence > \(after) AND server_sequence <= \(through)
                   AND ((village >= \(bounds.lower) AND village < \(bounds.upper)) OR (entity = ANY(\(policy)::text[]) AND village = ANY(\(lineage)::text[])))
                 ORDER BY server_sequence, id, entity LIMIT \(limit))
                UNION ALL
                (SELECT 1 AS kind, server_sequence, id, entity, body FROM conflict
                 WHERE district = \(district) AND server_sequence > \(after) AND server_sequence <= \(through)
                   AND village >= \(bounds.lower) AND village < \(bounds.upper)
                 ORDER BY server_sequence, id LIMIT \(limit))
                UNION ALL
                (SELECT 2 AS kind, server_sequence, id, entity,
                        json_build_object('entity', entity, 'record', upper(id::text))::text AS body FROM departure
                 WHERE district = \(district) AND server_sequence > \(after) AND server_sequence <= \(through)
                   AND from_village >= \(bounds.lower) AND from_village < \(bounds.upper)
                   AND NOT (to_village >= \(bounds.lower) AND to_village < \(bounds.upper))
                 ORDER BY server_sequence, id, entity LIMIT \(limit))
                ORDER BY server_sequence, kind, id, entity LIMIT \(limit)
            )
            SELECT COALESCE((SELECT value FROM district_sequence WHERE district = \(district)), 0)::bigint,
                   page.kind, page.server_sequence, page.body
            FROM (SELECT 1) AS one LEFT JOIN page ON true
            ORDER BY page.server_sequence, page.kind, page.id, page.entity
            """, "reading the feed of \(scope) after \(after)")
        var current: Int64 = 0
        var feed: [FeedRow] = []
        feed.reserveCapacity(rows.count)
        for row in rows {
            let (value, kind, sequence, body) = try Self.decode(row, (Int64, Int32?, Int64?, String?).self, "a feed row")
            current = value
            guard let kind, let sequence, let body else { continue }  // the row of an empty page
            switch kind {
            case 0: feed.append(FeedRow(kind: .record, sequence: sequence, body: body))
            case 1: feed.append(FeedRow(kind: .conflict, sequence: sequence, body: body))
            default:
                // written canonically here, as every feed body is (json_build_object spaces its text)
                let departed = try DepartedRecord(wire: JSONValue.parse(Data(body.utf8)))
                feed.append(FeedRow(kind: .departure, sequence: sequence, body: departed.jsonValue.canonicalText))
            }
        }
        return FeedBatch(rows: feed, current: current)
    }

    public func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord] {
        let bounds = scope.subtreeBounds
        let limit = Int64(clamping: max(0, limit))
        return try await rows("""
            SELECT body FROM conflict
            WHERE village >= \(bounds.lower) AND village < \(bounds.upper) AND (\(includeResolved) OR NOT resolved)
            ORDER BY server_sequence, id LIMIT \(limit)
            """, "reading the conflicts of \(scope)").map { row in
            try StoredJSON.conflict(try Self.decode(row, String.self, "a conflict"))
        }
    }
}
