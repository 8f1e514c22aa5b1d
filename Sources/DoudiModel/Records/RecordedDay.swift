import Foundation

/// Days of things that happened — a home visit, a survey, a death — are not in the future.
///
/// The laptop checks against its own today (`doudi visit record`, `survey record`); the
/// server checks against the day of its own clock with ``serverTolerance`` of slack, so
/// that a laptop whose clock or time zone is a day off is not refused for it.
public enum RecordedDay {
    /// The slack the server allows for a device's clock: one day.
    public static let serverTolerance = 1

    /// China Standard Time (UTC+8): the day a civil-affairs office lives in.
    public static let utcOffsetHours = 8

    /// Checks `day` (the `field` of a record, e.g. a visit's `date`) is not after `today`
    /// (plus `tolerance` days).
    ///
    /// - Throws: ``ModelError`` `invalid-value` naming the field and the day to check.
    public static func check(_ day: Day, field: String, what: String, today: Day, tolerance: Int = 0) throws(ModelError) {
        let latest = today.adding(days: tolerance)
        guard day <= latest else {
            throw ModelError(.invalidValue, field: field,
                             "\(what) \(day) is in the future (today is \(today)): record it on or after the day it happened, with the real date")
        }
    }

    /// The calendar day at `epochMillis` (milliseconds since 1970, UTC) in China Standard Time.
    public static func day(epochMillis: Int64) -> Day {
        let seconds = epochMillis / 1000 + Int64(utcOffsetHours * 3600)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return Day(ordinal: Int(days))
    }
}

extension Visit {
    /// Checks the visit's date is not in the future (see ``RecordedDay``).
    ///
    /// - Throws: ``ModelError`` naming `date`.
    public func checkDate(today: Day, tolerance: Int = 0) throws(ModelError) {
        try RecordedDay.check(date, field: "date", what: "the visit's date (调查日期)", today: today, tolerance: tolerance)
    }
}

extension Survey {
    /// Checks the survey's date is not in the future (see ``RecordedDay``).
    ///
    /// - Throws: ``ModelError`` naming `date`.
    public func checkDate(today: Day, tolerance: Int = 0) throws(ModelError) {
        try RecordedDay.check(date, field: "date", what: "the survey's date (调查日期)", today: today, tolerance: tolerance)
    }
}
