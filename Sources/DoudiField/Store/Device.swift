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

    /// The store's device, read column by column (every action reads it: no `Codable` pass).
    ///
    /// - Throws: ``FieldError`` `store-damaged` when a column does not hold what it should.
    static func current(_ db: Database) throws -> Device? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, name, user, role, org, nextSequence, clock, createdAt FROM device LIMIT 1")) else {
            return nil
        }
        guard let role = Role(rawValue: row[3]), let org = try? OrgCode(row[4] as String) else {
            throw FieldError(.storeDamaged, "the store's device row names an unknown role or org unit: restore the store from a backup")
        }
        return Device(id: row[0], name: row[1], user: row[2], role: role, org: org, nextSequence: row[5], clock: row[6], createdAt: row[7])
    }

    /// Writes what an action moves on: the next sequence number and the clock.
    func saveProgress(_ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE device SET nextSequence = ?, clock = ? WHERE id = ?").execute(arguments: [nextSequence, clock, id])
    }
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
