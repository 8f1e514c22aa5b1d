import DoudiModel
import Foundation
import GRDB

/// What a cadre typed to find a household, read as one of the searches `memberSearch`
/// indexes (``FieldDatabase/searchKeys(name:idTail:)``).
enum HouseholdSearch: Hashable, Sendable {
    /// Part of a member's name, in any script but Latin letters alone: 秀英, 张秀.
    case name(String)
    /// Latin letters: the start of the initials of a member's name (`zxy`, `zx`), or part of a
    /// name written in Latin letters (`li` in `Ali`).
    case initials(String)
    /// The last four characters of a member's ID number: `0123`, `012X`.
    case idTail(String)

    /// The search `text` means; nil for an empty one (no filter).
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let upper = trimmed.uppercased()
        if upper.count == 4, upper.dropLast().allSatisfy(\.isASCIIDigit), upper.last.map({ $0.isASCIIDigit || $0 == "X" }) == true {
            self = .idTail(upper)
        } else if trimmed.allSatisfy({ $0.isASCII && $0.isLetter }) {
            self = .initials(trimmed.lowercased())
        } else {
            self = .name(FieldDatabase.searchable(trimmed))
        }
    }

    /// The SQL condition on `household h` and its arguments.
    ///
    /// - Throws: ``FieldError/locked`` for an ID tail while the store is locked (it is keyed).
    func condition(keys: StoreKeys?) throws -> (String, [any DatabaseValueConvertible]) {
        let active = "h.id IN (SELECT s.household FROM memberSearch s WHERE "
        switch self {
        case .idTail(let tail):
            return (active + "s.key = ?)", ["i:" + (try StoreKeys.required(keys)).searchTail(tail)])
        case .initials(let prefix):
            // every key from p:<prefix> up to the next prefix: one range of the index; or a name part
            let (name, values) = Self.namePart(prefix)
            return ("(" + active + "s.key >= ? AND s.key < ?) OR " + name + ")", ["p:" + prefix, "p:" + prefix + "\u{10FFFF}"] + values)
        case .name(let part):
            let (condition, values) = Self.namePart(part)
            return (condition, values)
        }
    }

    /// Households with a member whose name (as ``FieldDatabase/searchable(_:)`` makes it) holds `part`.
    private static func namePart(_ part: String) -> (String, [any DatabaseValueConvertible]) {
        let characters = Array(part)
        if characters.count <= 2 { return ("h.id IN (SELECT s.household FROM memberSearch s WHERE s.key = ?)", ["n:" + part]) }
        // a longer part: its first pair through the index, then the whole part in the name without its spaces
        let escaped = part.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return ("""
            h.id IN (SELECT s.household FROM memberSearch s JOIN member m ON m.id = s.member
                     WHERE s.key = ? AND lower(replace(replace(m.name, ' ', ''), '\u{3000}', '')) LIKE ? ESCAPE '\\')
            """, ["n:" + String(characters[0...1]), "%\(escaped)%"])
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
