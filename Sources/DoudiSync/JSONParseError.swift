/// JSON text that ``JSONValue/parse(_:limits:)`` does not read, with where and why.
///
/// ``kind`` tells text that is not JSON at all (``Kind/syntax``, ``Kind/encoding``) from JSON
/// that Doudi does not accept (``Kind/limit``, ``Kind/unsupported``); ``message`` says what is
/// wrong and what to send instead, and never quotes more than a number or a single character
/// of the text (bodies hold names and ID numbers).
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of refusal this is (Protocol/SPEC.md §3.5).
    public enum Kind: String, Hashable, Sendable {
        /// Not JSON (RFC 8259): a missing comma or quote, a stray character, a number such as
        /// `01` or `1.`, text after the value, the end of the text too soon.
        case syntax
        /// Not UTF-8 text: invalid or overlong UTF-8, a surrogate written in UTF-8 or as a lone
        /// `\u` escape, a byte-order mark, UTF-16 or UTF-32.
        case encoding
        /// JSON beyond one of Doudi's ``JSONLimits``: nested too deep, a string or the whole
        /// text too long.
        case limit
        /// Valid JSON that Doudi's values cannot hold: a number with a fraction or an exponent,
        /// or beyond the 64-bit range, or a member given twice in one object.
        case unsupported
    }

    /// What kind of refusal this is.
    public var kind: Kind
    /// The byte of the text where the problem was found (0 is the first byte).
    public var offset: Int
    /// What is wrong and what to send instead.
    public var message: String

    public init(_ kind: Kind, offset: Int, message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    /// True when the text is not JSON at all (``Kind/syntax``, ``Kind/encoding``); false when it is
    /// JSON that Doudi does not accept (``Kind/unsupported``) or was refused at a limit before
    /// the end (``Kind/limit``).
    public var isNotJSON: Bool { kind == .syntax || kind == .encoding }

    public var description: String { "JSON at byte \(offset): \(message)" }
}
