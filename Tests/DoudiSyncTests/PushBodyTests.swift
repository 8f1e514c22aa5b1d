import DoudiModel
import Foundation
import Testing
@testable import DoudiSync

/// `PushBody.read`, the function the server turns a `/v1/push` body into change sets with
/// (also the libFuzzer target's, `Fuzz/`).
@Suite("Push body: refused whole, or read change set by change set")
struct PushBodyTests {
    static func changeSet(_ sequence: Int64, address: String = "3组12号") throws -> ChangeSet {
        let village = try OrgCode("511011101201")
        let stamp = HLCStamp(wallMillis: 1_593_561_600_000, counter: Int32(sequence), node: "dev-a")
        let id = UUID()
        return ChangeSet(id: UUID(), device: "dev-a", sequence: sequence, author: Actor(user: "wuxing.collector", role: .collector, org: village),
                         action: "household.register", stamp: stamp,
                         changes: [Change(entity: .household, record: id, operation: .create, village: village, household: id,
                                          fields: [FieldChange(name: "address", value: .string(address), stamp: stamp, previous: nil)])])
    }

    static func read(_ text: String) throws(PushBodyError) -> PushBody { try PushBody.read(Data(text.utf8)) }

    static func refusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> PushBodyError? {
        do {
            let body = try read(text)
            Issue.record("read \(body.changeSets.count) change sets, expected a refusal", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test("A push as the field store writes it is read whole, change set by change set")
    func readable() throws {
        let sets = try (1...3).map { try Self.changeSet($0) }
        let body = try Self.read(PushRequest(changeSets: sets).canonicalText)
        #expect(body.protocolVersion == DoudiSync.protocolVersion)
        #expect(body.changeSets == sets.map { .readable($0) })
    }

    @Test("Refused whole: not JSON, too deep, not an object, no or another protocolVersion, no changeSets, too large")
    func refusedWhole() throws {
        #expect(Self.refusal("{")?.code == .notJSON)
        #expect(Self.refusal(String(repeating: "[", count: 5000))?.parseError?.kind == .limit)
        #expect(Self.refusal("[1,2]")?.code == .malformed)
        #expect(Self.refusal(#"{"changeSets":[]}"#)?.code == .protocolVersion)
        #expect(Self.refusal(#"{"protocolVersion":3,"changeSets":[]}"#)?.message.contains("newer") == true)
        #expect(Self.refusal(#"{"protocolVersion":0,"changeSets":[]}"#)?.message.contains("update doudi") == true)
        // a version-1 body is read (a laptop's outbox from before the update), its version kept
        #expect(try Self.read(#"{"protocolVersion":1,"changeSets":[]}"#).protocolVersion == 1)
        #expect(try Self.read(#"{"protocolVersion":2,"changeSets":[]}"#).protocolVersion == 2)
        #expect(Self.refusal(#"{"protocolVersion":"1","changeSets":[]}"#)?.code == .malformed)
        #expect(Self.refusal(#"{"protocolVersion":1}"#)?.message.contains("changeSets") == true)
        #expect(Self.refusal(#"{"protocolVersion":1,"changeSets":{}}"#)?.code == .malformed)
        #expect(Self.refusal(#"{"protocolVersion":1.0,"changeSets":[]}"#)?.parseError?.kind == .unsupported)
        #expect(Self.refusal(#"{"protocolVersion":1,"changeSets":[],"x":1e400}"#)?.parseError?.offset == 41)
        #expect(throws: PushBodyError.self) { try PushBody.read(Data(#"{"protocolVersion":1,"changeSets":[]}"#.utf8), limits: JSONLimits(documentBytes: 10)) }
    }

    @Test("A change set with what Doudi's values cannot hold is unreadable alone, with its id, its problem and where it is")
    func isolated() throws {
        let sets = try (1...3).map { try Self.changeSet($0) }
        var texts = sets.map(\.jsonValue.canonicalText)
        texts[1] = texts[1].replacingOccurrences(of: "\"counter\":2", with: "\"counter\":2.5")
        let body = try Self.read(#"{"protocolVersion":1,"changeSets":["# + texts.joined(separator: ",") + "]}")
        #expect(body.changeSets.count == 3)
        #expect(body.changeSets[0] == .readable(sets[0]) && body.changeSets[2] == .readable(sets[2]))
        guard case .unreadable(let id, let version, let problem) = body.changeSets[1] else {
            Issue.record("the spoilt change set was read")
            return
        }
        #expect(id == sets[1].id && version == DoudiSync.protocolVersion)
        #expect(problem.contains("numbers must be whole") && problem.contains("2.5") && problem.contains("byte"))
        // a change set that is JSON but not a change set: unreadable alone, as the member reader says
        texts[1] = #"{"id":"\#(sets[1].id.uuidString)","protocolVersion":1}"#
        let shapeless = try Self.read(#"{"protocolVersion":1,"changeSets":["# + texts.joined(separator: ",") + "]}")
        guard case .unreadable(let shapelessID, let shapelessVersion, let why) = shapeless.changeSets[1] else {
            Issue.record("a change set without members was read")
            return
        }
        #expect(shapelessID == sets[1].id && shapelessVersion == 1 && why.contains("device"))
    }

    @Test("Another protocol version in one change set is unreadable with that version, so it is answered protocol-version")
    func versionInOneChangeSet() throws {
        let set = try Self.changeSet(1)
        let text = set.jsonValue.canonicalText.replacingOccurrences(of: "\"protocolVersion\":\(DoudiSync.protocolVersion)", with: "\"protocolVersion\":3")
        let body = try Self.read(#"{"protocolVersion":1,"changeSets":["# + text + "]}")
        guard case .unreadable(let id, let version, let problem) = body.changeSets.first else {
            Issue.record("read as \(body.changeSets)")
            return
        }
        #expect(id == set.id && version == 3 && problem.contains("newer"))
    }

    @Test("Random bytes and cut, spliced or repeated push bodies are answered, never trapped on (a small in-process fuzz)")
    func neverTraps() throws {
        var generator = SystemRandomNumberGenerator()
        let good = Array(PushRequest(changeSets: try (1...3).map { try Self.changeSet($0, address: "五星村\"1\"组\n3号") }).canonicalText.utf8)
        for round in 0..<3000 {
            var bytes = good
            switch round % 4 {
            case 0: bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            case 2:
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            default:
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let end = Int.random(in: start...min(bytes.count, start + 40), using: &generator)
                bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &generator))
            }
            _ = try? PushBody.read(Data(bytes))
            if let value = try? JSONValue.parse(Data(bytes)) {
                #expect(try JSONValue.parse(Data(value.canonicalText.utf8)) == value)
            }
        }
    }
}
