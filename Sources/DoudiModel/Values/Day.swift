/// A calendar day (Gregorian), with no time of day and no time zone.
///
/// Policy works in days: effective dates, birthdays, notice periods. A `Day` is
/// never a `Date` at midnight, so no time-zone shift can move a birthday.
/// Written as ISO 8601 `YYYY-MM-DD` in every document and on the wire.
public struct Day: Hashable, Comparable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a day, checking that it exists on the calendar.
    ///
    /// - Throws: ``DayError`` when the month or day is out of range (e.g. 2021-02-29).
    public init(year: Int, month: Int, day: Int) throws(DayError) {
        guard (1...9999).contains(year) else { throw DayError(text: "\(year)-\(month)-\(day)", reason: "year \(year) is out of range") }
        guard (1...12).contains(month) else { throw DayError(text: "\(year)-\(month)-\(day)", reason: "month \(month) does not exist") }
        let last = Day.daysIn(year: year, month: month)
        guard (1...last).contains(day) else {
            throw DayError(text: "\(year)-\(month)-\(day)", reason: "\(year)-\(month) has \(last) days, not \(day)")
        }
        self.year = year; self.month = month; self.day = day
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(iso text: String) throws(DayError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { throw DayError(text: text, reason: "write a day as YYYY-MM-DD, e.g. 2020-07-01") }
        do { try self.init(year: y, month: m, day: d) } catch { throw DayError(text: text, reason: error.reason) }
    }

    /// Number of days in a month.
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Gregorian leap-year rule.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// `YYYY-MM-DD`.
    public var iso: String { "\(Day.pad(year, 4))-\(Day.pad(month, 2))-\(Day.pad(day, 2))" }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// The month this day falls in.
    public var yearMonth: YearMonth { YearMonth(unchecked: year, month) }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days since 1970-01-01 (may be negative); for day arithmetic.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The day with the given ordinal (days since 1970-01-01).
    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// This day plus `days` (negative goes back).
    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int { other.ordinal - ordinal }

    /// Age in completed years on `day`. A person born on 2004-07-01 is 16 on 2020-07-01.
    /// A person born on 29 February has their birthday on 1 March in common years.
    public func age(on day: Day) -> Int {
        var age = day.year - year
        let birthdayThisYear: (Int, Int) = (month == 2 && self.day == 29 && !Day.isLeap(day.year)) ? (3, 1) : (month, self.day)
        if (day.month, day.day) < birthdayThisYear { age -= 1 }
        return age
    }
}

extension Day: CustomStringConvertible {
    public var description: String { iso }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { self = try Day(iso: text) } catch { throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description) }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}

/// A day that does not exist or is not written as `YYYY-MM-DD`.
public struct DayError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "\"\(text)\" is not a real day: \(reason)" }
}

/// A calendar month, e.g. the month a payment is for or an enrolment starts.
/// Written `YYYY-MM`.
public struct YearMonth: Hashable, Comparable, Sendable {
    public let year: Int
    public let month: Int

    /// Creates a month, checking the range.
    public init(year: Int, month: Int) throws(DayError) {
        guard (1...9999).contains(year), (1...12).contains(month) else {
            throw DayError(text: "\(year)-\(month)", reason: "month must be 1–12 and year 1–9999")
        }
        self.year = year; self.month = month
    }

    init(unchecked year: Int, _ month: Int) { self.year = year; self.month = month }

    /// Parses `YYYY-MM`.
    public init(iso text: String) throws(DayError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1])
        else { throw DayError(text: text, reason: "write a month as YYYY-MM, e.g. 2020-07") }
        do { try self.init(year: y, month: m) } catch { throw DayError(text: text, reason: error.reason) }
    }

    /// `YYYY-MM`.
    public var iso: String { "\(Day.pad(year, 4))-\(Day.pad(month, 2))" }

    /// Months since year 0, for month arithmetic.
    public var index: Int { year * 12 + (month - 1) }

    init(index: Int) { self.init(unchecked: index / 12, index % 12 + 1) }

    /// This month plus `months`.
    public func adding(months: Int) -> YearMonth { YearMonth(index: index + months) }

    /// Whole months from `self` to `other` (positive when `other` is later).
    public func months(until other: YearMonth) -> Int { other.index - index }

    /// The first day of the month.
    public var firstDay: Day { Day(unchecked: year, month, 1) }

    /// The last day of the month.
    public var lastDay: Day { Day(unchecked: year, month, Day.daysIn(year: year, month: month)) }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { lhs.index < rhs.index }
}

extension YearMonth: CustomStringConvertible {
    public var description: String { iso }
}

extension YearMonth: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { self = try YearMonth(iso: text) } catch { throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description) }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}
