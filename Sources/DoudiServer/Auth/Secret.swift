import Foundation

/// Random secrets and their comparison, for every token the server and its extensions make
/// (bearer tokens, the loopback key, the console's session and CSRF tokens).
public enum Secret {
    /// `count` bytes from the system's cryptographic generator.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// 32 random bytes as 64 lowercase hex digits.
    public static func hex() -> String {
        bytes(32).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time that does not depend on where they differ; an empty
    /// secret equals nothing.
    public static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// ``equal(_:_:)`` over the strings' UTF-8.
    public static func equal(_ a: String, _ b: String) -> Bool { equal(Array(a.utf8), Array(b.utf8)) }
}
