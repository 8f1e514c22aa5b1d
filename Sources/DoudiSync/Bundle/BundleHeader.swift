import Foundation

/// What a bundle says of itself in the clear (Protocol/SPEC.md §15.3): what it is, whose, who
/// signed it and for whom it is sealed. Signed with the rest of the bundle and bound to its
/// ciphertext as associated data, so none of it can be changed.
///
/// It holds no personal data: the change sets and records are in the ciphertext.
public struct BundleHeader: Hashable, Sendable {
    /// Which way a bundle goes.
    public enum Kind: String, Hashable, Sendable {
        /// From a laptop to the server: its pending change sets and its pull cursor.
        case request
        /// From the server to a laptop: the acknowledgements and what its scope gained.
        case reply
    }

    /// The bundle format version this program writes and reads.
    public static let formatVersion = 1

    public var kind: Kind
    /// The bundle's own id: a reply names the request it answers by it; a laptop applies a reply once.
    public var id: UUID
    /// The laptop the bundle comes from (a request) or goes to (a reply).
    public var device: String
    /// Milliseconds since 1970 when it was made.
    public var createdAt: Int64
    /// The request a reply answers.
    public var inReplyTo: UUID?
    /// The signer's Ed25519 public key, base64.
    public var signer: String
    /// The X25519 public key the payload is sealed to, base64.
    public var recipient: String
    /// The sync protocol version of the payload.
    public var protocolVersion: Int

    public init(kind: Kind, id: UUID = UUID(), device: String, createdAt: Int64, inReplyTo: UUID? = nil,
                signer: String, recipient: String, protocolVersion: Int = DoudiSync.protocolVersion) {
        self.kind = kind; self.id = id; self.device = device; self.createdAt = createdAt; self.inReplyTo = inReplyTo
        self.signer = signer; self.recipient = recipient; self.protocolVersion = protocolVersion
    }

    /// The header as the bundle carries it: canonical JSON (members sorted, no spaces).
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "format": .string("doudi-bundle"), "version": .int(Int64(Self.formatVersion)), "kind": .string(kind.rawValue),
            "id": .string(id.uuidString), "device": .string(device), "createdAt": .int(createdAt),
            "signer": .string(signer), "recipient": .string(recipient), "protocolVersion": .int(Int64(protocolVersion)),
        ]
        if let inReplyTo { o["inReplyTo"] = .string(inReplyTo.uuidString) }
        return .object(o)
    }

    /// Reads a header.
    ///
    /// - Throws: ``BundleError`` `bundle-malformed` naming the member at fault, `bundle-version`
    ///   for another format version.
    public init(reading data: Data) throws(BundleError) {
        guard case .object(let o)? = try? JSONValue.parse(data) else {
            throw BundleError(.malformed, "the bundle's header is not a JSON object")
        }
        guard case .string("doudi-bundle")? = o["format"] else { throw BundleError(.malformed, "the header's format is not doudi-bundle") }
        guard case .int(let version)? = o["version"] else { throw BundleError(.malformed, "the header has no version") }
        guard version == Int64(Self.formatVersion) else {
            throw BundleError(.version, "bundle format version \(version) is not read here (this doudi reads \(Self.formatVersion)): update doudi on both sides")
        }
        func string(_ name: String) throws(BundleError) -> String {
            guard case .string(let s)? = o[name], !s.isEmpty else { throw BundleError(.malformed, "the header's \(name) is missing") }
            return s
        }
        func integer(_ name: String) throws(BundleError) -> Int64 {
            guard case .int(let n)? = o[name] else { throw BundleError(.malformed, "the header's \(name) is not a whole number") }
            return n
        }
        guard let kind = Kind(rawValue: try string("kind")) else { throw BundleError(.malformed, "the header's kind is neither request nor reply") }
        guard let id = UUID(uuidString: try string("id")) else { throw BundleError(.malformed, "the header's id is not a UUID") }
        var inReplyTo: UUID?
        if let value = o["inReplyTo"], value != .null {
            guard case .string(let text) = value, let uuid = UUID(uuidString: text) else { throw BundleError(.malformed, "the header's inReplyTo is not a UUID") }
            inReplyTo = uuid
        }
        guard let protocolVersion = Int(exactly: try integer("protocolVersion")) else { throw BundleError(.malformed, "the header's protocolVersion is out of range") }
        self.init(kind: kind, id: id, device: try string("device"), createdAt: try integer("createdAt"), inReplyTo: inReplyTo,
                  signer: try string("signer"), recipient: try string("recipient"), protocolVersion: protocolVersion)
    }
}
