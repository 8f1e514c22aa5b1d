import Crypto
import Foundation

/// SHA-256 in the forms the ledger uses: hex for body hashes and index keys, a 64-bit
/// number for lock keys.
public enum LedgerDigest {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex SHA-256 of the text's UTF-8.
    public static func hex(_ text: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8))
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first eight bytes of the text's SHA-256 as a signed 64-bit number.
    public static func int64(_ text: String) -> Int64 {
        let digest = SHA256.hash(data: Data(text.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }
}
