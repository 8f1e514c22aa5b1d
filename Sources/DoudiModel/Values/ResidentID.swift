/// An 18-character resident ID number (公民身份号码, GB 11643-1999).
///
/// Layout: 6-digit area code of first registration, 8-digit birth date
/// `YYYYMMDD`, 3-digit sequence (odd = male, even = female), and an ISO 7064
/// MOD 11-2 check character (`0`–`9` or `X`). Birth date and sex are derived
/// from the number, never entered twice.
///
/// The number is sensitive personal data: listings and logs show ``masked``.
public struct ResidentID: Hashable, Sendable {
    /// The 18 characters, with a lowercase `x` normalised to `X`.
    public let value: String

    /// Province-level codes in use (GB/T 2260), first two digits of the area code.
    static let provinceCodes: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
    ]
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates and normalises a resident ID number.
    ///
    /// - Throws: ``ResidentIDError`` naming the first problem found: length,
    ///   characters, area code, birth date or check digit.
    public init(_ text: String) throws(ResidentIDError) {
        let raw = text.trimmingWhitespace().uppercased()
        let chars = Array(raw)
        // Excel turns an 18-digit number in a General cell into 5.11011E+17 and keeps 15 digits:
        // the rest are lost, and only a re-export of the column as text brings them back
        if raw.contains("E+"), raw.allSatisfy({ $0.isASCIIDigit || ".E+".contains($0) }) {
            throw ResidentIDError(text: text, problem: .characters,
                                  reason: "Excel 已将身份证号转为科学计数法，后几位已丢失：请在 Excel 中将该列设为“文本”后重新录入或导出 (Excel turned the number into scientific notation and dropped its last digits: set the column to Text and export again)")
        }
        guard chars.count == 18 else {
            throw ResidentIDError(text: text, problem: .length, reason: "has \(chars.count) characters; a resident ID number has 18")
        }
        guard chars[0..<17].allSatisfy(\.isASCIIDigit), chars[17].isASCIIDigit || chars[17] == "X" else {
            throw ResidentIDError(text: text, problem: .characters, reason: "must be 17 digits followed by a digit or X")
        }
        let digits = chars[0..<17].map { $0.wholeNumberValue ?? 0 }   // ASCII digits, checked above
        let province = digits[0] * 10 + digits[1]
        guard Self.provinceCodes.contains(province) else {
            throw ResidentIDError(text: text, problem: .areaCode, reason: "area code \(String(chars[0..<6])) starts with \(String(chars[0..<2])), which is no province")
        }
        let dateText = String(chars[6..<14])
        let y = Int(dateText.prefix(4)) ?? 0, m = Int(dateText.dropFirst(4).prefix(2)) ?? 0, d = Int(dateText.suffix(2)) ?? 0
        guard y >= 1900, (try? Day(year: y, month: m, day: d)) != nil else {
            throw ResidentIDError(text: text, problem: .birthDate, reason: "birth date \(dateText) is not a real day")
        }
        let sum = zip(digits, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = Self.checkCharacters[sum % 11]
        guard chars[17] == expected else {
            throw ResidentIDError(text: text, problem: .checkDigit, reason: "check digit is \(chars[17]) but should be \(expected): a digit was probably mistyped")
        }
        self.value = raw
    }

    /// The 6-digit area code of first registration (e.g. `511011` Dongxing).
    public var areaCode: String { String(value.prefix(6)) }

    /// The birth date written in the number.
    public var birthDate: Day {
        // validated when made: 17 digits and a real date in 6..<14
        Day(unchecked: digits(6..<10), digits(10..<12), digits(12..<14))
    }

    /// Sex from the 17th digit: odd is male.
    public var sex: Sex { digits(16..<17) % 2 == 1 ? .male : .female }

    /// The number the digits at `range` spell (the number's first 17 characters are digits).
    private func digits(_ range: Range<Int>) -> Int {
        Array(value.utf8)[range].reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
    }

    /// The number masked for listings and logs: `511011********1234`.
    public var masked: String { String(value.prefix(6)) + String(repeating: "*", count: 8) + String(value.suffix(4)) }

    /// Makes a valid number from its parts (for generators, samples and tests).
    ///
    /// - Parameters:
    ///   - area: 6-digit area code, e.g. `511011`.
    ///   - birth: birth date.
    ///   - sequence: 0–999; odd for a man, even for a woman.
    public static func make(area: String, birth: Day, sequence: Int) throws(ResidentIDError) -> ResidentID {
        let seq = String(sequence % 1000)
        let first17 = area + Day.pad(birth.year, 4) + Day.pad(birth.month, 2) + Day.pad(birth.day, 2)
            + String(repeating: "0", count: 3 - seq.count) + seq
        guard let check = checkCharacter(for: first17) else {
            throw ResidentIDError(text: first17, problem: .characters, reason: "area code must be 6 digits")
        }
        return try ResidentID(first17 + String(check))
    }

    /// Makes the check character for 17 digits (used by generators and tests).
    public static func checkCharacter(for first17: String) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17, chars.allSatisfy(\.isASCIIDigit) else { return nil }
        let sum = zip(chars.map { $0.wholeNumberValue ?? 0 }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }
}

extension ResidentID: CustomStringConvertible {
    /// Always the masked form, so that an ID number never reaches a log by accident.
    public var description: String { masked }
}

extension ResidentID: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { self = try ResidentID(text) } catch { throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description) }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// Sex, as derived from the resident ID number.
public enum Sex: String, Codable, Sendable {
    case male, female
    /// 男 / 女
    public var chineseName: String { self == .male ? "男" : "女" }
}

/// Why a resident ID number was refused.
public struct ResidentIDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which part of the number is wrong.
    public enum Problem: String, Sendable { case length, characters, areaCode, birthDate, checkDigit }
    /// The text as given (never logged by Doudi: it may be a real number).
    public var text: String
    public var problem: Problem
    public var reason: String
    public var description: String {
        let shown = text.count >= 10 ? String(text.prefix(6)) + "…" : text
        return "resident ID number \(shown) is invalid: \(reason)"
    }
}
