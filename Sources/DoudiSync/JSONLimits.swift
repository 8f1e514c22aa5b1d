/// How much JSON Doudi reads at once (Protocol/SPEC.md §3.5): every JSON text that comes from
/// outside (a request body, a pull page, a stored record, a change captured on a laptop) is
/// read by ``JSONValue/parse(_:limits:)`` within these limits, so that no text can exhaust the
/// stack or the memory of the process reading it.
///
/// A text beyond a limit is refused with a ``JSONParseError`` of kind
/// ``JSONParseError/Kind/limit`` (the server answers 400 `malformed-request`, or 413
/// `body-too-large` for ``maxDocumentBytes``).
///
/// ```swift
/// let value = try JSONValue.parse(body)                                  // the standard limits
/// let small = try JSONValue.parse(body, limits: JSONLimits(depth: 8))   // tighter, for a test
/// ```
public struct JSONLimits: Hashable, Sendable {
    /// Levels of arrays and objects, the outermost counting as 1. A push nests its field values
    /// 7 levels down (body, `changeSets`, change set, `changes`, change, `fields`, field), and a
    /// record's own values need a few more; 64 leaves room and keeps the reader's recursion short.
    public static let maxDepth = 64
    /// Bytes of UTF-8 in one string (a member name or a value) once its escapes are read: 64 KiB,
    /// far beyond any text a person types into a field (`WireLimits` bounds those more tightly).
    public static let maxStringBytes = 64 * 1024
    /// Bytes of one JSON text: 64 MiB, twice the server's default `http.maxBodyBytes` and four
    /// times the largest pull page (§9.1).
    public static let maxDocumentBytes = 64 * 1024 * 1024
    /// The deepest nesting any ``JSONLimits`` may ask for: a larger ``depth`` is read as this.
    public static let depthCeiling = 512

    /// Levels of arrays and objects allowed (at most ``depthCeiling``).
    public var depth: Int
    /// Bytes of UTF-8 allowed in one string.
    public var stringBytes: Int
    /// Bytes allowed in the whole text.
    public var documentBytes: Int

    /// Limits of your own; each defaults to the standard one.
    public init(depth: Int = maxDepth, stringBytes: Int = maxStringBytes, documentBytes: Int = maxDocumentBytes) {
        self.depth = depth
        self.stringBytes = stringBytes
        self.documentBytes = documentBytes
    }

    /// ``maxDepth``, ``maxStringBytes`` and ``maxDocumentBytes``: what every reader in Doudi uses.
    public static let standard = JSONLimits()
}
