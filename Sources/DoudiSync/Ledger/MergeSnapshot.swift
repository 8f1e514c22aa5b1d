import DoudiModel
import Foundation

/// The state a push merges over: what the store loaded up front, plus what the push's
/// earlier change sets wrote. Answers the merge engine without I/O.
///
/// It can only answer what was loaded: ``SyncLedger`` asks the store for every record,
/// person, household and fund the push names before it merges.
public struct MergeSnapshot: MergeState, Sendable {
    private var records: [RecordKey: RecordVersion] = [:]
    private var members: [String: Set<UUID>] = [:]
    private var enrolmentsByHousehold: [UUID: Set<UUID>] = [:]
    private var fundByTown: [OrgCode: Set<UUID>] = [:]
    private var byHousehold: [UUID: Set<RecordKey>] = [:]

    public init() {}

    /// Adds records a store loaded (or a merge wrote), replacing older versions.
    public mutating func absorb(_ versions: some Sequence<RecordVersion>) {
        for version in versions {
            let key = RecordKey(version.entity, version.record)
            records[key] = version
            if let household = version.household, version.entity != .household { byHousehold[household, default: []].insert(key) }
            switch version.entity {
            case .member:
                if case .string(let number) = version.fields["residentID"]?.value ?? .null {
                    members[ResidentID.personKey(number), default: []].insert(version.record)
                }
            case .enrolment:
                if let household = version.household { enrolmentsByHousehold[household, default: []].insert(version.record) }
            case .reserveFundEntry:
                if case .string(let text) = version.fields["town"]?.value ?? .null, let town = try? OrgCode(text) {
                    fundByTown[town, default: []].insert(version.record)
                }
            default:
                break
            }
        }
    }

    public func current(_ entity: EntityKind, _ id: UUID) -> RecordVersion? { records[RecordKey(entity, id)] }

    public func activeMembers(residentID: String) -> [RecordVersion] {
        let key = ResidentID.personKey(residentID)
        return (members[key] ?? []).compactMap { records[RecordKey(.member, $0)] }.filter { version in
            guard !version.isVoided, case .string(let number) = version.fields["residentID"]?.value ?? .null else { return false }
            return ResidentID.personKey(number) == key // a later version may carry another number
        }.sorted { $0.record.uuidString < $1.record.uuidString }
    }

    public func enrolments(household: UUID) -> [RecordVersion] {
        (enrolmentsByHousehold[household] ?? []).compactMap { records[RecordKey(.enrolment, $0)] }
            .filter { !$0.isVoided && $0.household == household }
            .sorted { $0.record.uuidString < $1.record.uuidString }
    }

    /// Only what was loaded: the ledger loads a household's records before a change that may move it
    /// (``SnapshotRequest/householdRecords``).
    public func records(household: UUID) -> [RecordVersion] {
        var found = (byHousehold[household] ?? []).compactMap { records[$0] }.filter { $0.household == household }
        // a workflow is kept under its application's id and names no household
        found += found.filter { $0.entity == .application }.compactMap { records[RecordKey(.workflow, $0.record)] }
        return found.sorted { ($0.entity.rawValue, $0.record.uuidString) < ($1.entity.rawValue, $1.record.uuidString) }
    }

    public func reserveFundEntries(town: OrgCode) -> [ReserveFundEntry] {
        (fundByTown[town] ?? []).compactMap { records[RecordKey(.reserveFundEntry, $0)] }
            .filter { !$0.isVoided }
            .sorted { ($0.serverSequence, $0.record.uuidString) < ($1.serverSequence, $1.record.uuidString) }
            .compactMap { try? RecordFields.record(ReserveFundEntry.self, from: $0.values) }
            .filter { $0.town == town }
    }
}
