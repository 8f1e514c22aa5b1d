import DoudiModel
import Foundation

/// Reading back what a store keeps as JSON text (written by the ledger, so a failure here
/// means the store was damaged or written by something else).
public enum StoredJSON {
    /// A stored record body, read with the byte parser; `Codable` only if that fails.
    public static func record(_ body: String) throws -> RecordVersion {
        let data = Data(body.utf8)
        if let value = try? JSONValue.parse(data), let version = try? RecordVersion(wire: value) { return version }
        do { return try JSONDecoder().decode(RecordVersion.self, from: data) } catch {
            throw LedgerError(.storeDamaged, "a stored record cannot be read (\(error)): check the store (integrity check) before serving")
        }
    }

    public static func conflict(_ body: String) throws -> ConflictRecord {
        do { return try JSONDecoder().decode(ConflictRecord.self, from: Data(body.utf8)) } catch {
            throw LedgerError(.storeDamaged, "a stored conflict cannot be read (\(error)): check the store (integrity check) before serving")
        }
    }

    public static func acknowledgement(_ body: String) throws -> Acknowledgement {
        do { return try JSONDecoder().decode(Acknowledgement.self, from: Data(body.utf8)) } catch {
            throw LedgerError(.storeDamaged, "a stored acknowledgement cannot be read (\(error)): check the store (integrity check) before serving")
        }
    }
}
