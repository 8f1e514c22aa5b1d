import DoudiModel
import Foundation

/// The limits a change set must keep (Protocol/SPEC.md §3.5 and §7.1). A change set beyond
/// one is rejected `validation` on its own; the rest of its push goes on.
public enum WireLimits {
    /// 9999-12-31T23:59:59.999Z: no stamp is later (nor before 1970).
    public static let maxWallMillis: Int64 = 253_402_300_799_999
    /// A counter stays below `Int32.max`, so that a clock taking it in can always count one on.
    public static let maxCounter: Int32 = Int32.max - 1
    /// Changes in one change set (a whole household with its members is a few dozen).
    public static let maxChanges = 1_000
    /// Fields written by one change (a record has at most a few dozen).
    public static let maxFieldsPerChange = 100
    /// Conflicts one change set may resolve.
    public static let maxResolves = 100
    /// Characters of an action name (`household.add`, `workflow.approve`).
    public static let maxActionLength = 64
    /// Characters of a field name.
    public static let maxFieldNameLength = 64
    /// Characters of a change set's note.
    public static let maxNoteLength = 2_000
    /// Bytes of a change set's canonical JSON.
    public static let maxChangeSetBytes = 1 << 20
}

/// Device ids: what `ChangeSet.device` and every stamp's `node` carry — short, plain, and
/// never a person's name (Protocol/SPEC.md §5.2).
public enum DeviceID {
    /// The rule, for messages.
    public static let rule = "1–64 characters of letters, digits and . _ : -"

    /// True for 1–64 ASCII letters, digits, `.`, `_`, `:` and `-`.
    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "-")
        }
    }
}

extension ChangeSet {
    /// Checks the change set against ``WireLimits`` and the stamp rules: its device id,
    /// every stamp it makes is its device's, the sizes, and the text of every field value
    /// (``TextRules``).
    ///
    /// - Throws: ``MergeRejection`` `validation` naming the member and the limit.
    public func checkLimits() throws(MergeRejection) {
        func refuse(_ message: String) -> MergeRejection { MergeRejection(.validation, message) }
        guard DeviceID.isValid(device) else { throw refuse("device: \(WireReader.quoted(device)) is not a device id (\(DeviceID.rule))") }
        guard stamp.node == device else {
            throw refuse("stamp.node: \(WireReader.quoted(stamp.node)) is not the change set's device \(device): a device stamps with its own id")
        }
        guard (1...WireLimits.maxActionLength).contains(action.count), action.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw refuse("action: must be 1–\(WireLimits.maxActionLength) characters without spaces or control characters")
        }
        if let note {
            guard note.count <= WireLimits.maxNoteLength else { throw refuse("note: \(note.count) characters; at most \(WireLimits.maxNoteLength)") }
            do { try TextRules.check(note, field: "note") } catch { throw refuse("note: \(error.message)") }
        }
        guard changes.count <= WireLimits.maxChanges else {
            throw refuse("changes: \(changes.count) changes in one change set; at most \(WireLimits.maxChanges): split the action")
        }
        guard resolves.count <= WireLimits.maxResolves else {
            throw refuse("resolves: \(resolves.count) conflicts; at most \(WireLimits.maxResolves)")
        }
        for (i, change) in changes.enumerated() {
            guard change.fields.count <= WireLimits.maxFieldsPerChange else {
                throw refuse("changes[\(i)].fields: \(change.fields.count) fields; at most \(WireLimits.maxFieldsPerChange)")
            }
            for (j, field) in change.fields.enumerated() {
                let at = "changes[\(i)].fields[\(j)]"
                guard (1...WireLimits.maxFieldNameLength).contains(field.name.utf8.count),
                      field.name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: "_") }) else {
                    throw refuse("\(at).name: \(WireReader.quoted(field.name)) is not a field name (letters, digits and _, at most \(WireLimits.maxFieldNameLength))")
                }
                guard field.stamp.node == device else {
                    throw refuse("\(at).stamp.node: \(WireReader.quoted(field.stamp.node)) is not the change set's device \(device): a device stamps with its own id")
                }
                do { try RecordFields.checkText(field.value, field: field.name) } catch {
                    throw refuse("\(at).value: \(error.field.map { "\($0): " } ?? "")\(error.message)")
                }
            }
        }
    }
}
