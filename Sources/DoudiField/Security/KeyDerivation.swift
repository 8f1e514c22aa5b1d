import _CryptoExtras
import Crypto
import Foundation

/// How a password becomes the key that wraps a store's data key: slow on purpose, so that
/// guessing passwords against a stolen store file costs an attacker a great deal per guess.
///
/// Two functions are known: PBKDF2-HMAC-SHA256 (`pbkdf2-sha256`, ``cost`` its rounds), the
/// standard one, and scrypt (`scrypt`, N, r and p), memory-hard. The parameters are kept
/// with the keyring, so a store opens with the ones it was protected with even after the
/// standard ones change.
public struct KeyDerivation: Hashable, Sendable {
    /// The function: `pbkdf2-sha256` or `scrypt`.
    public var function: String
    /// PBKDF2's rounds, or scrypt's CPU and memory cost N (a power of two).
    public var cost: Int
    /// scrypt's block size r (0 for PBKDF2).
    public var blockSize: Int
    /// scrypt's parallelism p (0 for PBKDF2).
    public var parallelism: Int

    /// OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023): 600,000 rounds — about a quarter
    /// of a second on a laptop, once per unlock. (scrypt at OWASP's N = 2^17, r = 8, p = 1 takes
    /// six times as long on the same machine.)
    public static let standard = pbkdf2(rounds: 600_000)

    /// The fewest PBKDF2 rounds a store is protected with.
    public static let minimumRounds = 600_000

    /// PBKDF2-HMAC-SHA256 with `rounds`.
    public static func pbkdf2(rounds: Int) -> KeyDerivation {
        KeyDerivation(function: "pbkdf2-sha256", cost: rounds, blockSize: 0, parallelism: 0)
    }

    /// scrypt with N = `cost`, r = `blockSize`, p = `parallelism`.
    public static func scrypt(cost: Int, blockSize: Int, parallelism: Int) -> KeyDerivation {
        KeyDerivation(function: "scrypt", cost: cost, blockSize: blockSize, parallelism: parallelism)
    }

    public init(function: String, cost: Int, blockSize: Int, parallelism: Int) {
        self.function = function; self.cost = cost; self.blockSize = blockSize; self.parallelism = parallelism
    }

    /// Checks the parameters are at least as slow as a new keyring needs: PBKDF2 with
    /// ``minimumRounds`` or more, scrypt with N ≥ 2^15 and r ≥ 8 (OWASP's floors).
    ///
    /// - Throws: ``FieldError`` `validation` naming the floor.
    func checkStrength() throws {
        switch function {
        case "pbkdf2-sha256" where cost >= Self.minimumRounds: return
        case "scrypt" where cost >= 1 << 15 && blockSize >= 8 && parallelism >= 1: return
        default:
            throw FieldError(.validation, field: "kdf", "\(function) with cost \(cost) is too fast to protect a store: PBKDF2-HMAC-SHA256 needs at least \(Self.minimumRounds) rounds, scrypt N ≥ 2^15 with r ≥ 8")
        }
    }

    /// The 256-bit key `password` and `salt` derive.
    ///
    /// The password is taken in Unicode normal form C, so that the same characters typed
    /// through different input methods give the same key.
    ///
    /// - Throws: ``FieldError`` `damaged` when the parameters are not ones this doudi derives with.
    func deriveKey(password: String, salt: Data) throws -> SymmetricKey {
        let normalised = Data(password.precomposedStringWithCanonicalMapping.utf8)
        do {
            switch function {
            case "pbkdf2-sha256" where (1...100_000_000).contains(cost):
                return try KDF.Insecure.PBKDF2.deriveKey(from: normalised, salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: cost)
            case "scrypt" where cost > 1 && cost & (cost - 1) == 0 && (1...64).contains(blockSize) && (1...16).contains(parallelism):
                return try KDF.Scrypt.deriveKey(from: normalised, salt: salt, outputByteCount: 32, rounds: cost, blockSize: blockSize, parallelism: parallelism)
            default:
                throw FieldError(.damaged, "the keyring asks for \(function) with cost \(cost), r=\(blockSize), p=\(parallelism), which this doudi does not derive with: update doudi")
            }
        } catch let error as FieldError {
            throw error
        } catch {
            throw FieldError(.damaged, "the password's key could not be derived (\(function), cost \(cost)): \(error)")
        }
    }
}
