import Foundation

/// Days of things that happened — a home visit, a survey, a death — are not in the future.
///
/// The laptop checks against its own today (`doudi visit record`, `survey record`). A check
/// against another clock than the recorder's — a server's — passes a `tolerance` of a day,
/// so that a device whose clock or time zone is a day off is not refused for it.
public enum RecordedDay {
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
