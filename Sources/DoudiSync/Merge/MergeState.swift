import DoudiModel
import Foundation

/// What the merge engine may ask of the state it merges into: a snapshot the store
/// loaded before the merge (``MergeSnapshot``), so that a merge never waits on I/O and
/// cannot fail half-way.
public protocol MergeState {
    /// The record as the store holds it now.
    func current(_ entity: EntityKind, _ id: UUID) -> RecordVersion?
    /// Active (not voided) members whose resident ID number names the same person as
    /// `residentID` (``ResidentID/personKey(_:)``).
    func activeMembers(residentID: String) -> [RecordVersion]
    /// Every enrolment (not voided) of a household, of any programme.
    func enrolments(household: UUID) -> [RecordVersion]
    /// A town's reserve-fund ledger entries (not voided); the balance is DoudiModel's
    /// ``ReserveFundLedger/balance``.
    func reserveFundEntries(town: OrgCode) -> [ReserveFundEntry]
    /// Every record of a household (voided ones too), and the workflows of its applications:
    /// what moves with it to another village.
    func records(household: UUID) -> [RecordVersion]
}

/// Why a change set was refused. The store is left as it was.
public struct MergeRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable codes of the protocol (see `Protocol/SPEC.md`).
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// A record breaks a rule of the model, or the change is malformed.
        public static let validation = Code(rawValue: "validation")
        /// The role may not do this, or the amount exceeds its authority.
        public static let authority = Code(rawValue: "authority")
        /// A record outside the caller's jurisdiction.
        public static let scope = Code(rawValue: "scope")
        /// The client speaks another protocol version.
        public static let protocolVersion = Code(rawValue: "protocol-version")
        /// A clock stamp too far ahead of the server.
        public static let clock = Code(rawValue: "clock")
        /// The change set builds on a record the server does not have yet (push the
        /// change set that makes it first). Like `clock`, retrying later may succeed.
        public static let dependency = Code(rawValue: "dependency")

        /// Whether the same change set may succeed when sent again later; the server
        /// does not remember such rejections.
        public var isRetryable: Bool { self == .clock || self == .dependency }
    }

    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(code): \(message)" }
}

/// What applying one change set produces: the records' new versions and the
/// conflicts recorded. The store writes them all in one transaction.
public struct MergeOutcome: Hashable, Sendable {
    /// New versions of records (``RecordVersion/serverSequence`` is set by the store).
    public var writes: [RecordVersion] = []
    public var conflicts: [ConflictRecord] = []
    /// Conflicts the change set resolves.
    public var resolved: [UUID] = []
    /// Records that moved to another village with their household (§9.7).
    public var departures: [Departure] = []
}
