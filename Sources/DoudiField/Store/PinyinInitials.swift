import Foundation

/// The first letters of a name's pinyin, as cadres type a name they cannot write quickly:
/// 张秀英 → `zxy`. Letters and digits of a name written in Latin letters are kept as they are.
///
/// Each Chinese character is read once through ICU's Mandarin-to-Latin transform
/// (`String.applyingTransform(.mandarinToLatin)`) and kept: names draw on a few thousand
/// characters, so after the first of them a name costs a dictionary lookup per character.
/// A surname read otherwise than the character's common reading (单 Shàn, 曾 Zēng, 解 Xiè …)
/// takes its surname reading in the first place.
public enum PinyinInitials {
    /// Surnames whose reading differs from the character's most common one.
    static let surnameInitials: [Character: Character] = [
        "单": "s", "曾": "z", "仇": "q", "解": "x", "区": "o", "查": "z", "朴": "p", "覃": "q", "缪": "m",
        "翟": "z", "乐": "y", "盖": "g", "种": "c", "尉": "y", "员": "y", "繁": "p", "召": "s", "华": "h",
    ]

    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var initials: [Character: Character?] = [:]
    }
    private static let cache = Cache()

    /// The initials of `name`, lower case (`""` for a name with no letter or Chinese character).
    public static func of(_ name: String) -> String {
        var out = ""
        for (i, c) in name.enumerated() {
            if i == 0, let surname = surnameInitials[c] { out.append(surname); continue }
            if let letter = initial(of: c) { out.append(letter) }
        }
        return out
    }

    /// The pinyin initial of one character; `nil` for punctuation and spaces.
    static func initial(of c: Character) -> Character? {
        if c.isASCII { return c.isLetter || c.isNumber ? Character(c.lowercased()) : nil }
        cache.lock.lock()
        if let known = cache.initials[c] { cache.lock.unlock(); return known }
        cache.lock.unlock()
        let latin = String(c).applyingTransform(.mandarinToLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false)?.lowercased()
        let letter = latin?.first { $0.isASCII && $0.isLetter }
        cache.lock.lock()
        cache.initials[c] = .some(letter)
        cache.lock.unlock()
        return letter
    }
}
