import Foundation

/// Why a spreadsheet file could not be written or read, with what to do.
public struct SpreadsheetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable kind of problem, for scripts and tests.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file is not an xlsx workbook (not a zip, or without a workbook inside).
        public static let notWorkbook = Code(rawValue: "not-workbook")
        /// The file, or a part of it, is larger than the reader accepts.
        public static let tooLarge = Code(rawValue: "too-large")
        /// A part of the workbook is not the XML it should be.
        public static let malformed = Code(rawValue: "malformed")
        /// The sheet asked for is not in the workbook.
        public static let noSuchSheet = Code(rawValue: "no-such-sheet")
        /// The archive could not be made or written.
        public static let writeFailed = Code(rawValue: "write-failed")
    }

    public var code: Code
    /// What was wrong and what to do.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code; self.message = message
    }

    public var description: String { message }
}
