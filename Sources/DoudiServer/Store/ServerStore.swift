import DoudiModel
import DoudiSync
import Foundation

/// The central store behind the HTTP API. The embedded SQLite store
/// (``SQLiteServerStore``) is the default; a PostgreSQL store implements the same
/// protocol for a province.
///
/// Rules every implementation keeps:
/// - ``apply(_:by:note:)`` applies one change set in one transaction, merged by
///   DoudiSync's `MergeEngine`, and is idempotent by change-set id: a retry returns the
///   first answer and changes nothing. A rejected change set leaves records,
///   conflicts and the server sequence as they were; its answer is remembered.
/// - Every accepted change set (and every resolution or policy publication) takes the
///   next value of one global server sequence; everything it writes carries it.
/// - ``pull(scope:after:limit:maxBytes:)`` returns what changed after a cursor within a
///   scope, cut at whole server sequences.
public protocol ServerStore: Sendable {
    // MARK: org units and users

    /// Adds org units that are missing and updates names and populations of the others.
    func saveOrgUnits(_ units: [OrgUnit]) async throws
    /// Every org unit, sorted by code.
    func orgUnits() async throws -> [OrgUnit]
    /// The user with this name.
    func user(named name: String) async throws -> UserAccount?
    /// Adds a user unless one with that name exists. Returns true when added.
    func insertUserIfMissing(_ user: UserAccount) async throws -> Bool
    /// Replaces a user's password hash.
    func setPassword(of name: String, to password: PasswordHash) async throws

    // MARK: tokens

    func insertToken(_ token: TokenRecord) async throws
    /// The token with this hash, revoked or expired or not.
    func token(hash: String) async throws -> TokenRecord?
    /// Revokes the tokens selected. Returns how many were revoked now.
    func revokeTokens(_ selection: TokenSelection) async throws -> Int

    // MARK: policy versions

    /// Every policy version stored (not voided), by effective date.
    func policyVersions() async throws -> [PolicyVersion]
    /// Stores a policy version from the configuration as a record of entity
    /// `policyVersion` (so it syncs like records), unless one with its id exists.
    /// Returns true when stored.
    func publishPolicyVersion(_ version: PolicyVersion) async throws -> Bool

    // MARK: sync

    /// Applies one change set pushed by `identity` and says what became of it.
    ///
    /// - Parameter note: the resolution note for the conflicts the change set resolves.
    /// - Throws: only for failures of the store itself (the push may be retried);
    ///   a change set that is refused is a `rejected` acknowledgement.
    func apply(_ changeSet: ChangeSet, by identity: Identity, note: String?) async throws -> Acknowledgement
    /// Applies a push's change sets in order, each atomically on its own, and answers each.
    /// A store may commit them together (one durable write for the push) as long as each
    /// stays all-or-nothing and no answer is sent before what it acknowledges is durable.
    func applyAll(_ changeSets: [ChangeSet], by identity: Identity) async throws -> [Acknowledgement]
    /// Records and conflicts in `scope` written after the server sequence `after`.
    func pull(scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) async throws -> PullResponse
    /// The same page as the JSON of its ``PullResponse`` (what `GET /v1/pull` sends).
    func pullJSON(scope: OrgCode, after: Int64, limit: Int, maxBytes: Int) async throws -> PullPageJSON
    /// The current (highest) server sequence.
    func serverSequence() async throws -> Int64

    // MARK: conflicts

    /// Conflicts in `scope`, oldest first; resolved ones too when asked.
    func conflicts(scope: OrgCode, includeResolved: Bool, limit: Int) async throws -> [ConflictRecord]
    /// One conflict, if it lies in `scope`.
    func conflict(_ id: UUID, scope: OrgCode) async throws -> ConflictRecord?
    /// Records a person's resolution of a conflict, with a new server sequence so it syncs.
    ///
    /// - Throws: ``ServerError`` `not-found` (unknown or outside the caller's scope),
    ///   `authority` (the role may not write the record), `already-resolved`.
    func resolve(_ id: UUID, by identity: Identity, note: String) async throws -> ConflictRecord
}

/// A user account; the password only as a hash.
public struct UserAccount: Hashable, Sendable {
    public var name: String
    public var role: Role
    /// The unit the user works for: their jurisdiction.
    public var org: OrgCode
    public var password: PasswordHash

    public init(name: String, role: Role, org: OrgCode, password: PasswordHash) {
        self.name = name; self.role = role; self.org = org; self.password = password
    }

    public var actor: Actor { Actor(user: name, role: role, org: org) }
}

/// A bearer token as stored: its hash, who and which device it is for, and its life.
public struct TokenRecord: Hashable, Sendable {
    public var hash: String
    public var user: String
    public var device: String
    public var role: Role
    public var org: OrgCode
    /// Seconds since 1970.
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var revoked: Bool

    public init(hash: String, user: String, device: String, role: Role, org: OrgCode, issuedAt: Int64, expiresAt: Int64, revoked: Bool = false) {
        self.hash = hash; self.user = user; self.device = device; self.role = role; self.org = org
        self.issuedAt = issuedAt; self.expiresAt = expiresAt; self.revoked = revoked
    }

    public var actor: Actor { Actor(user: user, role: role, org: org) }
}

/// Which tokens to revoke.
public struct TokenSelection: Hashable, Sendable {
    /// One token, by its hash.
    public var hash: String?
    /// Every token of a user.
    public var user: String?
    /// Every token bound to a device.
    public var device: String?
    /// Only tokens whose scope lies within this unit (the revoker's jurisdiction).
    public var within: OrgCode?
    /// Keep this token (e.g. the caller's own, after a password change).
    public var except: String?

    public init(hash: String? = nil, user: String? = nil, device: String? = nil, within: OrgCode? = nil, except: String? = nil) {
        self.hash = hash; self.user = user; self.device = device; self.within = within; self.except = except
    }
}

extension ServerStore {
    /// One change set after another (stores without a batched write).
    public func applyAll(_ changeSets: [ChangeSet], by identity: Identity) async throws -> [Acknowledgement] {
        var out: [Acknowledgement] = []
        for changeSet in changeSets { out.append(try await apply(changeSet, by: identity, note: nil)) }
        return out
    }
}

/// A page of the change feed as the JSON of a ``PullResponse``, with what the log says of it.
public struct PullPageJSON: Sendable {
    public var json: Data
    public var records: Int
    public var conflicts: Int
    public var cursor: Int64
    public var hasMore: Bool
}
