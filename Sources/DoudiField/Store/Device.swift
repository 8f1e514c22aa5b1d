import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// This laptop: who uses it, where, and its sync identity.
public struct Device: Hashable, Sendable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "device"

    /// Device id, unique per store (the HLC node and the change-set device).
    public var id: String
    /// A name the user gave, e.g. 五星村笔记本.
    public var name: String
    public var user: String
    public var role: Role
    /// The village (collector) or town (approver) the device works for.
    public var org: OrgCode
    /// The sequence number the next change set gets.
    public var nextSequence: Int64
    /// The clock's last stamp, as text.
    public var clock: String
    public var createdAt: String

    /// The actor the device's user acts as.
    public var actor: Actor { Actor(user: user, role: role, org: org) }
}

/// What `doudi init` needs to set up a store.
public struct DeviceSetup: Sendable {
    public var name: String
    public var user: String
    public var role: Role
    public var org: OrgCode

    public init(name: String, user: String, role: Role = .collector, org: OrgCode) {
        self.name = name; self.user = user; self.role = role; self.org = org
    }
}
