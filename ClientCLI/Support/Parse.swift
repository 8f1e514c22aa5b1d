import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// Reading option values: days, amounts of yuan, org codes, members named within a
/// household. Each failure is a `ValidationError` naming the option and what to write.
enum Parse {
    /// A day as people type it (`2020-07-01`, `2020/7/1`, `2020年7月1日` …, ``Day/init(typed:)``),
    /// or today when not given.
    static func day(_ text: String?, option: String = "--date") throws -> Day {
        guard let text else { return try SystemClock.today() }
        do { return try Day(typed: text) } catch { throw ValidationError(ErrorLine.bilingual("日期有误", "\(option) \(error.description)")) }
    }

    /// Yuan as people type them, with at most two decimals: `360`, `1080.50`, `1,200`, `1200元`,
    /// `¥1200`, full-width digits (``Money/init(typed:)``). A minus sign is read (the record's
    /// validation refuses a negative amount with its own message).
    static func money(_ text: String, option: String) throws -> Money {
        do { return try Money(typed: text) } catch { throw ValidationError(ErrorLine.bilingual("金额有误", "\(option) \(error.description)")) }
    }

    /// `YYYY-MM`.
    static func month(_ text: String, option: String) throws -> YearMonth {
        do { return try YearMonth(iso: text.trimmingCharacters(in: .whitespaces)) } catch { throw ValidationError(ErrorLine.bilingual("月份有误", "\(option) \(error.description)")) }
    }

    /// A 6-, 9- or 12-digit administrative code.
    static func orgCode(_ text: String, option: String) throws -> OrgCode {
        do { return try OrgCode(text) } catch { throw ValidationError(ErrorLine.bilingual("单位代码有误", "\(option) \(error.description)")) }
    }

    /// An 18-character resident ID number.
    static func residentID(_ text: String, option: String) throws -> ResidentID {
        do { return try ResidentID(text.trimmingCharacters(in: .whitespaces)) } catch {
            throw ValidationError(ErrorLine.bilingual("身份证号有误", "\(option) \(error.description)"))
        }
    }

    /// A whole number ≥ `minimum`.
    static func count(_ text: String, option: String, minimum: Int = 0) throws -> Int {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= minimum else {
            throw ValidationError(ErrorLine.bilingual("应为整数", "\(option) \(text) is not a whole number of \(minimum) or more"))
        }
        return n
    }

    /// `无`, `none` or an empty value: clear the field.
    static func isNone(_ text: String) -> Bool {
        ["", "无", "none", "-"].contains(text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Splits a repeatable list value on `,` `、` `;` `；` as well.
    static func list(_ values: [String]) -> [String] {
        values.flatMap { $0.split(whereSeparator: { ",，、;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    /// A member of `householdCase` named by name, resident ID number or short id.
    ///
    /// - Throws: ``CommandFailure`` when no member, or several, match.
    static func member(_ text: String, in householdCase: HouseholdCase, option: String) throws -> Member {
        let t = text.trimmingCharacters(in: .whitespaces)
        let members = householdCase.members
        var found = members.filter { $0.name == t || $0.residentID.value == t.uppercased() }
        if found.isEmpty, t.count >= FieldStore.shortIDMinimum {
            found = members.filter { $0.id.uuidString.lowercased().hasPrefix(t.lowercased()) }
        }
        guard let only = found.first else {
            let names = members.map(\.name).joined(separator: "、")
            throw CommandFailure(chinese: "该户没有这个成员", "\(option): \(Labels.echo(text)) is not a member of this household (its members: \(names.isEmpty ? "none" : names)); name one by name, ID number or short id")
        }
        guard found.count == 1 else {
            throw CommandFailure(chinese: "有多个成员与之相符", "\(option): \(Labels.echo(text)) names several members of this household: use the ID number or the short id instead")
        }
        return only
    }
}

extension ParsableCommand {
    /// Like ``reportingFailures(_:)``, and a store error about a field is reported
    /// under the option that set it (e.g. `residentID` → `--id`).
    func reportingFailures(options: [String: String], _ body: () throws -> Void) throws {
        try reportingFailures {
            do {
                try body()
            } catch var error as FieldError {
                if let field = error.field, let option = options[field] { error.field = option }
                throw error
            }
        }
    }
}
