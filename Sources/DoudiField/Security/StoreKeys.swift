import Crypto
import DoudiModel
import DoudiSync
import Foundation

/// The keys of an unlocked store: what seals and opens its sensitive values, and what
/// indexes people by resident ID number without writing the number down.
///
/// Everything comes from the store's random 256-bit **data key**, which ``Keyring`` keeps
/// wrapped under a key derived from the user's password. Two subkeys are derived from it
/// with HKDF-SHA256: one seals values with AES-256-GCM, one makes the keyed person index
/// (HMAC-SHA256). Sealing and opening take microseconds; the slow step — deriving a key
/// from the password — happens once per unlock, not per value.
///
/// A sealed value is text: `enc1:` and the base64 of nonce (12 bytes) | ciphertext | tag
/// (16 bytes). The plaintext is padded to a bucket (64 bytes for a field, 256 for a blob)
/// so that a sealed value's length does not tell "healthy" from "seriouslyIll", or an
/// empty disability from a certified one. Each value is bound to where it belongs (its
/// ``SealedField`` or ``SealedBlob``, as associated data): a value moved to another field
/// does not open.
///
/// ```swift
/// let keys = StoreKeys.random()
/// let sealed = keys.seal(.string("511011195803040114"), field: SealedField(.member, "residentID"))
/// let value = try keys.open(sealed, field: SealedField(.member, "residentID"))
/// ```
///
/// `@unchecked Sendable`: its keys are immutable values (swift-crypto does not mark
/// `SymmetricKey` `Sendable` on Linux).
public struct StoreKeys: @unchecked Sendable {
    /// The data key itself: kept in memory, and while the store is unlocked in the key cache
    /// on a memory file system (``UnlockedKeyCache``); never on the disk unwrapped.
    public let dataKey: SymmetricKey
    /// Seals and opens values (AES-256-GCM).
    let sealingKey: SymmetricKey
    /// Makes the keyed person index (HMAC-SHA256).
    let indexKey: SymmetricKey
    /// Names the data key without revealing it (an HMAC of a fixed label, hex): a cached key
    /// is checked against the keyring's before it is used.
    public let check: String

    /// The prefix every sealed value starts with (format 1: AES-256-GCM, padded).
    public static let sealedPrefix = "enc1:"

    /// Keys from a 256-bit data key.
    ///
    /// - Throws: ``FieldError`` `damaged` when the key is not 32 bytes.
    public init(dataKey: SymmetricKey) throws {
        guard dataKey.bitCount == 256 else {
            throw FieldError(.damaged, "a store's data key has 256 bits, not \(dataKey.bitCount): the key cache or keyring is damaged; run `doudi lock`, then `doudi unlock`")
        }
        self.dataKey = dataKey
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("doudi store: sealed values v1".utf8), outputByteCount: 32)
        indexKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("doudi store: person index v1".utf8), outputByteCount: 32)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("doudi store: key check v1".utf8), using: dataKey)
        check = Self.hex(mac)
    }

    /// Keys from a fresh random data key: a new store's, or a throwaway store's (in memory, a
    /// bench) whose records need not outlive the process.
    public static func random() -> StoreKeys {
        // a 256-bit key is what `init(dataKey:)` accepts: this cannot fail
        guard let keys = try? StoreKeys(dataKey: SymmetricKey(size: .bits256)) else { preconditionFailure("a 256-bit key was refused") }
        return keys
    }

    /// Whether `text` is a sealed value.
    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(sealedPrefix) }

    // MARK: - Field values

    /// Seals one field's value (its JSON form; `null` too, so that a sealed column does not
    /// tell whether a person has a disability).
    public func seal(_ value: JSONValue, field: SealedField) -> String {
        seal(Data(value.canonicalText.utf8), bucket: 64, context: field.context)
    }

    /// Opens a sealed field value.
    ///
    /// - Throws: ``FieldError`` `damaged` when the text is not a sealed value of this field
    ///   under this store's key.
    public func open(_ text: String, field: SealedField) throws -> JSONValue {
        let plain = try open(text, context: field.context)
        do { return try JSONValue.parse(plain) } catch {
            throw FieldError(.damaged, field: field.name, "a sealed \(field.context) opened to something that is not JSON: the store is damaged; restore it from a backup")
        }
    }

    // MARK: - Blobs

    /// Seals a JSON blob kept whole: a history row's values, an outbox change set's body, a
    /// pulled conflict's body.
    public func seal(_ text: String, blob: SealedBlob) -> String {
        seal(Data(text.utf8), bucket: 256, context: blob.context)
    }

    /// Opens a sealed blob; a blob written before the store was protected (no `enc1:`) is
    /// returned as it is, to be sealed by the next sweep (``FieldStore/protect(password:derivation:)``).
    ///
    /// - Throws: ``FieldError`` `damaged` when a sealed blob does not open under this key.
    public func open(_ text: String, blob: SealedBlob) throws -> String {
        guard Self.isSealed(text) else { return text }
        return String(decoding: try open(text, context: blob.context), as: UTF8.self)
    }

    // MARK: - Person index

    /// The keyed index of a resident ID number: HMAC-SHA256 of its person key
    /// (``ResidentID/personKey(_:)``: trimmed, `x` upper-cased), in hex. Equal for one person,
    /// and without the data key it tells nothing of the number (an ID number has too few
    /// possible values for an unkeyed hash to hide it).
    public func personIndex(_ residentID: String) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Data(ResidentID.personKey(residentID).utf8), using: indexKey))
    }

    /// The keyed search key of a resident ID number's last four characters (as listings show
    /// them, `x` upper-cased): HMAC-SHA256 under the index key, in hex, so that a member is found
    /// by them (``FieldDatabase/searchKeys(name:idTail:)``) and the file holds none of its digits.
    public func searchTail(_ residentID: String) -> String {
        let tail = String(ResidentID.personKey(residentID).suffix(4))
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data("tail:\(tail)".utf8), using: indexKey))
    }

    // MARK: - Sealing

    func seal(_ plaintext: Data, bucket: Int, context: String) -> String {
        // ISO/IEC 7816-4 padding: 0x80, then zeros to the end of the bucket
        var padded = plaintext
        padded.append(0x80)
        let length = max(bucket, (padded.count + bucket - 1) / bucket * bucket)
        padded.append(contentsOf: repeatElement(0, count: length - padded.count))
        // AES-GCM with a random 96-bit nonce over a 256-bit key cannot fail
        guard let box = try? AES.GCM.seal(padded, using: sealingKey, nonce: NonceSource.shared.next(), authenticating: Data(context.utf8)),
              let combined = box.combined else {
            preconditionFailure("AES-GCM refused to seal")
        }
        return Self.sealedPrefix + combined.base64EncodedString()
    }

    func open(_ text: String, context: String) throws -> Data {
        guard Self.isSealed(text), let combined = Data(base64Encoded: String(text.dropFirst(Self.sealedPrefix.count))),
              combined.count >= 12 + 16 else {
            throw FieldError(.damaged, "a sealed \(context) is not in the enc1: form: the store is damaged; restore it from a backup")
        }
        let padded: Data
        do {
            padded = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: sealingKey, authenticating: Data(context.utf8))
        } catch {
            throw FieldError(.damaged, "a sealed \(context) does not open with this store's key: it was copied from another store or the file is damaged; restore it from a backup")
        }
        guard let end = padded.lastIndex(where: { $0 != 0 }), padded[end] == 0x80 else {
            throw FieldError(.damaged, "a sealed \(context) has no padding mark: the store is damaged; restore it from a backup")
        }
        return padded[padded.startIndex..<end]
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StoreKeys {
    /// The keys, or the error that says the store is locked.
    ///
    /// - Throws: ``FieldError`` `locked`: "the store is locked: run `doudi unlock`".
    static func required(_ keys: StoreKeys?) throws -> StoreKeys {
        guard let keys else { throw FieldError.locked }
        return keys
    }
}

/// A field whose value is kept sealed: in its record's column and wherever its value is
/// written down (history, outbox, conflicts).
public struct SealedField: Hashable, Sendable {
    public var entity: EntityKind
    public var name: String

    public init(_ entity: EntityKind, _ name: String) { self.entity = entity; self.name = name }

    /// The associated data a sealed value is bound to, e.g. `member.residentID`.
    var context: String { "\(entity.rawValue).\(name)" }

    /// The sealed fields of each kind of record: resident ID numbers (members and legal
    /// supporters), the household's benefit account (bank or 一卡通 account), and a member's
    /// health, serious illness and disability.
    public static func names(of entity: EntityKind) -> [String] {
        switch entity {
        case .member: ["residentID", "health", "seriousIllness", "disability"]
        case .obligor: ["residentID"]
        case .household: ["benefitAccount"]
        default: []
        }
    }
}

/// A JSON blob kept sealed whole.
public enum SealedBlob: String, Hashable, Sendable, CaseIterable {
    /// `history.values`: the values a version wrote.
    case historyValues = "history.values"
    /// `changeSet.body`: an outbox change set.
    case changeSetBody = "changeSet.body"
    /// `conflict.body`: a conflict pulled from the server.
    case conflictBody = "conflict.body"
    /// `device.bundleKeys`: the device's private bundle keys (Protocol/SPEC.md §15.2).
    case deviceBundleKeys = "device.bundleKeys"

    var context: String { rawValue }
}

extension FieldError.Code {
    /// The store's key is not unlocked in this session.
    public static let locked = FieldError.Code(rawValue: "locked")
    /// The password does not unlock the store.
    public static let wrongPassword = FieldError.Code(rawValue: "wrong-password")
    /// A sealed value or the keyring does not open: damaged, or from another store.
    public static let damaged = FieldError.Code(rawValue: "damaged")
}

extension FieldError {
    /// The one line a command that needs a sealed value prints while the store is locked.
    public static let locked = FieldError(.locked, "the store is locked: run `doudi unlock`")
}
