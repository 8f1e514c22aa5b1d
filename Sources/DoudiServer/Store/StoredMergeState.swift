import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// What the merge engine asks of the store, answered inside the writing transaction.
///
/// The engine turns any error it gets from the state into a `validation` rejection;
/// a failure of the store is not the client's fault, so the first one is kept in
/// ``failure`` and the caller rethrows it instead of remembering a rejection.
struct StoredMergeState: MergeState {
    let db: Database
    let failure = FailureBox()

    final class FailureBox { var error: (any Error)? }

    func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            if failure.error == nil { failure.error = error }
            throw error
        }
    }

    func current(_ entity: EntityKind, _ id: UUID) throws -> RecordVersion? {
        try guarded { try StoredRecords.fetch(db, entity, id) }
    }

    func activeMember(residentID: String, excluding: UUID) throws -> RecordVersion? {
        try guarded {
            try String.fetchOne(db, sql: """
                SELECT body FROM record WHERE personKey = ? AND voided = 0 AND entity = 'member' AND id != ? LIMIT 1
                """, arguments: [StoredRecords.personKey(residentID), excluding.uuidString]).map(StoredRecords.decodeRecord)
        }
    }

    func activeDibaoEnrolments(household: UUID, member: UUID?, excluding: UUID) throws -> [RecordVersion] {
        try guarded {
            let rows = try String.fetchAll(db, sql: """
                SELECT body FROM record WHERE entity = 'enrolment' AND household = ? AND voided = 0 AND id != ?
                """, arguments: [household.uuidString, excluding.uuidString])
            let memberValue: JSONValue = member.map { .string($0.uuidString) } ?? .null
            return try rows.map(StoredRecords.decodeRecord).filter { version in
                version.fields["programme"]?.value == .string(Programme.dibao.rawValue)
                    && (version.fields["end"]?.value ?? .null) == .null
                    && Self.sameMember(version.fields["member"]?.value ?? .null, memberValue)
            }
        }
    }

    static func sameMember(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .string(let x) = a, case .string(let y) = b { return x.uppercased() == y.uppercased() }
        return a == b
    }

    func reserveFundEntries(town: OrgCode) throws -> [ReserveFundEntry] {
        try guarded {
            try String.fetchAll(db, sql: """
                SELECT body FROM record WHERE entity = 'reserveFundEntry' AND voided = 0 AND json_extract(body, '$.fields.town.value') = ?
                """, arguments: [town.value])
                .map { try RecordFields.record(ReserveFundEntry.self, from: StoredRecords.decodeRecord($0).values) }
        }
    }
}
