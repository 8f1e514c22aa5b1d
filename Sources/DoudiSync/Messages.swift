import DoudiModel
import Foundation

/// `POST /v1/login`: a user signs a device in and gets a bearer token bound to
/// user, device and scope.
public struct LoginRequest: Hashable, Sendable, Codable {
    public var protocolVersion: Int
    public var user: String
    public var password: String
    /// The device id (``ChangeSet/device``) the token will be bound to.
    public var device: String
    /// The device's bundle keys (§15.2): registered at the first login that carries them, and
    /// refused afterwards if they differ (a device keeps one key pair).
    public var deviceKeys: BundlePublicKeys?
    public init(user: String, password: String, device: String, deviceKeys: BundlePublicKeys? = nil) {
        self.protocolVersion = DoudiSync.protocolVersion; self.user = user; self.password = password; self.device = device
        self.deviceKeys = deviceKeys
    }
}

/// The answer to a login.
public struct LoginResponse: Hashable, Sendable, Codable {
    public var token: String
    /// Who the token acts as: role and org unit (the scope).
    public var actor: Actor
    public var device: String
    /// Seconds since 1970 after which the token is refused.
    public var expiresAt: Int64
    /// The server's bundle keys (§15.2): what a laptop seals its bundles to and checks replies with.
    public var serverKeys: BundlePublicKeys?
    /// For a login that carried `deviceKeys`: whether they are the device's registered keys (now or
    /// before); `false` when the device registered other keys first (no `serverKeys` then). Absent
    /// from a server that does not know bundles.
    public var deviceKeysRegistered: Bool?
    public init(token: String, actor: Actor, device: String, expiresAt: Int64, serverKeys: BundlePublicKeys? = nil,
                deviceKeysRegistered: Bool? = nil) {
        self.token = token; self.actor = actor; self.device = device; self.expiresAt = expiresAt; self.serverKeys = serverKeys
        self.deviceKeysRegistered = deviceKeysRegistered
    }
}

/// `POST /v1/push`: a batch of change sets, each applied atomically and acknowledged on its own.
public struct PushRequest: Hashable, Sendable, Codable {
    public var protocolVersion: Int
    public var changeSets: [ChangeSet]
    public init(changeSets: [ChangeSet]) { self.protocolVersion = DoudiSync.protocolVersion; self.changeSets = changeSets }

    /// The request as JSON text, identical to its `Codable` encoding, written directly.
    public var canonicalText: String {
        JSONValue.object(["protocolVersion": .int(Int64(protocolVersion)), "changeSets": .array(changeSets.map(\.jsonValue))]).canonicalText
    }
}

/// The answer to a push: one acknowledgement per change set, in the order sent.
public struct PushResponse: Hashable, Sendable, Codable {
    public var acknowledgements: [Acknowledgement]
    public init(acknowledgements: [Acknowledgement]) { self.acknowledgements = acknowledgements }
}

/// What became of one change set. Never a blanket success: each says its own fate.
public struct Acknowledgement: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// Applied; ``serverSequence`` orders it.
        case accepted
        /// Applied, and the merge recorded conflicts (``conflicts``) for a person to resolve.
        case acceptedWithConflicts
        /// Not applied; ``code`` and ``message`` say why. The server store is unchanged.
        case rejected
    }

    public var changeSet: UUID
    public var status: Status
    public var serverSequence: Int64?
    public var conflicts: [UUID]
    /// For a rejection: `validation`, `authority`, `scope`, `protocol-version`, `clock`, `sequence`.
    public var code: String?
    public var message: String?

    public init(changeSet: UUID, status: Status, serverSequence: Int64? = nil, conflicts: [UUID] = [], code: String? = nil, message: String? = nil) {
        self.changeSet = changeSet; self.status = status; self.serverSequence = serverSequence; self.conflicts = conflicts
        self.code = code; self.message = message
    }
}

/// `GET /v1/pull?after=CURSOR&limit=N&maxBytes=B`: what changed in the caller's scope after a cursor.
public struct PullResponse: Hashable, Sendable, Codable {
    /// Records as the server now holds them (merged), oldest change first.
    public var records: [RecordVersion]
    /// Conflicts in scope that were recorded or resolved after the cursor.
    public var conflicts: [ConflictRecord]
    /// Pass back as `after` to continue; a page ends on a whole server sequence.
    public var cursor: Int64
    /// More is waiting: pull again with ``cursor``.
    public var hasMore: Bool
    /// Records that left the scope after the cursor (their household moved out of it), to
    /// remove (§9.7). Protocol 2 only; on the wire only when there are any.
    public var departures: [DepartedRecord]

    public init(records: [RecordVersion], conflicts: [ConflictRecord], cursor: Int64, hasMore: Bool, departures: [DepartedRecord] = []) {
        self.records = records; self.conflicts = conflicts; self.cursor = cursor; self.hasMore = hasMore; self.departures = departures
    }

    enum CodingKeys: String, CodingKey { case records, conflicts, cursor, hasMore, departures }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(records: try c.decode([RecordVersion].self, forKey: .records), conflicts: try c.decode([ConflictRecord].self, forKey: .conflicts),
                  cursor: try c.decode(Int64.self, forKey: .cursor), hasMore: try c.decode(Bool.self, forKey: .hasMore),
                  departures: try c.decodeIfPresent([DepartedRecord].self, forKey: .departures) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(records, forKey: .records); try c.encode(conflicts, forKey: .conflicts)
        try c.encode(cursor, forKey: .cursor); try c.encode(hasMore, forKey: .hasMore)
        if !departures.isEmpty { try c.encode(departures, forKey: .departures) }
    }
}

/// A record as the server holds it: every field with the stamp that wrote it.
public struct RecordVersion: Hashable, Sendable, Codable {
    public var entity: EntityKind
    public var record: UUID
    public var village: OrgCode
    public var household: UUID?
    public var fields: [String: FieldVersion]
    /// The server sequence of the change set that last wrote it.
    public var serverSequence: Int64
    /// Who made the change set that last wrote it (for history on other devices).
    public var author: Actor?
    /// That change set's id.
    public var changeSet: UUID?
    public init(entity: EntityKind, record: UUID, village: OrgCode, household: UUID?, fields: [String: FieldVersion], serverSequence: Int64,
                author: Actor? = nil, changeSet: UUID? = nil) {
        self.entity = entity; self.record = record; self.village = village; self.household = household
        self.fields = fields; self.serverSequence = serverSequence; self.author = author; self.changeSet = changeSet
    }

    /// The record's values without stamps.
    public var values: [String: JSONValue] { fields.mapValues(\.value) }
    /// Voided records keep their fields and carry `voidReason`.
    public var isVoided: Bool { fields["voidReason"].map { $0.value != .null } ?? false }
}

/// Something the merge could not decide alone; both versions are kept for a person.
public struct ConflictRecord: Identifiable, Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// The same field edited concurrently from different bases; the later stamp won.
        case concurrentEdit
        /// A void concurrent with an edit.
        case voidVersusEdit
        /// Two records with one resident ID number (one person is one person).
        case duplicatePerson
        /// One person in two active dibao enrolments.
        case duplicateEnrolment
        /// A reserve-fund draw that overdraws the town's fund (both payments kept).
        case reserveFundOverdrawn
        /// Concurrent workflow transitions; the higher authority's stands.
        case overruledTransition

        public var chineseName: String {
            switch self {
            case .concurrentEdit: "同一字段并发修改"
            case .voidVersusEdit: "注销与修改并发"
            case .duplicatePerson: "同一身份证号重复登记"
            case .duplicateEnrolment: "同一人重复享受低保"
            case .reserveFundOverdrawn: "备用金超支"
            case .overruledTransition: "审批流程并发操作被更高权限覆盖"
            }
        }
    }

    public var id: UUID
    public var kind: Kind
    public var entity: EntityKind
    public var record: UUID
    public var village: OrgCode
    /// The field concerned, for a concurrent edit.
    public var field: String?
    /// The version that stands in the record.
    public var kept: JSONValue
    /// The version that lost, kept here so nothing is lost.
    public var other: JSONValue
    /// The change sets involved.
    public var changeSets: [UUID]
    public var message: String
    /// Set once a person resolved it (by a change set of their own).
    public var resolution: Resolution?

    public struct Resolution: Hashable, Sendable, Codable {
        public var changeSet: UUID
        public var by: Actor
        public var note: String
        public init(changeSet: UUID, by: Actor, note: String) { self.changeSet = changeSet; self.by = by; self.note = note }
    }

    public init(id: UUID, kind: Kind, entity: EntityKind, record: UUID, village: OrgCode, field: String? = nil, kept: JSONValue,
                other: JSONValue, changeSets: [UUID], message: String, resolution: Resolution? = nil) {
        self.id = id; self.kind = kind; self.entity = entity; self.record = record; self.village = village; self.field = field
        self.kept = kept; self.other = other; self.changeSets = changeSets; self.message = message; self.resolution = resolution
    }
}

/// Every error the server answers with: a code and a message, never a bare 500.
public struct ErrorBody: Hashable, Sendable, Codable, Error {
    public var code: String
    public var message: String
    public init(code: String, message: String) { self.code = code; self.message = message }
}

/// `GET /v1/org-units`: the org units of the district (names and populations; the
/// reserve fund is computed from them, §3.6.5).
public struct OrgUnitList: Hashable, Sendable, Codable {
    public var units: [OrgUnit]
    public init(units: [OrgUnit]) { self.units = units }
}
