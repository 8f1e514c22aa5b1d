import DoudiModel
import Foundation

/// The CLI's one reading of the clock: today's date where the user is.
///
/// DoudiModel reads no clock of its own; the day is passed in (`--as-of`, or this).
enum SystemClock {
    /// Today's calendar day in the machine's time zone, or the day `DOUDI_TODAY` gives
    /// (YYYY-MM-DD: a training laptop, or a test, playing a business calendar).
    static func today() throws -> Day {
        if let text = ProcessInfo.processInfo.environment["DOUDI_TODAY"], !text.isEmpty {
            do { return try Day(iso: text) } catch { throw CommandFailure("DOUDI_TODAY \(error.description)") }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        guard let year = parts.year, let month = parts.month, let day = parts.day else {
            throw CommandFailure("cannot read today's date from the system clock: pass --as-of YYYY-MM-DD")
        }
        return try Day(year: year, month: month, day: day)
    }
}
