import DoudiModel
import Foundation

/// Why the field library refused an action. A refused action wrote nothing.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable kind of problem, for scripts and tests.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The store has not been set up with `doudi init`.
        public static let notInitialised = Code(rawValue: "not-initialised")
        /// A record breaks a rule of the model.
        public static let validation = Code(rawValue: "validation")
        /// The record is already there (same id or same resident ID number).
        public static let duplicate = Code(rawValue: "duplicate")
        /// A record referred to does not exist.
        public static let notFound = Code(rawValue: "not-found")
        /// The record is voided and cannot change.
        public static let voided = Code(rawValue: "voided")
        /// The record lies outside this device's jurisdiction, or the role may not do this.
        public static let forbidden = Code(rawValue: "forbidden")
        /// An edit that changes nothing.
        public static let noChange = Code(rawValue: "no-change")
        /// A workflow transition that is not allowed.
        public static let workflow = Code(rawValue: "workflow")
        /// A value read from the store is not what this doudi wrote (a damaged file, or one
        /// written by a newer doudi).
        public static let storeDamaged = Code(rawValue: "store-damaged")
    }

    public var code: Code
    /// The field at fault, if one.
    public var field: String?
    public var message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code; self.field = field; self.message = message
    }

    /// Wraps a model rule violation.
    public init(_ error: ModelError) {
        self.init(error.code == .duplicate ? .duplicate : .validation, field: error.field, error.message)
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
