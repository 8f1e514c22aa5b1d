import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import DoudiSync
import Foundation

/// The one error style of `doudi`: one line on standard error,
/// `doudi: 错误：<中文> (<English, with what to do>)` — or `doudi: 错误：<English>` where no Chinese
/// wording exists yet — with resident ID numbers masked.
///
/// The Chinese half comes from the error where it has one (``CommandFailure/chinese``,
/// ``FieldError/Code/chineseName``, ``StoreProblem/chinese(_:)``, a sync failure's code), else
/// from the kind of error (an ID number, a day, a document); a message that already starts in
/// Chinese is printed as it is.
enum ErrorLine {
    /// What every error line starts with.
    static let prefix = "doudi: 错误："

    /// `chinese (english)`, or `english` alone when there is no Chinese.
    static func bilingual(_ chinese: String?, _ english: String) -> String {
        guard let chinese, !chinese.isEmpty else { return english }
        guard !english.isEmpty else { return chinese }
        return "\(chinese) (\(english))"
    }

    /// The line for `error`, without the prefix, on one line, ID numbers masked, records named by
    /// their short id.
    static func body(_ error: any Error) -> String {
        let english = CommandFailure.oneLine(error)
        return shorteningIDs(Labels.maskingResidentIDs(startsInChinese(english) ? english : bilingual(chinese(for: error), english)))
    }

    /// `text` with every full record id (a UUID, as messages of the model and the store write
    /// them) replaced by its short id, the name people type (``Labels/short(_:)``).
    static func shorteningIDs(_ text: String) -> String {
        guard let pattern = try? NSRegularExpression(pattern: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}") else { return text }
        var result = text
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let range = Range(match.range, in: result), let id = UUID(uuidString: String(result[range])) else { continue }
            result.replaceSubrange(range, with: Labels.short(id))
        }
        return result
    }

    /// Writes `doudi: 错误：…` for `error`.
    static func write(_ error: any Error) {
        StandardError.writeLine(prefix + body(error))
    }

    /// The Chinese half for `error`, if any.
    static func chinese(for error: any Error) -> String? {
        if let chinese = StoreProblem.chinese(error) { return chinese }
        switch error {
        case let e as CommandFailure: return e.chinese
        case let e as FieldError: return e.code.chineseName
        case let e as SyncError: return SyncFailure.chinese(e.code)
        case is ResidentIDError: return "身份证号有误"
        case is DayError: return "日期有误"
        case let e as DocumentError: return e.message.hasPrefix("no such file") ? "找不到文件" : "文件内容有误"
        case let e as ModelError: return e.code == .duplicate ? "重复登记" : e.code == .noPolicyInForce ? "没有施行中的政策版本" : "输入有误"
        case is KeyCacheError: return "无法保存解锁状态"
        default: return nil
        }
    }

    /// True when the text's first letter is a Chinese character (the message is already Chinese-first).
    static func startsInChinese(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first(where: { !CharacterSet.whitespaces.contains($0) }) else { return false }
        return (0x4E00...0x9FFF).contains(first.value) || (0x3400...0x4DBF).contains(first.value)
    }

    /// The Chinese for ArgumentParser's own messages about the command line (a missing or
    /// unknown option, a value it cannot read), by their English opening words.
    static func chinese(forUsageMessage text: String) -> String? {
        let table: [(String, String)] = [
            ("Missing expected argument", "缺少必需的参数"),
            ("Unknown option", "没有这个选项"),
            ("Unexpected argument", "多余的参数"),
            ("The value", "参数的值无效"),
            ("Missing value for", "选项缺少值"),
            ("Error: Missing", "缺少必需的参数"),
        ]
        return table.first { text.hasPrefix($0.0) || text.contains($0.0) }?.1
    }
}
