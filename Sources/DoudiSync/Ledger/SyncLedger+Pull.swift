import DoudiModel
import Foundation

/// A page of the change feed as the JSON of a ``PullResponse``, with what the log says of it.
public struct PullPageJSON: Sendable {
    public var json: Data
    public var records: Int
    public var conflicts: Int
    public var cursor: Int64
    public var hasMore: Bool
    /// Records that left the scope (version 2 only).
    public var departures: Int

    public init(json: Data, records: Int, conflicts: Int, cursor: Int64, hasMore: Bool, departures: Int = 0) {
        self.json = json; self.records = records; self.conflicts = conflicts; self.cursor = cursor; self.hasMore = hasMore
        self.departures = departures
    }
}

extension SyncLedger {
    /// What changed in `scope` after the cursor `after`, oldest first, cut at whole server
    /// sequences, as the JSON of a ``PullResponse`` spliced from the stored bodies.
    ///
    /// A page holds whole sequences while it stays within `limit` rows and `maxBytes`
    /// (records and conflicts counted together, bytes as stored JSON); the first sequence
    /// is always taken whole, however big, so a pull always moves on. The cursor is the last
    /// sequence taken; when nothing more is waiting it is the scope's current sequence, so
    /// the next pull starts where this one ended.
    ///
    /// A page of protocol 2 (``RecordVersion/compactJSONValue``, `"protocolVersion": 2`, and
    /// the records that left the scope as `departures` when there are any) unless `version` is 1;
    /// rows stored in the other form are written again on the way out. Version 1 has no
    /// departures: its laptops keep what left (SPEC §9.7).
    ///
    /// - Throws: ``LedgerError`` `bad-parameter` for a cursor ahead of the server.
    public func pull(scope: OrgCode, after: Int64, limit: Int, maxBytes: Int, protocolVersion version: Int = protocolVersion) async throws -> PullPageJSON {
        let page = try await pullPage(scope: scope, after: after, limit: limit, maxBytes: maxBytes)
        var out = Data()
        out.reserveCapacity(page.bytes + 64)
        func append(_ rows: [FeedRow], _ body: (FeedRow) throws -> String) rethrows {
            out.append(UInt8(ascii: "["))
            for (i, row) in rows.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: try body(row).utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: #"{"conflicts":"#.utf8)
        // a conflict shows the reader only what lies in their scope
        try append(page.conflicts) { try StoredJSON.conflictBody($0.body, within: scope) }
        out.append(contentsOf: #","cursor":\#(page.cursor),"#.utf8)
        if version >= 2, !page.departures.isEmpty {
            out.append(contentsOf: #""departures":"#.utf8)
            append(page.departures) { $0.body }
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""hasMore":\#(page.hasMore),"#.utf8)
        if version >= 2 { out.append(contentsOf: #""protocolVersion":\#(version),"#.utf8) }
        out.append(contentsOf: #""records":"#.utf8)
        try append(page.records) { try StoredJSON.recordBody($0.body, forProtocol: version) }
        out.append(UInt8(ascii: "}"))
        return PullPageJSON(json: out, records: page.records.count, conflicts: page.conflicts.count, cursor: page.cursor, hasMore: page.hasMore,
                            departures: version >= 2 ? page.departures.count : 0)
    }

    /// The same page decoded.
    public func pullResponse(scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) async throws -> PullResponse {
        let page = try await pullPage(scope: scope, after: after, limit: limit, maxBytes: maxBytes)
        return PullResponse(records: try page.records.map { try StoredJSON.record($0.body) },
                            conflicts: try page.conflicts.map { try StoredJSON.conflict($0.body).visible(within: scope) },
                            cursor: page.cursor, hasMore: page.hasMore,
                            departures: try page.departures.map { try DepartedRecord(wire: JSONValue.parse(Data($0.body.utf8))) })
    }

    struct Page {
        var records: [FeedRow] = []
        var conflicts: [FeedRow] = []
        var departures: [FeedRow] = []
        var cursor: Int64
        var hasMore = false
        var bytes = 0
    }

    func pullPage(scope: OrgCode, after: Int64, limit requested: Int, maxBytes: Int) async throws -> Page {
        let limit = min(max(requested, 1), 1_000_000)
        let batch = try await storage.feed(scope: scope, after: after, through: nil, limit: limit + 1)
        guard after <= batch.current else {
            throw LedgerError(.badParameter, "cursor \(after) is ahead of this server (at \(batch.current)): the server was probably restored from a backup; pull again from 0")
        }
        let exhausted = batch.rows.count <= limit
        var groups: [[FeedRow]] = []
        for row in batch.rows {
            if let last = groups.last?.last, last.sequence == row.sequence { groups[groups.count - 1].append(row) } else { groups.append([row]) }
        }
        var page = Page(cursor: after)
        var count = 0
        for (i, fetched) in groups.enumerated() {
            var group = fetched
            let complete = i < groups.count - 1 || exhausted
            if !complete {
                guard count == 0 else { page.hasMore = true; break }
                // the first sequence is taken whole, however big
                let sequence = group[0].sequence
                group = try await storage.feed(scope: scope, after: sequence - 1, through: sequence, limit: Int.max).rows
            }
            let groupBytes = group.reduce(0) { $0 + $1.body.utf8.count }
            if count > 0, count + group.count > limit || page.bytes + groupBytes > maxBytes {
                page.hasMore = true; break
            }
            for row in group {
                switch row.kind {
                case .record: page.records.append(row)
                case .conflict: page.conflicts.append(row)
                case .departure: page.departures.append(row)
                }
            }
            count += group.count; page.bytes += groupBytes
            page.cursor = group[0].sequence
            if !complete {
                // the first sequence, fetched whole: is anything waiting after it?
                page.hasMore = try await !storage.feed(scope: scope, after: page.cursor, through: nil, limit: 1).rows.isEmpty
                break
            }
            if count >= limit || page.bytes >= maxBytes {
                page.hasMore = i < groups.count - 1 || !exhausted
                break
            }
        }
        if !page.hasMore { page.cursor = max(page.cursor, batch.current) }
        return page
    }
}
