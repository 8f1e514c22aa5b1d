import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Records whose rows hold sealed fields are written and read through the store's keys only.
///
/// A row is written by ``SealedRow`` (the record's columns, its sealed fields sealed, a
/// member's keyed person index beside them) and read by ``StoredRecord/decode(_:keys:)``.
/// GRDB's own `insert`, `update` and `fetch` of a household, member or legal supporter
/// refuse (see `Household.encode(to:)`, `init(row:)` below): a plaintext write cannot
/// slip through by accident.
extension StoredRecord {
    /// The columns of this kind of record that hold sealed values.
    static var sealedFields: [String] { SealedField.names(of: entity) }

    /// A record from its row, sealed fields opened with `keys`.
    ///
    /// A sealed column that holds a value written before the store was protected (not
    /// `enc1:`) is read as it is.
    ///
    /// - Throws: ``FieldError`` `locked` when the row has sealed fields and `keys` is nil;
    ///   `damaged` when a sealed value does not open.
    static func decode(_ row: Row, keys: StoreKeys?) throws -> Self {
        let names = sealedFields
        guard !names.isEmpty else { return try Self(row: row) }
        let keys = try StoreKeys.required(keys)
        var values: [String: DatabaseValue] = [:]
        for (column, value) in row { values[column] = value }
        for name in names {
            guard let value = values[name], case .string(let text) = value.storage, StoreKeys.isSealed(text) else { continue }
            values[name] = try keys.open(text, field: SealedField(entity, name)).columnValue
        }
        return try DecodedRecord<Self>(row: Row(values)).record
    }

    /// Finds one record with `sql`, sealed fields opened.
    static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = [], keys: StoreKeys?) throws -> Self? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map { try decode($0, keys: keys) }
    }

    /// Finds records with `sql`, sealed fields opened.
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = [], keys: StoreKeys?) throws -> [Self] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { try decode($0, keys: keys) }
    }

    /// Writes the sealed fields of `record` into `container`, and a member's person index.
    ///
    /// - Throws: ``FieldError`` `locked` when the record has sealed fields and `keys` is nil.
    static func seal(_ record: Self, into container: inout PersistenceContainer, keys: StoreKeys?) throws {
        let names = sealedFields
        guard !names.isEmpty else { return }
        let keys = try StoreKeys.required(keys)
        let fields = try RecordFields.fields(of: record)
        for name in names {
            container[name] = keys.seal(fields[name] ?? .null, field: SealedField(entity, name))
        }
        if let number = record.residentIDForIndex {
            container[PersonIndex.column] = keys.personIndex(number)
            container[FieldDatabase.idTailColumn] = keys.searchTail(number)
        }
    }
}

/// The keyed person index: a member's resident ID number as HMAC, in an indexed column, so
/// that the store finds a person by ID number (and keeps one ID number to one person) without
/// the number in the file.
enum PersonIndex {
    /// The member column holding it.
    static let column = "personIndex"
}

/// A record's row as the store writes it: the record's columns, sealed fields sealed.
struct SealedRow<R: StoredRecord>: PersistableRecord {
    static var databaseTableName: String { R.databaseTableName }
    var record: R
    var keys: StoreKeys?

    func encode(to container: inout PersistenceContainer) throws {
        try PlainRecord(record: record).encode(to: &container)
        try R.seal(record, into: &container, keys: keys)
    }
}

/// GRDB's `Codable` row encoding of a record, without its sealing (used by ``SealedRow``).
private struct PlainRecord<R: Encodable>: EncodableRecord, Encodable {
    var record: R
    static func databaseUUIDEncodingStrategy(for column: String) -> DatabaseUUIDEncodingStrategy { .uppercaseString }
    func encode(to encoder: any Encoder) throws { try record.encode(to: encoder) }
}

/// GRDB's `Codable` row decoding of a record, from a row whose sealed fields are open.
private struct DecodedRecord<R: Decodable>: FetchableRecord, Decodable {
    var record: R
    init(from decoder: any Decoder) throws { record = try R(from: decoder) }
}

extension JSONValue {
    /// The column value a field's JSON value is stored as: strings as text, nested values as
    /// canonical JSON text (the row the model's `Codable` form makes).
    var columnValue: DatabaseValue {
        switch self {
        case .null: .null
        case .bool(let b): (b ? 1 : 0).databaseValue
        case .int(let i): i.databaseValue
        case .string(let s): s.databaseValue
        case .array, .object: canonicalText.databaseValue
        }
    }
}

// MARK: - Sealed kinds refuse GRDB's plain row coding

extension Household {
    /// Refuses: a household's row is written sealed, through ``SealedRow``.
    public func encode(to container: inout PersistenceContainer) throws { throw FieldError.plainRow(.household) }
    /// Refuses: a household's row is read through ``StoredRecord/decode(_:keys:)``.
    public init(row: Row) throws { throw FieldError.plainRow(.household) }
}

extension Member {
    /// Refuses: a member's row is written sealed, through ``SealedRow``.
    public func encode(to container: inout PersistenceContainer) throws { throw FieldError.plainRow(.member) }
    /// Refuses: a member's row is read through ``StoredRecord/decode(_:keys:)``.
    public init(row: Row) throws { throw FieldError.plainRow(.member) }
}

extension SupportObligor {
    /// Refuses: a legal supporter's row is written sealed, through ``SealedRow``.
    public func encode(to container: inout PersistenceContainer) throws { throw FieldError.plainRow(.obligor) }
    /// Refuses: a legal supporter's row is read through ``StoredRecord/decode(_:keys:)``.
    public init(row: Row) throws { throw FieldError.plainRow(.obligor) }
}

extension FieldError {
    static func plainRow(_ entity: EntityKind) -> FieldError {
        FieldError(.damaged, "a \(entity.rawValue) row holds sealed values and is read and written with the store's keys only (a doudi bug: report it)")
    }
}
