import Crypto
import Foundation

/// Bearer tokens: 32 random bytes, base64url; the store keeps only their SHA-256.
public enum BearerToken {
    /// A new token.
    public static func generate() -> String {
        Data(Secret.bytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The hex SHA-256 of a token: what the store keeps and looks tokens up by.
    public static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)]); hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Short, stable, non-reversible tags for log lines (a user name may be a person's name).
enum LogTag {
    static func of(_ text: String) -> String { String(BearerToken.hash(text).prefix(12)) }
}
