import DoudiModel
import DoudiSynthetic
import Foundation
import Testing
@testable import DoudiSync

/// Issue 11: records are turned into their fields by ``JSONValueEncoder`` straight into values;
/// it must give exactly what `JSONEncoder` and the parser give, for every kind of record.
@Suite("JSONValueEncoder gives what JSONEncoder gives")
struct JSONValueEncoderTests {
    static func slow<T: Encodable>(_ value: T) throws -> JSONValue { try JSONValue.parse(RecordFields.encoder.encode(value)) }

    func same<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try JSONValueEncoder.encode(value) == Self.slow(value), "\(T.self)", sourceLocation: sourceLocation)
    }

    @Test("every record of a synthetic village, its workflows, the policy and the protocol's messages", arguments: [2020, 7, 99] as [UInt64])
    func records(seed: UInt64) throws {
        let policy = try PolicyVersion.load(json: Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ServerConfig/policy/dongxing-2020.json")), document: "dongxing-2020.json")
        let district = SyntheticDistrict(.village(seed: seed), policy: policy)
        let village = try #require(district.villages.first)
        var checked = 0
        for generated in district.households(of: village) {
            try same(generated.household)
            for m in generated.members { try same(m) }
            try same(generated.survey)
            for v in generated.visits { try same(v) }
            for a in generated.applications {
                try same(a)
                try same(try ApplicationWorkflow(for: a, village: village))
            }
            checked += 1
        }
        #expect(checked == 120)
        try same(policy)
    }

    @Test("values JSONValue holds in every container; what it does not hold is refused (and RecordFields falls back)")
    func edges() throws {
        struct Mixed: Encodable {
            var text = "a/b \"q\" 中文"
            var numbers: [Int64] = [0, -1, .max, .min]
            var nested: [String: [Bool?]] = ["x": [true, nil, false]]
            var byInt: [Int: String] = [3: "three"]
            var optional: String? = nil
            var data = Data([1, 2, 3])
            var id = UUID(uuidString: "3B0F6C8A-2D4E-4A51-9C7D-1E2F3A4B5C01")!
            var small: UInt8 = 200
        }
        try same(Mixed())
        struct Floating: Encodable { var x = 1.5 }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Floating()) }
        struct Huge: Encodable { var x = UInt64.max }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Huge()) }
        struct Dated: Encodable { var at = Date(timeIntervalSince1970: 0) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Dated()) }
        // RecordFields takes the old road for them: the same error or value as before
        #expect(throws: (any Error).self) { try RecordFields.fields(of: Floating()) }
    }
}
