import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

/// Protocol 2's pull page (SPEC §9.6): each record's most common stamp once, the exceptions beside
/// it. The same record as protocol 1's form, read by the same reader, stored by the server in this
/// form and written again for a client of version 1.
@Suite("Protocol 2: the compact record version of a pull page")
struct CompactPullTests {
    static let village = try! OrgCode("511011101201")

    /// A record with `count` fields whose stamps come from a pool of `distinct`, from `seed`.
    static func record(seed: UInt64, count: Int, distinct: Int) -> RecordVersion {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: Int) -> Int { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return Int(state % UInt64(n)) }
        let pool = (0..<distinct).map { HLCStamp(wallMillis: 1_593_561_600_000 + Int64($0) * 1000, counter: Int32($0 % 3), node: "dev-\($0 % 2)") }
        let values: [JSONValue] = [.string("五星村3组12号"), .int(-7), .bool(true), .null, .array([.string("illness")]),
                                   .object(["fields": .string(#"","fields":{"x"#), "entity": .string(#""entity":"a""#)])]
        var fields: [String: FieldVersion] = ["id": FieldVersion(value: .string(UUID().uuidString), stamp: pool[next(distinct)])]
        for i in 0..<count { fields["f\(i)"] = FieldVersion(value: values[next(values.count)], stamp: pool[next(distinct)]) }
        return RecordVersion(entity: .household, record: UUID(), village: village, household: seed % 2 == 0 ? UUID() : nil, fields: fields,
                             serverSequence: Int64(seed) + 1,
                             author: seed % 3 == 0 ? nil : Actor(user: #"wu"xing","fields":{"#, role: .collector, org: village),
                             changeSet: seed % 3 == 0 ? nil : UUID())
    }

    @Test("Both forms read back to the same record; stamp is the most common, stamps only the others", arguments: 0..<200)
    func roundTrip(seed: UInt64) throws {
        let r = Self.record(seed: seed, count: Int(seed % 23), distinct: Int(seed % 4) + 1)
        let compact = r.compactJSONValue
        #expect(try RecordVersion(wire: compact) == r)
        #expect(try RecordVersion(wire: r.jsonValue) == r)
        #expect(try RecordVersion(wire: JSONValue.parse(Data(compact.canonicalText.utf8))) == r)
        guard case .object(let o) = compact, let stamp = HLCStamp(wire: o["stamp"] ?? .null) else {
            Issue.record("no stamp in \(compact.canonicalText)")
            return
        }
        let counts = Dictionary(grouping: r.fields.values, by: \.stamp).mapValues(\.count)
        #expect(counts[stamp] == counts.values.max())
        // on a tie the earliest of the most common
        #expect(stamp == counts.filter { $0.value == counts.values.max() }.keys.min())
        if case .object(let exceptions)? = o["stamps"] {
            #expect(!exceptions.isEmpty)
            for (name, s) in exceptions { #expect(HLCStamp(wire: s) == r.fields[name]?.stamp && HLCStamp(wire: s) != stamp) }
        }
        #expect(r.fields.filter { $0.value.stamp != stamp }.count == { if case .object(let e)? = o["stamps"] { e.count } else { 0 } }())
    }

    @Test("A stored body is served in the form the client speaks, whichever form it was stored in", arguments: 0..<60)
    func storedBodies(seed: UInt64) throws {
        let r = Self.record(seed: seed, count: 12, distinct: 3)
        let v1 = r.jsonValue.canonicalText, v2 = r.compactJSONValue.canonicalText
        #expect(StoredJSON.isCompact(v1) == false && StoredJSON.isCompact(v2) == true)
        // not canonical: told by reading it
        let spaced = v1.replacingOccurrences(of: #","fields":"#, with: #", "fields":"#)
        #expect(try StoredJSON.isCompact(spaced) == nil && StoredJSON.recordBody(spaced, forProtocol: 2) == v2)
        #expect(try StoredJSON.recordBody(v1, forProtocol: 2) == v2)
        #expect(try StoredJSON.recordBody(v2, forProtocol: 1) == v1)
        #expect(try StoredJSON.recordBody(v1, forProtocol: 1) == v1)
        #expect(try StoredJSON.recordBody(v2, forProtocol: 2) == v2)
        #expect(try StoredJSON.record(v1) == r && StoredJSON.record(v2) == r)
        #expect(StoredRecordRow(r).body == v2)
    }

    @Test("The compact form is about half the bytes of protocol 1's for a record of one stamp")
    func smaller() {
        let r = Self.record(seed: 4, count: 20, distinct: 1)
        let v1 = r.jsonValue.canonicalText.utf8.count, v2 = r.compactJSONValue.canonicalText.utf8.count
        #expect(v2 * 2 < v1, "protocol 1: \(v1) bytes, protocol 2: \(v2)")
    }

    @Test("A malformed compact record or a page of a newer version is refused, naming what is wrong")
    func refusals() throws {
        let r = Self.record(seed: 7, count: 5, distinct: 2)
        guard case .object(var o) = r.compactJSONValue else { return }
        var missing = o
        missing["stamp"] = nil
        #expect { try RecordVersion(wire: .object(missing)) } throws: { "\($0)".contains("stamp") }
        var stray = o
        stray["stamps"] = .object(["nowhere": HLCStamp(wallMillis: 1, counter: 0, node: "n").jsonValue])
        #expect { try RecordVersion(wire: .object(stray)) } throws: { "\($0)".contains("nowhere") }
        var both = o
        both["fields"] = .object([:])
        #expect { try RecordVersion(wire: .object(both)) } throws: { "\($0)".contains("both") }
        o["stamps"] = .string("x")
        #expect(throws: WireError.self) { try RecordVersion(wire: .object(o)) }
        let page = PullResponse(records: [r], conflicts: [], cursor: 3, hasMore: false)
        guard case .object(var p) = try page.jsonValue(forProtocol: 2) else { return }
        #expect(try PullResponse(wire: Data(JSONValue.object(p).canonicalText.utf8)) == page)
        p["protocolVersion"] = .int(3)
        #expect { try PullResponse(wire: Data(JSONValue.object(p).canonicalText.utf8)) } throws: { "\($0)".contains("newer") }
    }

    @Test("Rows stored in either form (a store from before protocol 2) are served in the form asked for, the same records")
    func mixedStore() throws {
        // the golden story (GoldenVectorTests) pushes real change sets through the ledger and
        // compares both forms of one page; here a row of protocol 1 lies beside rows of protocol 2
        let rows = (0..<6).map { Self.record(seed: UInt64($0), count: 4, distinct: 2) }
        var bodies = rows.map { StoredRecordRow($0).body }
        bodies[2] = rows[2].jsonValue.canonicalText
        for version in [1, 2] {
            let served = try bodies.map { try StoredJSON.recordBody($0, forProtocol: version) }
            #expect(served.allSatisfy { StoredJSON.isCompact($0) == (version == 2) })
            #expect(try served.map { try RecordVersion(wire: JSONValue.parse(Data($0.utf8))) } == rows)
        }
    }
}
