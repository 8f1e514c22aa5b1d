import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// A failure the CLI reports as **one line** on standard error — `doudi: 错误：<中文> (<English>)`
/// (``ErrorLine``) — followed by exit status 1. Never a stack trace.
///
/// Model errors (``DocumentError``, ``ModelError``, ``ResidentIDError``, ``DayError``)
/// already say which document and field is at fault and what to do; they are
/// printed as they describe themselves, after the Chinese for their kind.
struct CommandFailure: Error, CustomStringConvertible {
    /// What was wrong and what to do, in English.
    var message: String
    /// The same said shortly in Chinese, printed first; nil where there is no wording yet.
    var chinese: String?

    init(_ message: String) { self.message = message }

    /// A failure said in Chinese and in English: `doudi: 错误：<chinese> (<english>)`.
    init(chinese: String, _ english: String) { self.chinese = chinese; self.message = english }

    var description: String { message }

    /// Writes `doudi: 错误：…` for each error, one line each, and returns the exit code to
    /// throw. Resident ID numbers in it are masked.
    static func report(_ errors: [any Error]) -> ExitCode {
        for error in errors { ErrorLine.write(error) }
        return ExitCode(1)
    }

    /// The error's own description, on one line.
    static func oneLine(_ error: any Error) -> String {
        if let explained = StoreProblem.explain(error) { return explained }
        let text: String = switch error {
        case let e as DocumentError: e.description
        case let e as ModelError: e.description
        case let e as ResidentIDError: e.description
        case let e as DayError: e.description
        case let e as CommandFailure: e.description
        case let e as any CustomStringConvertible: e.description
        default: String(describing: error)
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension ParsableCommand {
    /// Runs `body`, turning any error into one line on standard error and exit status 1.
    /// Exit requests of ArgumentParser (``ExitCode``, ``CleanExit``) pass through.
    func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch let exit as CleanExit {
            throw exit
        } catch {
            throw CommandFailure.report([error])
        }
    }
}

/// Standard error, unbuffered.
enum StandardError {
    /// Writes a line to standard error, after what was printed to standard output so far (so
    /// that a log holding both keeps their order).
    static func writeLine(_ line: String) {
        fflush(nil)  // every stream: Swift 6 refuses the global `stdout`
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
