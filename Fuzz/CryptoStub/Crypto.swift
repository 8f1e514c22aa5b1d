// A stand-in for swift-crypto's `Crypto`, for the fuzz build only (scripts/fuzz): DoudiSync hashes
// ledger keys and policy record ids with it, which the JSON parser and the push reader never
// touch. Compiling the real one (BoringSSL) with coverage would take most of the build; these
// digests have the real ones' shapes and sizes, not their values. Never link this into Doudi.
import Foundation

/// FNV-1a, widened: a digest of `count` bytes.
private func digest(_ bytes: some Sequence<UInt8>, count: Int) -> [UInt8] {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return (0..<count).map { i in
        state = (state ^ UInt64(i)) &* 0x100_0000_01b3
        return UInt8(truncatingIfNeeded: state >> 32)
    }
}

public enum SHA256 {
    public static func hash(data: some DataProtocol) -> [UInt8] { digest(data, count: 32) }
}

public enum Insecure {
    public enum SHA1 {
        public static func hash(data: some Sequence<UInt8>) -> [UInt8] { digest(data, count: 20) }
    }
}

// Bundles (DoudiSync/Bundle, SPEC §15) sign with Ed25519 and seal with HPKE; the fuzz target
// never makes or opens one. These have the real API's shapes and sizes, none of its security.

public enum Curve25519 {
    public enum Signing {
        public struct PrivateKey: Sendable {
            public let rawRepresentation: Data
            public init() { rawRepresentation = Data((0..<32).map { _ in UInt8.random(in: 0...255) }) }
            public init<D: ContiguousBytes>(rawRepresentation: D) throws {
                self.rawRepresentation = rawRepresentation.withUnsafeBytes { Data($0) }
            }
            public var publicKey: PublicKey { PublicKey(raw: Data(digest(rawRepresentation, count: 32))) }
            public func signature<D: DataProtocol>(for data: D) throws -> Data { Data(digest(Data(data) + publicKey.rawRepresentation, count: 64)) }
        }

        public struct PublicKey: Sendable {
            public let rawRepresentation: Data
            init(raw: Data) { rawRepresentation = raw }
            public init<D: ContiguousBytes>(rawRepresentation: D) throws {
                self.rawRepresentation = rawRepresentation.withUnsafeBytes { Data($0) }
            }
            public func isValidSignature<S: DataProtocol, D: DataProtocol>(_ signature: S, for data: D) -> Bool {
                Data(signature) == Data(digest(Data(data) + rawRepresentation, count: 64))
            }
        }
    }

    public enum KeyAgreement {
        public struct PrivateKey: Sendable {
            public let rawRepresentation: Data
            public init() { rawRepresentation = Data((0..<32).map { _ in UInt8.random(in: 0...255) }) }
            public init<D: ContiguousBytes>(rawRepresentation: D) throws {
                self.rawRepresentation = rawRepresentation.withUnsafeBytes { Data($0) }
            }
            public var publicKey: PublicKey { PublicKey(raw: Data(digest(rawRepresentation, count: 32))) }
        }

        public struct PublicKey: Sendable {
            public let rawRepresentation: Data
            init(raw: Data) { rawRepresentation = raw }
            public init<D: ContiguousBytes>(rawRepresentation: D) throws {
                self.rawRepresentation = rawRepresentation.withUnsafeBytes { Data($0) }
            }
        }
    }
}

public enum HPKE {
    public struct Ciphersuite: Sendable {
        public static let Curve25519_SHA256_ChachaPoly = Ciphersuite()
    }

    public struct Sender {
        public let encapsulatedKey: Data
        public init(recipientKey: Curve25519.KeyAgreement.PublicKey, ciphersuite: Ciphersuite, info: Data) throws {
            encapsulatedKey = recipientKey.rawRepresentation
        }
        public mutating func seal<M: DataProtocol, AD: DataProtocol>(_ msg: M, authenticating aad: AD) throws -> Data { Data(msg) }
    }

    public struct Recipient {
        public init(privateKey: Curve25519.KeyAgreement.PrivateKey, ciphersuite: Ciphersuite, info: Data, encapsulatedKey: Data) throws {}
        public mutating func open<C: DataProtocol, AD: DataProtocol>(_ ciphertext: C, authenticating aad: AD) throws -> Data { Data(ciphertext) }
    }
}
