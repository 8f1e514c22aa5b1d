import Crypto
import DoudiModel
import Foundation

extension PolicyVersion {
    /// The record id of a policy version: a name-based UUID (version 5, SHA-1) of its
    /// ``id`` in Doudi's policy namespace, so every side derives the same one.
    public var recordID: UUID { Self.recordID(for: id) }

    /// The namespace of policy-version record ids.
    public static let recordNamespace = UUID(uuid: (0x6F, 0x1C, 0x4E, 0x2A, 0x9B, 0x3D, 0x5E, 0x7F, 0x8A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F, 0x6A, 0x7B))   // 6F1C4E2A-9B3D-5E7F-8A1B-2C3D4E5F6A7B

    /// The record id for a policy id.
    public static func recordID(for policyID: String) -> UUID {
        var bytes = withUnsafeBytes(of: recordNamespace.uuid) { Array($0) }
        bytes.append(contentsOf: Array(policyID.utf8))
        var hash = Array(Insecure.SHA1.hash(data: bytes)).prefix(16).map { $0 }
        hash[6] = (hash[6] & 0x0F) | 0x50
        hash[8] = (hash[8] & 0x3F) | 0x80
        return UUID(uuid: (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                           hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]))
    }
}

extension PolicyBook {
    /// The book of stored policy records: the versions and the declared special periods (§4.4),
    /// voided ones left out.
    ///
    /// - Throws: `DecodingError` for a record that cannot be read; ``ModelError`` when the
    ///   versions do not form a book (two on one day, two with one id).
    public init(records: [RecordVersion]) throws {
        let standing = records.filter { !$0.isVoided }
        let versions = try standing.filter { $0.entity == .policyVersion }.map { try RecordFields.record(PolicyVersion.self, from: $0.values) }
        let periods = try standing.filter { $0.entity == .specialPeriod }.map { try RecordFields.record(SpecialPeriod.self, from: $0.values) }
        try self.init(versions, specialPeriods: periods)
    }
}
