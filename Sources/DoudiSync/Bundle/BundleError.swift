import Foundation

/// Why a bundle cannot be made, read, trusted or opened (Protocol/SPEC.md §15).
///
/// Every refusal happens before anything is applied: a bundle refused changes nothing.
public struct BundleError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Not a Doudi bundle, cut short, or laid out wrongly.
        public static let malformed = Code(rawValue: "bundle-malformed")
        /// A bundle format version this program does not read.
        public static let version = Code(rawValue: "bundle-version")
        /// The signature does not verify: the bundle was changed after it was made, or another key signed it.
        public static let signature = Code(rawValue: "bundle-signature")
        /// Encrypted to another key than the reader's: meant for another device or server.
        public static let recipient = Code(rawValue: "bundle-recipient")
        /// A key that is not a valid Ed25519 or X25519 key.
        public static let key = Code(rawValue: "bundle-key")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }

    public var description: String { "\(message) (\(code.rawValue))" }
}
