import Crypto
import Foundation

/// A bundle file (Protocol/SPEC.md §15.1): change sets or their answers carried by hand, signed by
/// the sender (Ed25519) and sealed to the recipient (HPKE: X25519, HKDF-SHA256, ChaCha20-Poly1305),
/// so that a lost USB stick gives nobody the ID numbers on it and a changed byte is refused.
///
/// The layout, big-endian lengths:
///
/// | bytes | what |
/// |---|---|
/// | 8 | `DOUDIBN1` |
/// | 4 + H | header length, header (``BundleHeader``, canonical JSON) |
/// | 2 + E | encapsulated key length, encapsulated key (32 bytes for X25519) |
/// | 8 + C | ciphertext length, ciphertext (HPKE base mode, info `doudi bundle v1`, the header as associated data) |
/// | 2 + S | signature length, Ed25519 signature of every byte before this length field |
///
/// Nothing may follow the signature.
///
/// ```swift
/// let file = try SealedBundle.seal(payload, header: header, signedBy: mine, to: theirs.agreementKey())
/// let bundle = try SealedBundle(reading: file)
/// try bundle.verify(signedBy: theirs.signingKey())
/// let payload = try bundle.open(with: mine.agreement)
/// ```
public struct SealedBundle: Sendable {
    /// The first bytes of every bundle file (format 1).
    public static let magic = Data("DOUDIBN1".utf8)
    /// HPKE's `info`: binds the key schedule to this format.
    public static let hpkeInfo = Data("doudi bundle v1".utf8)
    /// Largest header read (a header is a few hundred bytes).
    public static let maxHeaderBytes = 64 * 1024
    static var suite: HPKE.Ciphersuite { .Curve25519_SHA256_ChachaPoly }

    public let header: BundleHeader
    /// The header's bytes as the file carries them (what is signed and authenticated).
    public let headerBytes: Data
    public let encapsulatedKey: Data
    public let ciphertext: Data
    public let signature: Data
    /// The bytes the signature covers.
    let signed: Data

    /// Seals `payload` to `recipient` and signs the whole with `sender`'s key: the bundle file's bytes.
    ///
    /// - Throws: ``BundleError`` `bundle-key` when the header does not name `sender`'s signing key or `recipient`.
    public static func seal(_ payload: Data, header: BundleHeader, signedBy sender: BundlePrivateKeys,
                            to recipient: Curve25519.KeyAgreement.PublicKey) throws(BundleError) -> Data {
        guard header.signer == sender.publicKeys.signing else {
            throw BundleError(.key, "the header names another signer than the key that signs")
        }
        guard header.recipient == recipient.rawRepresentation.base64EncodedString() else {
            throw BundleError(.key, "the header names another recipient than the key it is sealed to")
        }
        let headerBytes = Data(header.jsonValue.canonicalText.utf8)
        let encapsulated: Data, ciphertext: Data
        do {
            var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: suite, info: hpkeInfo)
            ciphertext = try sender.seal(payload, authenticating: headerBytes)
            encapsulated = sender.encapsulatedKey
        } catch {
            throw BundleError(.key, "the bundle cannot be sealed to that key: \(error)")
        }
        var out = magic
        out.reserveCapacity(magic.count + 4 + headerBytes.count + 2 + encapsulated.count + 8 + ciphertext.count + 2 + 64)
        append(UInt32(headerBytes.count), to: &out)
        out.append(headerBytes)
        append(UInt16(encapsulated.count), to: &out)
        out.append(encapsulated)
        append(UInt64(ciphertext.count), to: &out)
        out.append(ciphertext)
        let signature: Data
        do { signature = try sender.signing.signature(for: out) } catch {
            throw BundleError(.key, "the bundle cannot be signed: \(error)")
        }
        append(UInt16(signature.count), to: &out)
        out.append(signature)
        return out
    }

    /// Reads a bundle file's layout; nothing is trusted yet (``verify(signedBy:)``, then ``open(with:)``).
    ///
    /// - Throws: ``BundleError`` `bundle-malformed` for a file that is not a whole bundle,
    ///   `bundle-version` for another format.
    public init(reading data: Data) throws(BundleError) {
        var reader = ByteReader(data: data)
        let magic = try reader.take(Self.magic.count, "its first bytes")
        guard magic == Self.magic else {
            if magic.prefix(5) == Self.magic.prefix(5) {
                throw BundleError(.version, "this bundle is of format \(String(decoding: magic.suffix(3), as: UTF8.self)), not read here: update doudi")
            }
            throw BundleError(.malformed, "this is not a Doudi bundle (it does not start with DOUDIBN1): give the .bundle file that doudi bundle export or the server wrote")
        }
        let headerLength = Int(try reader.integer(UInt32.self, "the header length"))
        guard headerLength <= Self.maxHeaderBytes else { throw BundleError(.malformed, "the bundle's header claims \(headerLength) bytes: the file is damaged") }
        headerBytes = try reader.take(headerLength, "the header")
        header = try BundleHeader(reading: headerBytes)
        encapsulatedKey = try reader.take(Int(try reader.integer(UInt16.self, "the key length")), "the encapsulated key")
        let cipherLength = try reader.integer(UInt64.self, "the ciphertext length")
        guard cipherLength <= UInt64(reader.remaining) else {
            throw BundleError(.malformed, "the bundle is cut short: it claims \(cipherLength) bytes of ciphertext, \(reader.remaining) remain (copy the whole file again)")
        }
        ciphertext = try reader.take(Int(cipherLength), "the ciphertext")
        signed = data.prefix(reader.offset)
        signature = try reader.take(Int(try reader.integer(UInt16.self, "the signature length")), "the signature")
        guard reader.remaining == 0 else {
            throw BundleError(.malformed, "the bundle has \(reader.remaining) bytes after its signature: the file is damaged or two were joined")
        }
    }

    /// Checks the signature with the key the reader trusts for the sender.
    ///
    /// - Throws: ``BundleError`` `bundle-signature` when another key signed the bundle or a byte of it changed.
    public func verify(signedBy key: Curve25519.Signing.PublicKey) throws(BundleError) {
        guard header.signer == key.rawRepresentation.base64EncodedString() else {
            throw BundleError(.signature, "the bundle is signed by another key than the one registered for its sender: it was not made by \(header.kind == .request ? "device \(header.device)" : "this server")")
        }
        guard key.isValidSignature(signature, for: signed) else {
            throw BundleError(.signature, "the bundle's signature does not verify: it was changed after it was made (damaged or tampered with); nothing was applied")
        }
    }

    /// Opens the payload with the reader's own key (after ``verify(signedBy:)``).
    ///
    /// - Throws: ``BundleError`` `bundle-recipient` when it is sealed to another key,
    ///   `bundle-signature` when it does not open (its bytes were changed).
    public func open(with key: Curve25519.KeyAgreement.PrivateKey) throws(BundleError) -> Data {
        guard header.recipient == key.publicKey.rawRepresentation.base64EncodedString() else {
            throw BundleError(.recipient, "the bundle is sealed to another key: it is meant for another \(header.kind == .request ? "server" : "device") than this one")
        }
        do {
            var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: Self.suite, info: Self.hpkeInfo, encapsulatedKey: encapsulatedKey)
            return try recipient.open(ciphertext, authenticating: headerBytes)
        } catch {
            throw BundleError(.signature, "the bundle does not open with this key: its contents were changed (damaged or tampered with)")
        }
    }

    static func append<I: FixedWidthInteger>(_ value: I, to data: inout Data) {
        withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) }
    }
}

/// Reads a bundle's fields in order, refusing a file cut short.
private struct ByteReader {
    let data: Data
    var offset = 0

    var remaining: Int { data.count - offset }

    mutating func take(_ count: Int, _ what: String) throws(BundleError) -> Data {
        guard count >= 0, count <= remaining else {
            throw BundleError(.malformed, "the bundle is cut short at \(what) (copy the whole file again)")
        }
        let start = data.startIndex + offset
        offset += count
        return Data(data[start..<(start + count)])
    }

    mutating func integer<I: FixedWidthInteger>(_ type: I.Type, _ what: String) throws(BundleError) -> I {
        let bytes = try take(MemoryLayout<I>.size, what)
        return bytes.reduce(I.zero) { ($0 << 8) | I($1) }
    }
}
