import _CryptoExtras
import Crypto
import Foundation

/// A password as the store keeps it: a slow salted hash, never the password.
public struct PasswordHash: Hashable, Sendable, Codable {
    /// `pbkdf2-sha256`.
    public var algorithm: String
    public var salt: Data
    public var hash: Data
    public var rounds: Int

    public init(algorithm: String = PasswordHasher.algorithm, salt: Data, hash: Data, rounds: Int) {
        self.algorithm = algorithm; self.salt = salt; self.hash = hash; self.rounds = rounds
    }
}

/// PBKDF2-HMAC-SHA256 with a random 16-byte salt per password.
///
/// Hashing is deliberately slow (600,000 rounds by default, OWASP 2023), so it runs
/// on a dispatch queue rather than on the server's cooperative threads.
///
/// ```swift
/// let hasher = PasswordHasher(rounds: 600_000)
/// let stored = try await hasher.hash("initial password")
/// let ok = try await hasher.verify("initial password", against: stored)
/// ```
public struct PasswordHasher: Sendable {
    public static let algorithm = "pbkdf2-sha256"
    /// Rounds for new hashes; a stored hash keeps the rounds it was made with.
    public var rounds: Int

    public init(rounds: Int) { self.rounds = rounds }

    /// A new salted hash of `password`.
    public func hash(_ password: String) async throws -> PasswordHash {
        let salt = Data(Secret.bytes(16))
        let rounds = self.rounds
        let hash = try await Self.offload { try Self.derive(password, salt: salt, rounds: rounds) }
        return PasswordHash(salt: salt, hash: hash, rounds: rounds)
    }

    /// True when `password` is the one `stored` was made from (compared in constant time).
    public func verify(_ password: String, against stored: PasswordHash) async throws -> Bool {
        guard stored.algorithm == Self.algorithm else { return false }
        let derived = try await Self.offload { try Self.derive(password, salt: stored.salt, rounds: stored.rounds) }
        return Secret.equal(derived, stored.hash)
    }

    /// Spends the same time as a verification, for an unknown user (so that timing
    /// does not tell which user names exist).
    public func burn(_ password: String) async throws {
        let rounds = self.rounds
        _ = try await Self.offload { try Self.derive(password, salt: Data(repeating: 0, count: 16), rounds: rounds) }
    }

    static func derive(_ password: String, salt: Data, rounds: Int) throws -> Data {
        // `unsafeUncheckedRounds`: the checked variant refuses fewer than 210,000 rounds,
        // which tests need; the configuration sets the production figure.
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256,
                                                    outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }


    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
