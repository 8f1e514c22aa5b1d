import Crypto
import Foundation

/// The public half of a bundle key pair, as the wire carries it (Protocol/SPEC.md §15.2): an
/// Ed25519 key that checks what its holder signs, and an X25519 key that bundles for its holder
/// are encrypted to. Each is the base64 of the key's 32 raw bytes.
///
/// A laptop sends its own at login (``LoginRequest/deviceKeys``); the server answers with its
/// own (``LoginResponse/serverKeys``).
public struct BundlePublicKeys: Hashable, Sendable, Codable {
    /// Ed25519 public key, base64 of 32 bytes.
    public var signing: String
    /// X25519 public key, base64 of 32 bytes.
    public var agreement: String

    public init(signing: String, agreement: String) { self.signing = signing; self.agreement = agreement }

    /// The Ed25519 key.
    ///
    /// - Throws: ``BundleError`` `bundle-key` when it is not 32 bytes of base64.
    public func signingKey() throws(BundleError) -> Curve25519.Signing.PublicKey {
        guard let raw = Data(base64Encoded: signing), raw.count == 32,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw BundleError(.key, "the signing key is not an Ed25519 public key (32 bytes, base64)")
        }
        return key
    }

    /// The X25519 key.
    ///
    /// - Throws: ``BundleError`` `bundle-key` when it is not 32 bytes of base64.
    public func agreementKey() throws(BundleError) -> Curve25519.KeyAgreement.PublicKey {
        guard let raw = Data(base64Encoded: agreement), raw.count == 32,
              let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw BundleError(.key, "the agreement key is not an X25519 public key (32 bytes, base64)")
        }
        return key
    }

    /// Both keys checked, and written again as canonical base64 (what a header names and a
    /// registration compares).
    ///
    /// - Throws: ``BundleError`` `bundle-key` naming the key at fault.
    public func validated() throws(BundleError) -> BundlePublicKeys {
        BundlePublicKeys(signing: try signingKey().rawRepresentation.base64EncodedString(),
                         agreement: try agreementKey().rawRepresentation.base64EncodedString())
    }
}

/// A bundle key pair: a device's (made on the laptop, kept sealed in its store) or the
/// server's (made at its first start, kept in its store). Signs what its holder sends and opens
/// what is sent to it.
///
/// `@unchecked Sendable`: both keys are immutable values (swift-crypto does not mark them
/// `Sendable` on Linux).
public struct BundlePrivateKeys: @unchecked Sendable {
    public let signing: Curve25519.Signing.PrivateKey
    public let agreement: Curve25519.KeyAgreement.PrivateKey

    public init(signing: Curve25519.Signing.PrivateKey, agreement: Curve25519.KeyAgreement.PrivateKey) {
        self.signing = signing; self.agreement = agreement
    }

    /// A new random pair.
    public static func generate() -> BundlePrivateKeys {
        BundlePrivateKeys(signing: Curve25519.Signing.PrivateKey(), agreement: Curve25519.KeyAgreement.PrivateKey())
    }

    /// What others need: the public halves.
    public var publicKeys: BundlePublicKeys {
        BundlePublicKeys(signing: signing.publicKey.rawRepresentation.base64EncodedString(),
                         agreement: agreement.publicKey.rawRepresentation.base64EncodedString())
    }

    /// The pair as text to keep (`{"agreement": base64, "signing": base64}` of the raw private keys).
    /// Secret: a store seals it, a server keeps it in its database only.
    public var storedText: String {
        JSONValue.object(["signing": .string(signing.rawRepresentation.base64EncodedString()),
                          "agreement": .string(agreement.rawRepresentation.base64EncodedString())]).canonicalText
    }

    /// A pair from ``storedText``.
    ///
    /// - Throws: ``BundleError`` `bundle-key` when the text does not hold two 32-byte keys.
    public init(storedText: String) throws(BundleError) {
        guard case .object(let o)? = try? JSONValue.parse(Data(storedText.utf8)),
              case .string(let s)? = o["signing"], case .string(let a)? = o["agreement"],
              let signingRaw = Data(base64Encoded: s), let agreementRaw = Data(base64Encoded: a),
              let signing = try? Curve25519.Signing.PrivateKey(rawRepresentation: signingRaw),
              let agreement = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementRaw) else {
            throw BundleError(.key, "the stored bundle keys cannot be read: the store is damaged")
        }
        self.init(signing: signing, agreement: agreement)
    }
}
