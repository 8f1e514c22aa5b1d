import DoudiModel
import DoudiSync
import Foundation
import GRDB

extension FieldStore {
    /// The special periods (§4.4) this laptop holds, voided ones left out, earliest first.
    public func specialPeriods() throws -> [SpecialPeriod] {
        try database.writer.read { db in
            try SpecialPeriod.fetchAll(db, sql: "SELECT * FROM specialPeriod WHERE voidReason IS NULL ORDER BY start")
        }
    }

    /// The special procedure in force on `day` (§4.4) by the policy records in this store, if any.
    func specialProcedure(on day: Day, _ db: Database) throws -> SpecialProcedure? {
        try Self.policyBook(db).specialProcedure(on: day)
    }

    /// 宣布特殊时期: the district declares a special period (§4.4) with its start and basis.
    func declareSpecialPeriod(_ period: SpecialPeriod, _ r: inout ChangeRecorder) throws {
        try requireDistrictOfficer(r, "declares a special period")
        guard period.district == r.author.org else {
            throw FieldError(.forbidden, field: "district", "this laptop's user works for district \(r.author.org); a special period of \(period.district) is declared by that district")
        }
        guard period.declaredEnd == nil else {
            throw FieldError(.validation, field: "declaredEnd", "declare the period with its start; declare its end later (doudi policy special end)")
        }
        try r.create(period)
    }

    /// 宣布特殊时期结束: the district declares the end of a special period (§4.4); the special
    /// procedure continues for the policy's continuation months after it.
    func endSpecialPeriod(_ id: UUID, end: Day, basis: String, _ r: inout ChangeRecorder) throws {
        try requireDistrictOfficer(r, "declares the end of a special period")
        guard var period = try SpecialPeriod.active(r.db, id: id) else {
            throw FieldError(.notFound, field: "period", "no special period \(Self.shortID(id)) on this laptop: list them with `doudi policy special list`")
        }
        if let declared = period.declaredEnd {
            throw FieldError(.validation, field: "end", "the end of \(period.title) was already declared on \(declared); correct it by voiding the period and declaring it again")
        }
        period.declaredEnd = end
        period.endBasis = basis
        try r.update(period)
    }

    private func requireDistrictOfficer(_ r: ChangeRecorder, _ what: String) throws {
        guard EntityKind.specialPeriod.writers.contains(r.author.role) else {
            throw FieldError(.forbidden, "only the district \(what) (§4.4); this device's user is a \(r.author.role.rawValue)")
        }
    }
}
