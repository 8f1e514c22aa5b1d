import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension FieldStore {
    // MARK: reading

    /// The social organisations this laptop holds (§3.7), voided ones left out, by name.
    public func socialOrganisations() throws -> [SocialOrganisation] { try standing(SocialOrganisation.self, order: "name") }

    /// The aid projects this laptop holds (§3.7), by start.
    public func aidProjects() throws -> [AidProject] { try standing(AidProject.self, order: "start") }

    /// The volunteer pool (§3.7), by name.
    public func volunteers() throws -> [Volunteer] { try standing(Volunteer.self, order: "name") }

    /// The village needs this laptop holds (§3.7), oldest first.
    public func villageNeeds() throws -> [VillageNeed] { try standing(VillageNeed.self, order: "recordedOn, village") }

    private func standing<R: StoredRecord>(_ type: R.Type, order: String) throws -> [R] {
        try database.writer.read { db in
            try R.fetchAll(db, sql: "SELECT * FROM \"\(R.databaseTableName)\" WHERE voidReason IS NULL ORDER BY \(order)")
        }
    }

    // MARK: writing (inside `perform`)

    /// Creates a §3.7 record, or updates it when one with its id is stored: the writer's role
    /// is checked against the kind's writers (the district keeps the registry; towns and
    /// villages read it).
    func save<R: StoredRecord>(_ record: R, _ r: inout ChangeRecorder) throws {
        guard R.entity.writers.contains(r.author.role) else {
            let writers = R.entity.writers.map(\.chineseName).sorted().joined(separator: "、")
            throw FieldError(.forbidden, "\(R.entity.chineseName) records are kept by \(writers); this device's user is a \(r.author.role.rawValue), who reads them")
        }
        if try R.exists(r.db, id: record.recordID) { try r.update(record) } else { try r.create(record) }
    }

    /// 对接: matches an aid project to a village need (§3.7), by the town or the district.
    func matchNeed(_ need: UUID, project: UUID, _ r: inout ChangeRecorder) throws {
        guard r.author.role == .townApprover || r.author.role == .districtOfficer else {
            throw FieldError(.forbidden, "the town or the district matches projects to village needs; this device's user is a \(r.author.role.rawValue)")
        }
        guard var found = try VillageNeed.active(r.db, id: need) else {
            throw FieldError(.notFound, field: "need", "no village need \(Self.shortID(need)) on this laptop: list them with `doudi need list`")
        }
        guard let aid = try AidProject.active(r.db, id: project) else {
            throw FieldError(.notFound, field: "project", "no aid project \(Self.shortID(project)) on this laptop: sync, then list them with `doudi org projects`")
        }
        do { try ProjectMatching.check(aid, for: found) } catch { throw FieldError(error) }
        found.project = project
        try r.update(found)
    }
}
