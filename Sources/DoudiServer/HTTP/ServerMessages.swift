import DoudiModel
import DoudiSync
import Foundation

// Messages of the endpoints beyond push, pull and login (those are DoudiSync's).

/// `GET /v1/health`: no token needed.
public struct HealthResponse: Hashable, Sendable, Codable {
    /// `ok`.
    public var status: String
    /// The newest protocol version the server speaks.
    public var protocolVersion: Int
    /// The oldest it still answers (`sync.oldestProtocolVersion`); absent from servers of version 1.
    public var oldestProtocolVersion: Int?
    /// The highest server sequence: how far the store has come.
    public var serverSequence: Int64
    public init(status: String, protocolVersion: Int, oldestProtocolVersion: Int? = nil, serverSequence: Int64) {
        self.status = status; self.protocolVersion = protocolVersion; self.oldestProtocolVersion = oldestProtocolVersion
        self.serverSequence = serverSequence
    }
}

/// `POST /v1/tokens/revoke`: a district officer revokes the tokens of a user, of a
/// device, or of a user on one device (lost laptop, staff change).
public struct RevokeRequest: Hashable, Sendable, Codable {
    public var user: String?
    public var device: String?
    public init(user: String? = nil, device: String? = nil) { self.user = user; self.device = device }
}

/// The answer to a logout or a revocation.
public struct RevokeResponse: Hashable, Sendable, Codable {
    /// How many tokens were revoked now.
    public var revoked: Int
    public init(revoked: Int) { self.revoked = revoked }
}

/// `POST /v1/password`: a user replaces their password (the initial ones in
/// `ServerConfig/users.json` must be replaced on first use).
public struct PasswordChangeRequest: Hashable, Sendable, Codable {
    public var currentPassword: String
    public var newPassword: String
    public init(currentPassword: String, newPassword: String) { self.currentPassword = currentPassword; self.newPassword = newPassword }
}

/// The answer to a password change: the user's other tokens are revoked.
public struct PasswordChangeResponse: Hashable, Sendable, Codable {
    public var revokedTokens: Int
    public init(revokedTokens: Int) { self.revokedTokens = revokedTokens }
}

/// `GET /v1/conflicts`: conflicts within the caller's scope, oldest first.
public struct ConflictList: Hashable, Sendable, Codable {
    public var conflicts: [ConflictRecord]
    public init(conflicts: [ConflictRecord]) { self.conflicts = conflicts }
}

/// `POST /v1/conflicts/{id}/resolve`: a person's decision on a conflict, with an
/// optional change set that carries it out (which must list the conflict in `resolves`).
public struct ResolveRequest: Hashable, Sendable, Codable {
    public var note: String
    public var changeSet: ChangeSet?
    public init(note: String, changeSet: ChangeSet? = nil) { self.note = note; self.changeSet = changeSet }
}

/// The answer to a resolution: the conflict as it now stands, and what became of the
/// change set when one was given.
public struct ResolveResponse: Hashable, Sendable, Codable {
    public var conflict: ConflictRecord
    public var acknowledgement: Acknowledgement?
    public init(conflict: ConflictRecord, acknowledgement: Acknowledgement? = nil) {
        self.conflict = conflict; self.acknowledgement = acknowledgement
    }
}

/// A change set as it arrives in a push (read by ``PushBody``): one of another protocol version,
/// or malformed, is rejected on its own.
enum IncomingChangeSet {
    case readable(ChangeSet)
    /// Cannot be read; `id` when at least that could be, so it can be acknowledged.
    case unreadable(id: UUID?, protocolVersion: Int?, problem: String)

    /// The rejection of an unreadable change set: `protocol-version` when it speaks
    /// another version, `validation` otherwise.
    var rejection: (code: String, message: String)? {
        guard case .unreadable(_, let version, let problem) = self else { return nil }
        if let version, !readableProtocolVersions.contains(version) {
            return (ServerError.Code.protocolVersion.rawValue, ProtocolVersionText.notSpoken(version))
        }
        return (MergeRejection.Code.validation.rawValue, "the change set cannot be read: \(problem)")
    }
}

/// The body of a push, read change set by change set.
struct PushEnvelope {
    var protocolVersion: Int
    var changeSets: [IncomingChangeSet]
}
