import DoudiField
import DoudiModel
import Foundation

/// Where a report is made for, and writing its files.
enum ReportScope {
    /// The org a report covers: `--town` if given (within the user's jurisdiction), else the user's own org.
    static func org(_ town: String?, store: FieldStore) throws -> OrgCode {
        let actor = try store.device().actor
        guard let town else { return actor.org }
        let code = try Parse.orgCode(town, option: "--town")
        guard actor.hasJurisdiction(over: code) else {
            throw CommandFailure("\(code) is outside your jurisdiction (\(actor.org)): a report covers only what you may see")
        }
        return code
    }

    /// The towns (9-digit codes) inside `org` that the store holds households of.
    static func towns(within org: OrgCode, cases: [HouseholdCase]) -> [OrgCode] {
        if org.level != .district { return [org.town ?? org] }
        return Set(cases.compactMap { $0.household.village.town }).sorted()
    }

    /// The name of an org unit, else its code.
    static func name(_ code: OrgCode, _ tree: OrgTree) -> String { tree[code]?.name ?? code.value }

    /// Writes a text file (UTF-8, as given: CSV texts carry their BOM; or a bank's encoding) and
    /// says where it went.
    static func write(_ text: String, encoding: BankFormat.Encoding = .utf8, to path: String, what: String) throws {
        let data: Data
        do { data = try TextCodec.encode(text, as: encoding) } catch {
            throw CommandFailure("cannot write \(what) in \(encoding.rawValue): \(error)")
        }
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure("cannot write \(what) to \(path): \(error.localizedDescription); check that the folder exists and is writable")
        }
        print("已写入 Wrote \(what): \(path)")
    }
}
