import Foundation

/// A ledger action refused as a whole, or a store that failed. (A change set refused on
/// its own is a rejected ``Acknowledgement``, not an error.)
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable codes; the server maps them to HTTP statuses and its error codes.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// Nothing with that id within the caller's scope.
        public static let notFound = Code(rawValue: "not-found")
        /// The caller's role may not do this.
        public static let authority = Code(rawValue: "authority")
        /// The conflict was resolved already.
        public static let alreadyResolved = Code(rawValue: "already-resolved")
        /// A parameter the caller sent cannot be used (a cursor ahead of the server, a policy that does not fit).
        public static let badParameter = Code(rawValue: "bad-parameter")
        /// The store holds something the ledger cannot read.
        public static let storeDamaged = Code(rawValue: "store-damaged")
        /// The store kept failing with transient errors (serialization, deadlock); try again.
        public static let busy = Code(rawValue: "busy")
    }

    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(code): \(message)" }
}
