/// What text a record field may hold (Protocol/SPEC.md §3.5): every text is bounded, and
/// control characters — which break the bank's CSV, the notice sheet and terminals — are
/// refused, except line breaks in the fields written as paragraphs.
///
/// One home for the rule: the field store checks what a cadre types, the server what a
/// push carries, both with ``check(_:field:)``.
public enum TextRules {
    /// Characters of a one-line text (a name, an address, a phone number).
    public static let maxLineCharacters = 500
    /// Characters of a paragraph (observations, remarks, a summary, a reason).
    public static let maxParagraphCharacters = 5_000

    /// Fields written as paragraphs: they may hold line breaks (U+000A) and tabs.
    public static let paragraphFields: Set<String> = [
        "observations", "neighbourNotes", "remarks", "summary", "hardship", "note", "reason", "conclusion",
        "voidReason", "cannotPayReason", "basis", "evidence", "exemptReason", "source",
    ]

    /// `text` as one line: each run of line breaks and tabs (an Excel cell typed with
    /// Alt+Enter) becomes one space, so that a one-line field keeps the words, not the breaks.
    public static func oneLine(_ text: String) -> String {
        var out = ""
        var breaking = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                breaking = true
            } else {
                if breaking { out.unicodeScalars.append(" "); breaking = false }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Checks one text value of the field `field` (its last path component decides whether
    /// it is a paragraph).
    ///
    /// - Throws: ``ModelError`` `invalid-value` for a control character or a text too long.
    public static func check(_ text: String, field: String) throws(ModelError) {
        let paragraph = paragraphFields.contains(field)
        let limit = paragraph ? maxParagraphCharacters : maxLineCharacters
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            let v = scalar.value
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) {
                if paragraph, v == 0x0A || v == 0x09 { continue }
                let hex = String(v, radix: 16, uppercase: true)
                let shown = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                throw ModelError(.invalidValue, field: field,
                                 "contains the control character \(shown) at character \(count): remove it\(paragraph ? " (line breaks and tabs are allowed here)" : " (this field is one line)")")
            }
        }
        if count > limit {
            throw ModelError(.invalidValue, field: field, "is \(count) characters long; at most \(limit): shorten it")
        }
    }
}
