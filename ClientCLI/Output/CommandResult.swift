import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// What a command that changes something did, as `--json` prints it (``ResultOutput``): one
/// object on standard output, keys sorted, every key present.
///
/// ```json
/// {"command": "household add", "records": [{"kind": "household", "id": "…", "short": "adc72eaa"}],
///  "changeSet": {"id": "…", "sequence": 3}, "counts": {}, "details": {}, "warnings": []}
/// ```
///
/// Ids are full lowercase UUIDs with their short id beside them; resident ID numbers are never
/// put here unmasked (``details`` values are masked when written).
struct CommandResult: Encodable {
    /// A record the command wrote or named.
    struct RecordReference: Encodable, Hashable {
        /// The record's kind: the sync protocol's entity name (`household`, `member`, `workflow` …).
        var kind: String
        var id: String
        var short: String
    }

    /// The change set the command wrote to the outbox.
    struct ChangeSetReference: Encodable {
        var id: String
        /// Its number on this device (what `doudi outbox` lists).
        var sequence: Int64
        var action: String
    }

    /// The command, as typed after `doudi` (`household add`, `review approve` …).
    var command: String
    /// Records written (every record of the change set) or acted on, each once, in order.
    var records: [RecordReference] = []
    /// The change set written, `null` when the command wrote none (login, lock …).
    @Nullable var changeSet: ChangeSetReference?
    /// Numbers worth a script's attention (`pushed`, `pending`, `policyVersions` …).
    var counts: [String: Int] = [:]
    /// Further facts, as text (`server`, `user`, `role`, `stage` …).
    var details: [String: String] = [:]
    /// What a person would have been warned of (a second open application, a note …).
    var warnings: [String] = []

    init(command: String) { self.command = command }

    /// Records `changeSet` and every record it changed.
    mutating func wrote(_ changeSet: ChangeSet) {
        self.changeSet = ChangeSetReference(id: JSONOutput.id(changeSet.id), sequence: changeSet.sequence, action: changeSet.action)
        for change in changeSet.changes { record(change.entity.rawValue, change.record) }
    }

    /// Adds a record (once).
    mutating func record(_ kind: String, _ id: UUID) {
        let reference = RecordReference(kind: kind, id: JSONOutput.id(id), short: Labels.short(id))
        if !records.contains(reference) { records.append(reference) }
    }

    /// Sets a detail; resident ID numbers in it are masked.
    mutating func detail(_ key: String, _ value: String?) {
        if let value { details[key] = Labels.maskingResidentIDs(value) }
    }

    /// Adds a warning; resident ID numbers in it are masked.
    mutating func warn(_ text: String) { warnings.append(Labels.maskingResidentIDs(text)) }
}
