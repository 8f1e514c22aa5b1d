import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// What `household void` and `member void` share: resolve the record, void it with the
/// reason (the store refuses an empty one), say what was done.
enum VoidRecord {
    /// Voids the record `reference` names, found by `resolve`; `done` is the Chinese and English
    /// verb phrase printed before the short id, e.g. `已注销家庭 Voided household`.
    static func run(_ entity: EntityKind, _ reference: String, reason: String?, storeOptions: StoreOptions, result: inout CommandResult, done: String,
                    resolve: (FieldStore, String) throws -> UUID) throws {
        let store = try storeOptions.open()
        let id = try resolve(store, reference)
        let changeSet = try store.perform(.void(entity, id, reason: reason ?? ""))
        result.wrote(changeSet)
        print("\(done) \(Labels.short(id))：\(reason ?? "")；变更集 #\(changeSet.sequence) 待同步")
    }
}
