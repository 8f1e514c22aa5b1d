/// What Chinese users type, read as they mean it (issue 15): full-width digits and punctuation
/// (the default of many Chinese input methods), dates written `2020/6/1`, `2020-6-1`, `2020.6.1`,
/// `2020年6月1日` or `20200601`, amounts written `1,200`, `1200元`, `¥1200`, `１２００`.
///
/// The strict forms (``Day/init(iso:)``, ``Money/init(yuanString:)``) stay what files and the
/// wire use; these are for what a person types at a prompt or into a form.
public enum TypedInput {
    /// `text` with full-width ASCII (U+FF01–U+FF5E: ０–９, ．, ，, －, ／ …) and the ideographic
    /// space made half-width, and surrounding whitespace trimmed.
    public static func halfWidth(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out).trimmingWhitespace()
    }
}

extension Day {
    /// Reads a day as people type it: `2020-07-01`, `2020-7-1`, `2020/7/1`, `2020.7.1`,
    /// `2020年7月1日` (日 optional), `20200701`, in full-width digits too.
    ///
    /// - Throws: ``DayError`` naming the forms accepted, or why the day does not exist.
    public init(typed text: String) throws(DayError) {
        let t = TypedInput.halfWidth(text)
        let parts: [Substring]
        if t.count == 8, t.allSatisfy(\.isASCIIDigit) {
            parts = [t.prefix(4), t.dropFirst(4).prefix(2), t.suffix(2)]
        } else {
            var s = Substring(t)
            if s.hasSuffix("日") || s.hasSuffix("号") { s = s.dropLast() }
            parts = s.split(omittingEmptySubsequences: false) { "-/.年月".contains($0) }
        }
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { throw DayError(text: text, reason: "write a day as 2020-07-01 (also 2020/7/1 or 2020年7月1日)") }
        do { try self.init(year: y, month: m, day: d) } catch { throw DayError(text: text, reason: error.reason) }
    }
}

extension Money {
    /// Reads an amount of yuan as people type it: `1200`, `1,200`, `1，200.50`, `1200元`, `¥1200`,
    /// `￥1,200.00元`, `１２００`. Thousands separators must group three digits (`1,20` is refused:
    /// it may be a mistyped decimal point).
    ///
    /// - Throws: ``MoneyParseError`` when it is not an amount of yuan with at most two decimals.
    public init(typed text: String) throws(MoneyParseError) {
        var t = Substring(TypedInput.halfWidth(text))
        if t.hasPrefix("¥") || t.hasPrefix("￥") { t = t.dropFirst() }
        if t.hasSuffix("元整") { t = t.dropLast(2) } else if t.hasSuffix("元") { t = t.dropLast() }
        t = Substring(t.trimmingWhitespace())
        var sign = ""
        if t.first == "-" { sign = "-"; t = t.dropFirst() }
        let pieces = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let groups = (pieces.first ?? "").split(separator: ",", omittingEmptySubsequences: false)
        if groups.count > 1 {
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { throw MoneyParseError(text: text) }
        }
        let whole = groups.joined()
        let plain = sign + whole + (pieces.count == 2 ? "." + pieces[1] : "")
        do { self = try Money(yuanString: plain) } catch { throw MoneyParseError(text: text) }
    }
}
