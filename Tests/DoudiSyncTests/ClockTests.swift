import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

@Suite("Hybrid logical clock")
struct ClockTests {
    @Test("Local stamps never go backwards, even when the wall clock does")
    func monotonic() {
        var clock = HybridLogicalClock(node: "a")
        let s1 = clock.tick(now: 1_000)
        let s2 = clock.tick(now: 1_000)
        let s3 = clock.tick(now: 900)      // wall clock stepped back
        let s4 = clock.tick(now: 2_000)
        #expect([s1, s2, s3, s4] == [s1, s2, s3, s4].sorted())
        #expect(s2.counter == 1 && s3.wallMillis == 1_000 && s3.counter == 2 && s4.counter == 0)
    }

    @Test("After receiving a remote stamp, local stamps order after it")
    func receive() throws {
        var slow = HybridLogicalClock(node: "slow")
        let remote = HLCStamp(wallMillis: 5_000, counter: 3, node: "fast")
        try slow.receive(remote, now: 4_900)
        let next = slow.tick(now: 4_901)
        #expect(next > remote)
    }

    @Test("A stamp too far ahead of the receiver is refused")
    func drift() {
        var clock = HybridLogicalClock(node: "server", maxDriftMillis: 60_000)
        let days = HLCStamp(wallMillis: 1_000 + 3 * 86_400_000, counter: 0, node: "wrong-clock")
        #expect(throws: ClockError.self) { try clock.receive(days, now: 1_000) }
        #expect(clock.last.wallMillis == 0)
    }

    @Test("Text form sorts like the stamp and round-trips", arguments: [
        (HLCStamp(wallMillis: 9, counter: 10, node: "b"), HLCStamp(wallMillis: 10, counter: 0, node: "a")),
        (HLCStamp(wallMillis: 10, counter: 9, node: "z"), HLCStamp(wallMillis: 10, counter: 10, node: "a")),
        (HLCStamp(wallMillis: 10, counter: 1, node: "a"), HLCStamp(wallMillis: 10, counter: 1, node: "b")),
    ])
    func text(a: HLCStamp, b: HLCStamp) {
        #expect(a < b)
        #expect(a.text < b.text)
        #expect(HLCStamp(text: a.text) == a)
        #expect(HLCStamp(text: "node-with-dashes") == nil)
    }
}

@Suite("Field values")
struct FieldValueTests {
    @Test("Records become fields and back, exactly")
    func roundTrip() throws {
        let m = Member(id: UUID(), household: UUID(), name: "张大山",
                       residentID: try ResidentID.make(area: "511011", birth: Day(iso: "1975-03-04"), sequence: 11),
                       relation: .head, disability: try Disability(category: .physical, grade: 2))
        let fields = try RecordFields.fields(of: m)
        #expect(fields["name"] == .string("张大山"))
        #expect(fields["disability"] == .object(["category": .string("physical"), "grade": .int(2)]))
        #expect(try RecordFields.record(Member.self, from: fields) == m)
    }

    @Test("JSON values: whole numbers only, booleans stay booleans")
    func values() throws {
        let decoded = try JSONDecoder().decode([JSONValue].self, from: Data(#"[true, 1, 0, "1", null, {"a": [false]}]"#.utf8))
        #expect(decoded == [.bool(true), .int(1), .int(0), .string("1"), .null, .object(["a": .array([.bool(false)])])])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JSONValue.self, from: Data("1.5".utf8)) }
    }
}
