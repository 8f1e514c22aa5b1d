/// The code of an org unit in the statistical division scheme (统计用区划代码):
/// 6 digits for a district (区, e.g. `511011` Dongxing), 9 for a town or
/// street (镇/街道, `511011001`), 12 for a village or community (村/社区,
/// `511011001201`). A unit's code starts with its parent's code, so
/// jurisdiction (village ⊂ town ⊂ district) is a prefix test.
public struct OrgCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Validates the code's length and digits.
    ///
    /// - Throws: ``OrgCodeError`` when it is not 6, 9 or 12 digits.
    public init(_ text: String) throws(OrgCodeError) {
        guard [6, 9, 12].contains(text.count), text.allSatisfy(\.isASCIIDigit) else {
            throw OrgCodeError(text: text)
        }
        value = text
    }

    /// A prefix of a code already validated (a district's or town's part of it).
    private init(prefixOf code: String, _ length: Int) { value = String(code.prefix(length)) }

    /// The level the code's length denotes.
    public var level: OrgLevel {
        switch value.count {
        case 6: .district
        case 9: .town
        default: .village
        }
    }

    /// The code of the enclosing unit; `nil` for a district.
    public var parent: OrgCode? {
        switch level {
        case .district: nil
        case .town: OrgCode(prefixOf: value, 6)
        case .village: OrgCode(prefixOf: value, 9)
        }
    }

    /// The district this unit lies in.
    public var district: OrgCode { OrgCode(prefixOf: value, 6) }

    /// The town this unit lies in; `nil` for a district.
    public var town: OrgCode? { level == .district ? nil : OrgCode(prefixOf: value, 9) }

    /// True when `other` is this unit or lies inside it.
    public func contains(_ other: OrgCode) -> Bool { other.value.hasPrefix(value) }

    public var description: String { value }
    public static func < (lhs: OrgCode, rhs: OrgCode) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { self = try OrgCode(text) } catch { throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description) }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// An org-unit code of the wrong shape.
public struct OrgCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "\"\(text)\" is not an org-unit code: use 6 digits for a district (511011), 9 for a town (511011001), 12 for a village (511011001201)"
    }
}

/// The three tiers of the safety net.
public enum OrgLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case district, town, village

    var rank: Int { self == .district ? 0 : self == .town ? 1 : 2 }
    public static func < (lhs: OrgLevel, rhs: OrgLevel) -> Bool { lhs.rank < rhs.rank }

    /// 区 / 镇(街道) / 村(社区)
    public var chineseName: String {
        switch self {
        case .district: "区"
        case .town: "镇(街道)"
        case .village: "村(社区)"
        }
    }
}

/// One unit of the hierarchy district → town/street → village/community.
public struct OrgUnit: Hashable, Sendable, Codable {
    public var code: OrgCode
    /// Official name, e.g. 东兴区, 椑木镇, 西林街道.
    public var name: String
    /// 镇 or 街道 for a town, 村 or 社区 for a village (informational).
    public var kind: String?
    /// Registered population (户籍人口), used for the reserve fund (§3.6.5).
    public var population: Int?

    public init(code: OrgCode, name: String, kind: String? = nil, population: Int? = nil) {
        self.code = code; self.name = name; self.kind = kind; self.population = population
    }

    public var level: OrgLevel { code.level }
}

/// The org units of one district, looked up by code.
public struct OrgTree: Sendable {
    public private(set) var units: [OrgCode: OrgUnit] = [:]

    /// Builds the tree, checking that every unit's parent is present.
    ///
    /// - Throws: ``OrgTreeError`` for a duplicate code or a unit without its parent.
    public init(_ list: [OrgUnit]) throws(OrgTreeError) {
        for unit in list {
            guard units[unit.code] == nil else { throw OrgTreeError(message: "org unit \(unit.code) appears twice") }
            units[unit.code] = unit
        }
        for unit in list {
            if let parent = unit.code.parent, units[parent] == nil {
                throw OrgTreeError(message: "org unit \(unit.code) \(unit.name) has no parent \(parent) in the list")
            }
        }
    }

    public subscript(code: OrgCode) -> OrgUnit? { units[code] }

    /// The direct children of a unit, sorted by code.
    public func children(of code: OrgCode) -> [OrgUnit] {
        units.values.filter { $0.code.parent == code }.sorted { $0.code < $1.code }
    }

    /// Full name from the district down, e.g. `东兴区 椑木镇 五星村`.
    public func path(of code: OrgCode) -> String {
        var parts: [String] = []
        var current: OrgCode? = code
        while let c = current {
            parts.append(units[c]?.name ?? c.value)
            current = c.parent
        }
        return parts.reversed().joined(separator: " ")
    }
}

/// A list of org units that does not form a tree.
public struct OrgTreeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
