/// A record or document that breaks a rule of the model.
///
/// Modelled on `FileSystemError`: an extensible ``Code``, the field at fault,
/// and a message that says what was wrong and what to do.
public struct ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is; stable for scripts and the wire.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A value is out of range or malformed.
        public static let invalidValue = Code(rawValue: "invalid-value")
        /// A required value is missing.
        public static let missingValue = Code(rawValue: "missing-value")
        /// A reference to another record does not resolve.
        public static let unknownReference = Code(rawValue: "unknown-reference")
        /// Two records that must be unique collide.
        public static let duplicate = Code(rawValue: "duplicate")
        /// No policy version is in force for the day asked.
        public static let noPolicyInForce = Code(rawValue: "no-policy-in-force")
    }

    public var code: Code
    /// Path of the field at fault, e.g. `members[2].residentID`.
    public var field: String?
    public var message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code; self.field = field; self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
