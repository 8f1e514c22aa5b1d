import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

@Suite("Change-set coding")
struct ChangeSetCodingTests {
    static func sample() -> ChangeSet {
        let s1 = HLCStamp(wallMillis: 1_593_561_600_000, counter: 2, node: "dev-a")
        let s0 = HLCStamp(wallMillis: 1_593_561_500_000, counter: 0, node: "dev-b")
        return ChangeSet(id: UUID(uuidString: "6F1C2D3E-0000-4000-8000-000000000001")!, device: "dev-a", sequence: 7,
                         author: Actor(user: "李会计", role: .collector, org: try! OrgCode("511011101201")), action: "household.edit", stamp: s1,
                         changes: [Change(entity: .household, record: UUID(uuidString: "6F1C2D3E-0000-4000-8000-000000000002")!, operation: .update,
                                          village: try! OrgCode("511011101201"), household: UUID(uuidString: "6F1C2D3E-0000-4000-8000-000000000002")!,
                                          fields: [FieldChange(name: "address", value: .string("五星村\"1\"组\n3号"), stamp: s1,
                                                               previous: FieldVersion(value: .string("旧址"), stamp: s0)),
                                                   FieldChange(name: "categories", value: .array([.string("registeredPoor")]), stamp: s1, previous: nil)],
                                          base: s0)],
                         resolves: [UUID(uuidString: "6F1C2D3E-0000-4000-8000-000000000003")!])
    }

    @Test("The direct JSON form equals the Codable form, and parses back")
    func sameAsCodable() throws {
        let cs = Self.sample()
        let codable = try JSONValue.parse(JSONEncoder().encode(cs))
        #expect(codable == cs.jsonValue)
        let text = cs.jsonValue.canonicalText
        #expect(try JSONDecoder().decode(ChangeSet.self, from: Data(text.utf8)) == cs)
        #expect(try JSONValue.parse(Data(text.utf8)) == cs.jsonValue)
    }

    @Test("The direct readers and writers agree with Codable: change sets read back, record versions and acknowledgements written")
    func wireFormsAgree() throws {
        let cs = Self.sample()
        #expect(ChangeSet(wire: try JSONValue.parse(JSONEncoder().encode(cs))) == cs)
        var odd = cs.jsonValue
        if case .object(var o) = odd { o["sequence"] = .string("7"); odd = .object(o) }
        #expect(ChangeSet(wire: odd) == nil)   // the caller falls back to Codable for the message
        let s1 = HLCStamp(wallMillis: 1_593_561_600_000, counter: 2, node: "dev-a")
        for version in [
            RecordVersion(entity: .member, record: UUID(), village: try OrgCode("511011101201"), household: UUID(),
                          fields: ["name": FieldVersion(value: .string("张\"三\""), stamp: s1), "disability": FieldVersion(value: .null, stamp: s1)],
                          serverSequence: 42, author: cs.author, changeSet: cs.id),
            RecordVersion(entity: .reserveFundEntry, record: UUID(), village: try OrgCode("511011101"), household: nil, fields: [:], serverSequence: 1),
        ] {
            #expect(try JSONValue.parse(JSONEncoder().encode(version)) == version.jsonValue)
            #expect(try RecordVersion(wire: version.jsonValue) == version)
        }
        for ack in [Acknowledgement(changeSet: cs.id, status: .accepted, serverSequence: 3, conflicts: [UUID()]),
                    Acknowledgement(changeSet: cs.id, status: .rejected, code: "validation", message: "x")] {
            #expect(try JSONValue.parse(JSONEncoder().encode(ack)) == ack.jsonValue)
        }
    }

    @Test("A newer protocol version is refused with a message saying to update; a change set of version 1 is still read")
    func protocolVersion() throws {
        let text = Self.sample().jsonValue.canonicalText
        let newer = text.replacingOccurrences(of: "\"protocolVersion\":\(DoudiSync.protocolVersion)", with: "\"protocolVersion\":3")
        #expect { try JSONDecoder().decode(ChangeSet.self, from: Data(newer.utf8)) } throws: { "\($0)".contains("update") }
        let old = text.replacingOccurrences(of: "\"protocolVersion\":\(DoudiSync.protocolVersion)", with: "\"protocolVersion\":1")
        #expect(try JSONDecoder().decode(ChangeSet.self, from: Data(old.utf8)).protocolVersion == 1)
        #expect(try ChangeSet(reading: JSONValue.parse(Data(old.utf8))).protocolVersion == 1)
    }

    @Test("The parser refuses fractions and trailing text, and keeps escapes", arguments: [
        ("1.5", false), ("[1,2]", true), ("{\"a\":\"\\u4e2d\\n\"}", true), ("true x", false), ("-0", true), ("\"\\ud83d\\ude00\"", true),
    ])
    func parser(text: String, ok: Bool) {
        let parsed = try? JSONValue.parse(Data(text.utf8))
        #expect((parsed != nil) == ok)
        if let parsed, let foundation = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { #expect(parsed == foundation) }
    }
}
