import DoudiModel
import DoudiSync
import Foundation

/// One line of the audit log of logins and account administration (SPEC §11): what
/// happened, to whom, from which device and address, by whom. Never a password.
public struct AuthEventRecord: Hashable, Sendable {
    /// Given by the store (increasing); 0 before the event is stored.
    public var id: Int64
    /// Seconds since 1970.
    public var at: Int64
    /// What happened (``AuthEvent/Kind``).
    public var kind: AuthEvent.Kind
    /// The account concerned, when it exists (a failed login with an unknown name keeps no name:
    /// it may be a mistyped password).
    public var user: String?
    /// That account's org unit: who may read the event (a district officer within whose
    /// jurisdiction it lies; events without one are read by every district officer).
    public var org: OrgCode?
    public var device: String?
    /// The client address, for logins.
    public var address: String?
    /// Who did it, for administration: the officer's user name (or `doudi-server admin`).
    public var actor: String?
    /// A few words more (why a login was refused, how many tokens were revoked …).
    public var detail: String?

    public init(id: Int64 = 0, at: Int64, kind: AuthEvent.Kind, user: String? = nil, org: OrgCode? = nil, device: String? = nil,
                address: String? = nil, actor: String? = nil, detail: String? = nil) {
        self.id = id; self.at = at; self.kind = kind; self.user = user; self.org = org; self.device = device
        self.address = address; self.actor = actor; self.detail = detail
    }

    /// The wire form.
    public var message: AuthEvent {
        AuthEvent(id: id, at: at, kind: kind, user: user, org: org, device: device, address: address, actor: actor, detail: detail)
    }
}

/// Which audit events to read: newest first, within a jurisdiction.
public struct AuthEventQuery: Hashable, Sendable {
    /// Events of accounts within this unit, and events of no account.
    public var within: OrgCode
    /// Only events with a smaller id (the next page back).
    public var before: Int64?
    /// At most this many.
    public var limit: Int
    /// Only this account's.
    public var user: String?
    /// Only this device's.
    public var device: String?

    public init(within: OrgCode, before: Int64? = nil, limit: Int, user: String? = nil, device: String? = nil) {
        self.within = within; self.before = before; self.limit = limit; self.user = user; self.device = device
    }
}
