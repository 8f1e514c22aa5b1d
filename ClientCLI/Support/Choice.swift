import ArgumentParser
import DoudiModel

/// A closed set of values a user may name on the command line by its official
/// Chinese term (配偶, 部分丧失, 建档立卡贫困户 …), by its identifier (`spouse`,
/// `partial`, `registeredPoor`), by a common short form (有, 户主 …), or by the
/// unique start of its Chinese term (建档立卡).
protocol Choice: CaseIterable, RawRepresentable, Hashable where RawValue == String {
    var chineseName: String { get }
    /// Other words offices use for a value.
    static var aliases: [String: Self] { get }
}

extension Choice {
    static var aliases: [String: Self] { [:] }

    /// Reads `text` as one of the values.
    ///
    /// - Parameter option: the option as the user typed it, e.g. `--relation`; the
    ///   error names it.
    /// - Throws: `ValidationError` listing what may be given.
    static func parse(_ text: String, option: String) throws -> Self {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let exact = allCases.first(where: { $0.chineseName == t || $0.rawValue.lowercased() == t.lowercased() }) { return exact }
        if let alias = aliases[t] { return alias }
        if t.count >= 2 {
            let starts = allCases.filter { $0.chineseName.hasPrefix(t) }
            if starts.count == 1, let only = starts.first { return only }
        }
        throw ValidationError("\(option) \(text.isEmpty ? "\"\"" : text) is not one of: \(choices)")
    }

    /// `配偶 (spouse), 子 (son), …` for errors and help.
    static var choices: String {
        allCases.map { "\($0.chineseName) (\($0.rawValue))" }.joined(separator: ", ")
    }
}

extension Relation: Choice {
    static var aliases: [String: Relation] { otherNames }
}

extension LabourCapacity: Choice {
    static var aliases: [String: LabourCapacity] { otherNames }
}

extension Employment: Choice {
    static var aliases: [String: Employment] { otherNames }
}

extension Health: Choice {}

extension DisabilityCategory: Choice {
    static var aliases: [String: DisabilityCategory] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.chineseName + "残疾", $0) })
    }
}

extension PersonStatus: Choice {}

extension LegalSupporterStatus: Choice {
    static var aliases: [String: LegalSupporterStatus] { ["有": .able, "无": .none, "无能力": .unable, "无履行能力": .unable] }
}

extension ParentStatus: Choice {}

extension HouseholdCategory: Choice {
    static var aliases: [String: HouseholdCategory] { ["建档立卡": .registeredPoor, "建档立卡户": .registeredPoor] }
}

extension HukouType: Choice {}

extension Housing: Choice {}

extension PovertyCause: Choice {}

extension IncomeKind: Choice {
    static var aliases: [String: IncomeKind] {
        ["工资": .wage, "经营": .business, "财产": .property, "转移": .transfer, "赡养费": .support, "实物": .inKind]
    }
}

extension DeductionKind: Choice {
    static var aliases: [String: DeductionKind] {
        ["医疗": .medical, "康复": .rehabilitation, "护理": .nursing, "教育": .education, "就业成本": .employmentCost]
    }
}

extension Period: Choice {
    static var aliases: [String: Period] { ["年": .annual, "每年": .annual, "月": .monthly, "每月": .monthly] }
}

extension Programme: Choice {
    static var aliases: [String: Programme] { ["低保": .dibao, "特困": .tekun, "孤儿": .orphan] }
}

extension TemporaryAidType: Choice {
    static var aliases: [String: TemporaryAidType] { ["急难": .emergency, "支出": .expenditure] }
}

extension Hardship: Choice {
    static var aliases: [String: Hardship] { ["一般": .ordinary, "特别": .particular, "重大": .major] }
}

extension VisitConclusion: Choice {}
