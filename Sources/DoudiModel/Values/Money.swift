/// An exact amount of money in integer fen (分); 100 fen = 1 yuan (元).
///
/// Doudi never uses floating point for money. Arithmetic is integer arithmetic;
/// where a rule divides (per-capita income, annual figures ÷ 12) the division is
/// carried as an exact ``FenFraction`` and rounded **once**, at the end, by the
/// ``RoundingRule`` that the policy version names.
///
/// In every human-written document (policy files, household documents) money is
/// a **string of yuan** with at most two decimals, e.g. `"360.00"`, `"1080"`,
/// `"0.5"`. A JSON number is refused, so that nobody writes `360` meaning yuan
/// and gets 3.60 yuan, or the other way round.
public struct Money: Hashable, Comparable, Sendable {
    /// The amount in fen.
    public var fen: Int64

    /// Creates an amount from fen.
    public init(fen: Int64) { self.fen = fen }

    /// Creates an amount from whole yuan.
    public init(yuan: Int64) { self.fen = yuan * 100 }

    /// Zero yuan.
    public static let zero = Money(fen: 0)

    /// Parses a yuan string such as `"360"`, `"360.5"` or `"360.00"`.
    ///
    /// - Throws: ``MoneyParseError`` when the text is not a non-negative or negative
    ///   decimal with at most two decimals.
    public init(yuanString text: String) throws(MoneyParseError) {
        var s = Substring(text.trimmingWhitespace())
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !s.isEmpty, parts.count <= 2,
              let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
              whole.count <= 13
        else { throw MoneyParseError(text: text) }
        // at most 13 ASCII digits (checked above): always an Int64
        var fen = (Int64(whole) ?? 0) * 100
        if parts.count == 2 {
            let frac = parts[1]
            guard !frac.isEmpty, frac.count <= 2, frac.allSatisfy(\.isASCIIDigit) else {
                throw MoneyParseError(text: text)
            }
            fen += (Int64(frac) ?? 0) * (frac.count == 1 ? 10 : 1)
        }
        self.fen = negative ? -fen : fen
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen + rhs.fen) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen - rhs.fen) }
    public static func * (lhs: Money, rhs: Int) -> Money { Money(fen: lhs.fen * Int64(rhs)) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.fen += rhs.fen }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.fen -= rhs.fen }
    public static prefix func - (value: Money) -> Money { Money(fen: -value.fen) }

    /// True when the amount is below zero.
    public var isNegative: Bool { fen < 0 }

    /// The amount as a fraction, for exact division.
    public var fraction: FenFraction { FenFraction(self.fen) }

    /// The amount multiplied by `percent` / 100, exactly, as a fraction.
    public func percent(_ percent: Int) -> FenFraction { FenFraction(fen * Int64(percent), 100) }

    /// The amount in yuan with two decimals, e.g. `360.00`.
    public var yuanText: String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        let cents = a % 100
        return "\(sign)\(a / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

extension Money: CustomStringConvertible {
    /// `360.00 元`
    public var description: String { "\(yuanText) 元" }
}

extension Money: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "money must be a string of yuan such as \"360.00\", not a number")
        }
        do { self = try Money(yuanString: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(yuanText)
    }
}

/// A yuan string that could not be read as money.
public struct MoneyParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    public var description: String {
        "\"\(text)\" is not an amount of yuan: write digits with at most two decimals, e.g. \"360.00\" (1,200 and 1200元 are read too)"
    }
}

/// How an exact fraction of fen becomes a payable amount.
///
/// FORMS.md records two conventions seen in civil-affairs offices; each policy
/// version names the one it uses, and every explanation says which was applied.
public enum RoundingRule: String, Codable, Sendable, CaseIterable {
    /// Round half up to the nearest fen (0.01 yuan): 12.345 → 12.35.
    case halfUpToFen
    /// Round up to the next whole yuan: 12.01 → 13.00.
    case upToYuan

    /// The rule as a civil-affairs officer reads it.
    public var chineseName: String {
        switch self {
        case .halfUpToFen: "四舍五入到分"
        case .upToYuan: "向上取整到元"
        }
    }
}

/// An exact non-integer amount of fen: `numerator / denominator`, denominator > 0.
///
/// Used wherever a rule divides: the result is rounded once with a ``RoundingRule``.
public struct FenFraction: Hashable, Comparable, Sendable {
    public private(set) var numerator: Int64
    public private(set) var denominator: Int64

    /// Creates `numerator / denominator` fen, reduced.
    public init(_ numerator: Int64, _ denominator: Int64 = 1) {
        precondition(denominator != 0, "a fraction of fen needs a non-zero denominator")
        let sign: Int64 = denominator < 0 ? -1 : 1
        let g = Self.gcd(numerator.magnitude, denominator.magnitude)
        self.numerator = sign * numerator / Int64(g)
        self.denominator = sign * denominator / Int64(g)
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }

    public static func < (lhs: FenFraction, rhs: FenFraction) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }
    public static func + (lhs: FenFraction, rhs: FenFraction) -> FenFraction {
        FenFraction(lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }
    public static func - (lhs: FenFraction, rhs: FenFraction) -> FenFraction {
        FenFraction(lhs.numerator * rhs.denominator - rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }
    public static func * (lhs: FenFraction, rhs: Int) -> FenFraction {
        FenFraction(lhs.numerator * Int64(rhs), lhs.denominator)
    }
    public static func / (lhs: FenFraction, rhs: Int) -> FenFraction {
        FenFraction(lhs.numerator, lhs.denominator * Int64(rhs))
    }

    /// Zero.
    public static let zero = FenFraction(0)

    /// The larger of the fraction and zero.
    public var clampedAtZero: FenFraction { numerator < 0 ? .zero : self }

    /// Rounds to a payable amount.
    public func rounded(_ rule: RoundingRule) -> Money {
        switch rule {
        case .halfUpToFen:
            // half up, symmetric for negatives (away from zero at .5)
            let twice = 2 * numerator.magnitude + denominator.magnitude
            let q = Int64(twice / (2 * denominator.magnitude))
            return Money(fen: numerator < 0 ? -q : q)
        case .upToYuan:
            let d = denominator * 100
            var q = numerator / d
            if numerator % d != 0, numerator > 0 { q += 1 }
            return Money(fen: q * 100)
        }
    }

    /// Shown to two decimals of yuan, rounded half up, with `≈` when not exact.
    public var approximateText: String {
        let m = rounded(.halfUpToFen)
        return denominator == 1 ? m.yuanText : "≈\(m.yuanText)"
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension Character {
    /// True for 0–9 (not full-width or other scripts' digits).
    public var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
