import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// Finds one record among `records` by its short id (4 or more leading characters of its
/// id) or, when `name` is given, by that name; fails with the choices when none or several match.
enum RegistryLookup {
    static func find<R: Identifiable>(_ text: String, in records: [R], what: String, list: String,
                                      name: (R) -> String) throws -> R where R.ID == UUID {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        var found = records.filter { name($0) == wanted }
        if found.isEmpty, wanted.count >= FieldStore.shortIDMinimum {
            found = records.filter { $0.id.uuidString.lowercased().hasPrefix(wanted.lowercased()) }
        }
        guard let only = found.first, found.count == 1 else {
            let choices = records.prefix(8).map { "\(FieldStore.shortID($0.id)) \(name($0))" }.joined(separator: "、")
            throw CommandFailure(chinese: found.isEmpty ? "找不到记录" : "有多条记录与之相符", "\(Labels.echo(text)) names \(found.isEmpty ? "no" : "several") \(what) on this laptop (\(choices.isEmpty ? "none yet: sync first" : choices)); give its short id (`\(list)`)")
        }
        return only
    }
}
