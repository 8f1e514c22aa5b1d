/// Scope containment (village ⊂ town ⊂ district) in the forms a store needs, derived
/// from ``OrgCode/contains(_:)`` so that every store filters the same way.
extension OrgCode {
    /// The half-open range of code strings `[lower, upper)` that lie within this unit:
    /// a prefix test as a range, so an index on the code column serves it. Codes are
    /// ASCII digits and `:` sorts right after `9`.
    public var subtreeBounds: (lower: String, upper: String) { (value, value + ":") }

    /// This unit and the units that enclose it, from the district down (the units whose
    /// district-wide records, such as policy versions, reach this unit).
    public var lineage: [OrgCode] {
        var chain: [OrgCode] = [self]
        while let parent = chain.last?.parent { chain.append(parent) }
        return chain.reversed()
    }
}

extension ResidentID {
    /// The form under which two written numbers name one person (§3.1.1: one ID number,
    /// one person): trimmed, with the check letter `x` upper-cased. Stores index a hash of it.
    public static func personKey(_ text: String) -> String {
        // the common case, a number as stored (18 ASCII characters, no space): upper-case it byte by byte
        var bytes = Array(text.utf8)
        if bytes.count == 18, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) {
            for i in bytes.indices where bytes[i] >= UInt8(ascii: "a") && bytes[i] <= UInt8(ascii: "z") { bytes[i] -= 0x20 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.trimmingWhitespace().uppercased()
    }
}
