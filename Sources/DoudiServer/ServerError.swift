import DoudiSync

/// Why the server refused a request: a stable code for programs, a message for people.
///
/// The store and the controllers throw it; ``ErrorMiddleware`` turns it (and every
/// other error) into an ``ErrorBody`` with the HTTP status its ``Code`` calls for.
/// A rejected change set is not an error: it is an ``Acknowledgement`` of its own.
public struct ServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of refusal; stable on the wire (`ErrorBody.code`).
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The body is not JSON, or not the shape the endpoint takes (400).
        public static let malformedRequest = Code(rawValue: "malformed-request")
        /// A query parameter or field is out of range (400).
        public static let badParameter = Code(rawValue: "bad-parameter")
        /// The client speaks another protocol version: upgrade doudi (400).
        public static let protocolVersion = Code(rawValue: "protocol-version")
        /// No bearer token, or one the server does not know (401).
        public static let unauthenticated = Code(rawValue: "unauthenticated")
        /// Wrong user name or password (401).
        public static let loginFailed = Code(rawValue: "login-failed")
        /// The token's lifetime is over: log in again (401).
        public static let tokenExpired = Code(rawValue: "token-expired")
        /// The token was revoked (logout, lost device, staff change): log in again (401).
        public static let tokenRevoked = Code(rawValue: "token-revoked")
        /// Too many failed logins for this account or from this address: wait `Retry-After`
        /// seconds (429).
        public static let loginThrottled = Code(rawValue: "login-throttled")
        /// The account is locked after too many failed logins: a district officer unlocks it (403).
        public static let accountLocked = Code(rawValue: "account-locked")
        /// The account is disabled: a district officer enables it (403).
        public static let accountDisabled = Code(rawValue: "account-disabled")
        /// The device belongs to another user: the district re-assigns it (403, SPEC §5.2).
        public static let deviceAssigned = Code(rawValue: "device-assigned")
        /// The device was revoked (lost laptop): it may no longer log in (403).
        public static let deviceRevoked = Code(rawValue: "device-revoked")
        /// The device was registered with other bundle keys than the login carries (§15.2).
        public static let deviceKey = Code(rawValue: "device-key")
        /// A bundle that cannot be read, verified or opened (§15.7).
        public static let bundleMalformed = Code(rawValue: "bundle-malformed")
        public static let bundleVersion = Code(rawValue: "bundle-version")
        public static let bundleSignature = Code(rawValue: "bundle-signature")
        public static let bundleRecipient = Code(rawValue: "bundle-recipient")
        /// A request bundle older than one of the same device applied already (§15.6).
        public static let bundleStale = Code(rawValue: "bundle-stale")
        /// The password was reset: the token serves only to set a new one (403).
        public static let passwordChangeRequired = Code(rawValue: "password-change-required")
        /// The role may not do this (403).
        public static let authority = Code(rawValue: "authority")
        /// Outside the caller's jurisdiction (403).
        public static let scope = Code(rawValue: "scope")
        /// No such thing, or not within the caller's jurisdiction (404).
        public static let notFound = Code(rawValue: "not-found")
        /// The conflict was resolved already (409).
        public static let alreadyResolved = Code(rawValue: "already-resolved")
        /// A change set given with a request was rejected (422); the message says why.
        public static let rejected = Code(rawValue: "rejected")
        /// The body is larger than `http.maxBodyBytes` (413).
        public static let bodyTooLarge = Code(rawValue: "body-too-large")
        /// The body is compressed in a way the server does not read (415).
        public static let unsupportedEncoding = Code(rawValue: "unsupported-encoding")
        /// The store cannot be reached (503).
        public static let unavailable = Code(rawValue: "unavailable")
        /// Something unexpected; details are in the server log (500).
        public static let `internal` = Code(rawValue: "internal")
    }

    public var code: Code
    public var message: String
    /// For `login-throttled`: seconds before the next attempt is taken (the `Retry-After` header).
    public var retryAfterSeconds: Int64?

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int64? = nil) {
        self.code = code; self.message = message; self.retryAfterSeconds = retryAfterSeconds
    }

    /// The wire form.
    public var body: ErrorBody { ErrorBody(code: code.rawValue, message: message) }

    public var description: String { "\(code): \(message)" }
}
