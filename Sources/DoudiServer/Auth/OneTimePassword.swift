import Foundation

/// One-time passwords the district hands to a user after a reset: three groups of four
/// characters, from letters and digits that cannot be mistaken for one another when read
/// aloud or copied by hand (no 0/O, 1/l/I).
///
/// ```swift
/// OneTimePassword.generate()   // e.g. "k7Qm-Xp3d-R9tz"
/// ```
public enum OneTimePassword {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// A new one-time password (about 69 bits of randomness).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let groups = (0..<3).map { _ in String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }) }
        return groups.joined(separator: "-")
    }
}
