import DoudiModel
import DoudiSync

/// Who is calling: the actor and device a bearer token was issued to at login.
///
/// The scope (jurisdiction) is the token's, fixed at login: village ⊂ town ⊂ district.
public struct Identity: Hashable, Sendable {
    public var actor: Actor
    /// The device the token is bound to; every change set pushed with it must come from it.
    public var device: String
    /// SHA-256 of the token (the token itself is never stored).
    public var tokenHash: String
    /// Seconds since 1970.
    public var expiresAt: Int64

    public init(actor: Actor, device: String, tokenHash: String, expiresAt: Int64) {
        self.actor = actor; self.device = device; self.tokenHash = tokenHash; self.expiresAt = expiresAt
    }
}

extension Identity {
    /// The caller as the sync ledger knows it.
    public var caller: LedgerCaller { LedgerCaller(actor: actor, device: device) }
}
