import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// The `--json` form of a conflict, as `doudi conflicts list --json` prints it.
/// Resident ID numbers inside the versions are masked.
struct ConflictItem: Encodable {
    struct Resolution: Encodable {
        var changeSet: String
        var user: String
        var role: String
        var org: String
        var note: String
    }
    var id: String
    var shortID: String
    var kind: String
    var kindName: String
    var entity: String
    var record: String
    var recordShortID: String
    var village: String
    @Nullable var field: String?
    /// The version that stands in the record.
    var kept: JSONValue
    /// The version that lost, kept so that nothing is lost.
    var other: JSONValue
    var changeSets: [String]
    var message: String
    /// `open`, `resolved` (by the server), or `resolvedHere` (a resolution waiting to sync).
    var status: String
    @Nullable var resolution: Resolution?
    var serverSequence: Int64

    init(_ e: ConflictEntry) {
        let c = e.conflict
        id = JSONOutput.id(c.id)
        shortID = Labels.short(c.id)
        kind = c.kind.rawValue
        kindName = c.kind.chineseName
        entity = c.entity.rawValue
        record = JSONOutput.id(c.record)
        recordShortID = Labels.short(c.record)
        village = c.village.value
        field = c.field
        kept = ConflictText.masked(c.kept)
        other = ConflictText.masked(c.other)
        changeSets = c.changeSets.map(JSONOutput.id)
        message = Labels.maskingResidentIDs(c.message)
        status = ConflictText.statusCode(e)
        resolution = c.resolution.map {
            .init(changeSet: JSONOutput.id($0.changeSet), user: $0.by.user, role: $0.by.role.rawValue, org: $0.by.org.value, note: $0.note)
        }
        serverSequence = e.stored.serverSequence
    }
}

/// Conflicts in words, for the human output.
enum ConflictText {
    static func statusCode(_ e: ConflictEntry) -> String {
        e.isResolutionPending ? "resolvedHere" : e.isResolved ? "resolved" : "open"
    }

    /// 待处理 / 已处理 / 已处理（待同步）.
    static func status(_ e: ConflictEntry) -> String {
        e.isResolutionPending ? "已处理（待同步）" : e.isResolved ? "已处理" : "待处理"
    }

    /// `value` with every resident ID number in it masked.
    static func masked(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): .string(Labels.maskingResidentIDs(s))
        case .array(let a): .array(a.map(masked))
        case .object(let o): .object(o.mapValues(masked))
        default: value
        }
    }

    /// A field's value as a person reads it: codes of the closed sets in Chinese with the
    /// code beside them (`部分丧失 (partial)`), other values as they are; ID numbers masked.
    static func value(_ value: JSONValue, field: String?) -> String {
        switch value {
        case .null: return "（空）"
        case .bool(let b): return b ? "是" : "否"
        case .int(let i): return "\(i)"
        case .string(let s):
            if let field, let name = chineseName(of: s, field: field) { return "\(name) (\(s))" }
            return Labels.maskingResidentIDs(s)
        case .array, .object:
            return masked(value).canonicalText
        }
    }

    /// The Chinese name of a code, for the fields whose values are a closed set.
    static func chineseName(of code: String, field: String) -> String? {
        switch field {
        case "labourCapacity": LabourCapacity(rawValue: code)?.chineseName
        case "employment": Employment(rawValue: code)?.chineseName
        case "health": Health(rawValue: code)?.chineseName
        case "personStatus": PersonStatus(rawValue: code)?.chineseName
        case "relation": Relation(rawValue: code)?.chineseName
        case "legalSupporter": LegalSupporterStatus(rawValue: code)?.chineseName
        case "father", "mother": ParentStatus(rawValue: code)?.chineseName
        case "housing": Housing(rawValue: code)?.chineseName
        case "hukouType": HukouType(rawValue: code)?.chineseName
        default: nil
        }
    }

    /// A version in lines: a whole record (an object) one field a line, else the value.
    static func lines(_ value: JSONValue, field: String?) -> [String] {
        guard case .object(let fields) = value else { return [Self.value(value, field: field)] }
        return fields.keys.sorted().map { name in "\(Labels.field(name)): \(Self.value(fields[name]!, field: name))" }
    }

    /// `家庭成员 1a2b3c4d（张大山）`: the record, named as this store knows it.
    static func record(_ c: ConflictRecord, store: FieldStore) -> String {
        var text = "\(c.entity.chineseName) \(Labels.short(c.record))"
        switch c.entity {
        case .member:
            if let m = try? store.member(c.record) { text += "（\(m.name)）" }
        case .household:
            if let h = try? store.household(c.record) { text += "（\(h.address)）" }
        default: break
        }
        return text
    }
}
