import DoudiModel
import DoudiSync
import Foundation

/// Reading back a value the store keeps as text, with a typed error instead of a trap when
/// it is not what this doudi wrote (a damaged file, or one written by a newer doudi).
enum StoredValue {
    static func damaged(_ what: String, _ text: String) -> FieldError {
        FieldError(.storeDamaged, "the store holds \(what) \"\(text.prefix(40))\" that this doudi cannot read: update doudi, or restore the store from a backup (`doudi restore`)")
    }

    /// A UUID column.
    static func uuid(_ text: String, _ what: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw damaged("a \(what) id", text) }
        return id
    }

    /// An enumeration column (a state, a record kind, an operation).
    static func value<T: RawRepresentable>(_ type: T.Type, _ text: String, _ what: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else { throw damaged(what, text) }
        return value
    }

    /// A stamp column (``HLCStamp/text``).
    static func stamp(_ text: String) throws -> HLCStamp {
        guard let stamp = HLCStamp(text: text) else { throw damaged("a clock stamp", text) }
        return stamp
    }
}
