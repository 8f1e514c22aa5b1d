import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// What the `… restore` commands share, and the `void` of visits and surveys: find the record
/// by its short id (voided records too), check it is of the kind the command is for, record
/// the void or the restore with its reason.
enum RestoreRecord {
    /// Finds a record of `entity` by short id (a household also by a member's ID number).
    static func resolve(_ entity: EntityKind, _ reference: String, store: FieldStore) throws -> UUID {
        if entity == .household { return try store.resolveHouseholdReference(reference) }
        let found = try store.resolveRecord(reference)
        guard found.entity == entity else {
            throw CommandFailure(chinese: "记录类别不符", "\(Labels.echo(reference)) is a \(found.entity.chineseName) (\(found.entity.rawValue)) record, not a \(entity.chineseName): use `doudi \(found.entity.rawValue) …`")
        }
        return found.id
    }

    /// Restores (恢复) the record `reference` names, with the reason.
    static func run(_ entity: EntityKind, _ reference: String, reason: String?, storeOptions: StoreOptions, result: inout CommandResult) throws {
        let store = try storeOptions.open()
        let id = try resolve(entity, reference, store: store)
        let changeSet = try store.perform(.restore(entity, id, reason: reason ?? ""))
        result.wrote(changeSet)
        print("已恢复\(entity.chineseName) Restored \(entity.rawValue) \(Labels.short(id))：\(reason ?? "")；变更集 #\(changeSet.sequence) 待同步")
    }

    /// Voids (作废) a visit or survey `reference` names, with the reason.
    static func void(_ entity: EntityKind, _ reference: String, reason: String?, storeOptions: StoreOptions, result: inout CommandResult) throws {
        let store = try storeOptions.open()
        let id = try resolve(entity, reference, store: store)
        let changeSet = try store.perform(.void(entity, id, reason: reason ?? ""))
        result.wrote(changeSet)
        print("已作废\(entity.chineseName) Voided \(entity.rawValue) \(Labels.short(id))：\(reason ?? "")；变更集 #\(changeSet.sequence) 待同步（恢复 restore: doudi \(entity.rawValue) restore \(Labels.short(id)) --reason …）")
    }
}
