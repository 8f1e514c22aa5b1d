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

extension StoredJSON {
    /// A stored record body in the form a pull page of `version` carries: as stored when it is
    /// already of that form, else read and written again (rows stored before protocol 2 are of
    /// version 1's form; a version-1 client reads version 1's).
    ///
    /// - Throws: ``LedgerError`` `store-damaged` when the body cannot be read.
    public static func recordBody(_ body: String, forProtocol version: Int) throws -> String {
        if let compact = isCompact(body), compact == (version >= 2) { return body }
        return try record(body).jsonValue(forProtocol: version).canonicalText
    }

    /// Whether a stored record body is of protocol 2's form, without reading it whole; nil when
    /// it cannot be told so (not canonical: it is read and written again).
    ///
    /// Canonical JSON sorts the members: before `entity` come only `author` (whose members are
    /// strings) and `changeSet`, so the first `"entity":"` is the record's own; after it comes
    /// version 1's `"fields"`, or version 2's `"household"` or `"record"`. A quote inside a
    /// string is escaped, so the pattern cannot start inside a value.
    static func isCompact(_ body: String) -> Bool? {
        var body = body
        // a plain loop over contiguous bytes: every record of every pull passes here
        return body.withUTF8 { bytes -> Bool? in
            let key = Array(#""entity":""#.utf8)
            var i = 0
            search: while i + key.count <= bytes.count {
                for k in 0..<key.count where bytes[i + k] != key[k] { i += 1; continue search }
                break
            }
            guard i + key.count <= bytes.count else { return nil }
            var close = i + key.count
            while close < bytes.count, bytes[close] != UInt8(ascii: "\"") { close += 1 }
            let rest = UnsafeBufferPointer(rebasing: bytes[min(close + 1, bytes.count)...])
            func starts(_ text: StaticString) -> Bool {
                let prefix = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
                return rest.count >= prefix.count && rest.prefix(prefix.count).elementsEqual(prefix)
            }
            if starts(#","fields":"#) { return false }
            if starts(#","household":"#) || starts(#","record":"#) { return true }
            return nil
        }
    }
}
