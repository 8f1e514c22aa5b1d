import DoudiField
import DoudiModel
import Foundation

/// The warning of a second open application for the same programme (``OpenApplications``),
/// shown at `doudi apply` and in `doudi review list`.
public enum DuplicateWarning {
    /// The warning for `application`, or nil when it is the household's only open one.
    public static func text(for application: Application, store: FieldStore) throws -> String? {
        let all = try store.applications(of: application.household).filter { $0.voidReason == nil }
        let duplicates = OpenApplications.duplicates(of: application, among: all.map { ($0.application, $0.workflow) })
        guard !duplicates.isEmpty else { return nil }
        let stages = Dictionary(uniqueKeysWithValues: all.map { ($0.application.id, $0.workflow?.stage) })
        return OpenApplications.warning(application, duplicates: duplicates.map { ($0, stages[$0.id] ?? nil) })
    }
}
