import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// A model record kept in its own table, with what change capture needs to know of it.
///
/// The model's `Codable` form is the row: each top-level field is a column, nested
/// values are JSON text. Every table also has a store-level `voidReason` column:
/// records are voided, never deleted. Sensitive fields (``SealedField/names(of:)``) are
/// sealed in their columns: rows are written with ``SealedRow`` and read with
/// ``decode(_:keys:)`` (`StoredRecord+Sealing.swift`).
protocol StoredRecord: Codable, Sendable, FetchableRecord, PersistableRecord, ValidatedRecord {
    static var entity: EntityKind { get }
    /// The record's id (for a workflow, its application's id).
    var recordID: UUID { get }
    /// The household the record belongs to, if any.
    var householdID: UUID? { get }
    /// The village whose jurisdiction the record falls in.
    func village(_ db: Database) throws -> OrgCode
    /// The resident ID number the store indexes the record by (keyed, ``PersonIndex``): a member's.
    var residentIDForIndex: String? { get }
}

extension StoredRecord {
    public static func databaseUUIDEncodingStrategy(for column: String) -> DatabaseUUIDEncodingStrategy { .uppercaseString }
    public static var databaseTableName: String { entity.rawValue }

    var residentIDForIndex: String? { nil }

    /// Finds a record that has not been voided, its sealed fields opened with `keys`.
    ///
    /// - Throws: ``FieldError`` `locked` for a record with sealed fields when `keys` is nil.
    static func active(_ db: Database, id: UUID, keys: StoreKeys? = nil) throws -> Self? {
        try fetchOne(db, sql: "SELECT * FROM \"\(databaseTableName)\" WHERE \(primaryKeyColumn) = ? AND voidReason IS NULL",
                     arguments: [id.uuidString], keys: keys)
    }

    /// Finds a record, voided or not, its sealed fields opened with `keys`.
    ///
    /// - Throws: ``FieldError`` `locked` for a record with sealed fields when `keys` is nil.
    static func find(_ db: Database, id: UUID, keys: StoreKeys? = nil) throws -> Self? {
        try fetchOne(db, sql: "SELECT * FROM \"\(databaseTableName)\" WHERE \(primaryKeyColumn) = ?", arguments: [id.uuidString], keys: keys)
    }

    /// Whether a record with this id exists, voided or not.
    static func exists(_ db: Database, id: UUID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM \"\(databaseTableName)\" WHERE \(primaryKeyColumn) = ?"), arguments: [id.uuidString]) ?? false
    }

    static var primaryKeyColumn: String { entity == .workflow ? "application" : "id" }

    /// The void reason, when the record is voided.
    static func voidReason(_ db: Database, id: UUID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT voidReason FROM \"\(databaseTableName)\" WHERE \(primaryKeyColumn) = ?"), arguments: [id.uuidString])
    }

    /// The village whose jurisdiction the record falls in.
    func village(_ db: Database) throws -> OrgCode {
        guard let household = householdID else {
            throw FieldError(.notFound, "a \(Self.entity.rawValue) record must belong to a household")
        }
        guard let code = try String.fetchOne(db.cachedStatement(sql: "SELECT village FROM household WHERE id = ?"), arguments: [household.uuidString]) else {
            throw FieldError(.notFound, field: "household", "household \(household) is not in this store: register it first")
        }
        return try OrgCode(code)
    }
}

extension Household: StoredRecord {
    static let entity = EntityKind.household
    var recordID: UUID { id }
    var householdID: UUID? { id }
    func village(_ db: Database) throws -> OrgCode { village }
}

extension Member: StoredRecord {
    static let entity = EntityKind.member
    var recordID: UUID { id }
    var householdID: UUID? { household }
    var residentIDForIndex: String? { residentID.value }
}

extension SupportObligor: StoredRecord {
    static let entity = EntityKind.obligor
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension Visit: StoredRecord {
    static let entity = EntityKind.visit
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension Survey: StoredRecord {
    static let entity = EntityKind.survey
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension Application: StoredRecord {
    static let entity = EntityKind.application
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension ApplicationWorkflow: StoredRecord {
    static let entity = EntityKind.workflow
    var recordID: UUID { application }
    var householdID: UUID? { nil }
    func village(_ db: Database) throws -> OrgCode { village }
    public func validate() throws(ModelError) {}
}

extension Enrolment: StoredRecord {
    static let entity = EntityKind.enrolment
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension Payment: StoredRecord {
    static let entity = EntityKind.payment
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension BankReturn: StoredRecord {
    static let entity = EntityKind.bankReturn
    var recordID: UUID { id }
    var householdID: UUID? { household }
}

extension Decision: StoredRecord {
    static let entity = EntityKind.decision
    var recordID: UUID { id }
    /// A stop-payment decision names its household; a decision on an application does not.
    var householdID: UUID? { household }
    /// A decision belongs to the village of the application it decides (of the household, for
    /// a stop-payment decision), so the village sees it too.
    func village(_ db: Database) throws -> OrgCode {
        if let household {
            guard let code = try String.fetchOne(db.cachedStatement(sql: "SELECT village FROM household WHERE id = ?"), arguments: [household.uuidString]) else {
                throw FieldError(.notFound, field: "household", "household \(household) is not in this store")
            }
            return try OrgCode(code)
        }
        guard let application else { throw FieldError(.notFound, field: "application", "a decision names its application or household") }
        guard let code = try String.fetchOne(db.cachedStatement(sql: """
            SELECT h.village FROM application a JOIN household h ON h.id = a.household WHERE a.id = ?
            """), arguments: [application.uuidString]) else {
            throw FieldError(.notFound, field: "application", "application \(application) is not in this store")
        }
        return try OrgCode(code)
    }
}

extension ReserveFundEntry: StoredRecord {
    static let entity = EntityKind.reserveFundEntry
    var recordID: UUID { id }
    var householdID: UUID? { nil }
    func village(_ db: Database) throws -> OrgCode { town }
}

/// A district record (``EntityKind/isDistrictRecord``): no household, kept under its district's
/// code, which every laptop of the district pulls.
protocol DistrictStoredRecord: StoredRecord, Identifiable where ID == UUID {
    var district: OrgCode { get }
}

extension DistrictStoredRecord {
    var recordID: UUID { id }
    var householdID: UUID? { nil }
    func village(_ db: Database) throws -> OrgCode { district }
}

extension SpecialPeriod: DistrictStoredRecord { static let entity = EntityKind.specialPeriod }
extension SocialOrganisation: DistrictStoredRecord { static let entity = EntityKind.socialOrganisation }
extension AidProject: DistrictStoredRecord { static let entity = EntityKind.aidProject }
extension Volunteer: DistrictStoredRecord { static let entity = EntityKind.volunteer }

extension VillageNeed: StoredRecord {
    static let entity = EntityKind.villageNeed
    var recordID: UUID { id }
    var householdID: UUID? { nil }
    func village(_ db: Database) throws -> OrgCode { village }
}
