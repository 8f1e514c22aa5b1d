import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text files as the offices send them, decoded whatever Excel or WPS saved them as: UTF-8 with
/// or without a byte-order mark (“CSV UTF-8”), UTF-16 little- or big-endian with a BOM or without
/// (“Unicode 文本”), and GBK/GB18030 (plain “CSV” on a Chinese Windows).
///
/// Detection, in order: a BOM; UTF-16 without a BOM by its NUL bytes (ASCII letters, digits and
/// commas have a zero high byte); valid UTF-8; GB18030 (GBK's superset) through the C library's
/// iconv — swift-corelibs-foundation on Linux does not convert GB18030.
///
/// ```swift
/// let decoded = try OfficeText.decode(try Data(contentsOf: url))
/// print(decoded.encoding.name, decoded.text.prefix(40))
/// ```
public enum OfficeText {
    /// An encoding a file was read as.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case utf8, utf16LittleEndian, utf16BigEndian, gb18030

        /// How people name it: `UTF-8`, `UTF-16LE`, `UTF-16BE`, `GB18030 (GBK)`.
        public var name: String {
            switch self {
            case .utf8: "UTF-8"
            case .utf16LittleEndian: "UTF-16LE"
            case .utf16BigEndian: "UTF-16BE"
            case .gb18030: "GB18030 (GBK)"
            }
        }
    }

    /// A file that is text in none of the encodings tried.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The encodings tried, in order.
        public var tried: [Encoding]
        /// Why the last one failed, when it says more.
        public var detail: String?

        public var description: String {
            "the file is not text in any encoding tried (\(tried.map(\.name).joined(separator: ", ")))"
                + (detail.map { ": \($0)" } ?? "")
                + ": is it the ledger? Save it from Excel or WPS as “CSV UTF-8 (逗号分隔)” or as .xlsx"
        }
    }

    /// The text of `data` and the encoding it was read as; a byte-order mark is not part of the text.
    ///
    /// - Throws: ``Failure`` naming the encodings tried.
    public static func decode(_ data: Data) throws(Failure) -> (text: String, encoding: Encoding) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else {
                throw Failure(tried: [.utf8], detail: "it starts with a UTF-8 byte-order mark but is not UTF-8 after it")
            }
            return (text, .utf8)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return (try utf16(bytes.dropFirst(2), littleEndian: true), .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return (try utf16(bytes.dropFirst(2), littleEndian: false), .utf16BigEndian) }
        if let littleEndian = utf16WithoutMark(bytes) {
            return (try utf16(bytes[...], littleEndian: littleEndian), littleEndian ? .utf16LittleEndian : .utf16BigEndian)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        do {
            return (try gb18030(bytes), .gb18030)
        } catch {
            throw Failure(tried: [.utf8, .gb18030], detail: error.detail)
        }
    }

    /// `true` (little-endian) or `false` (big-endian) when the bytes look like UTF-16 without a BOM:
    /// an even count, and NULs on one side of at least a third of the first 4 KiB's code units and
    /// almost never on the other; `nil` otherwise.
    static func utf16WithoutMark(_ bytes: [UInt8]) -> Bool? {
        let sample = bytes.prefix(4096)
        guard sample.count >= 4, sample.count % 2 == 0 || bytes.count > 4096 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for (i, b) in sample.enumerated() where b == 0 { if i % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 } }
        let units = sample.count / 2
        if oddZeros * 3 >= units, evenZeros * 20 <= units { return true }
        if evenZeros * 3 >= units, oddZeros * 20 <= units { return false }
        return nil
    }

    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) throws(Failure) -> String {
        let encoding: Encoding = littleEndian ? .utf16LittleEndian : .utf16BigEndian
        guard bytes.count % 2 == 0 else { throw Failure(tried: [encoding], detail: "an odd number of bytes is no UTF-16: the file is cut short") }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            i += 2
        }
        guard let text = String(validating: units, as: UTF16.self) else {
            throw Failure(tried: [encoding], detail: "it holds a broken UTF-16 character")
        }
        return text
    }

    struct ConversionError: Error { var detail: String }

    /// GB18030 (a superset of GBK and GB2312) to a String, through iconv (``TextCodec``).
    static func gb18030(_ bytes: [UInt8]) throws(ConversionError) -> String {
        let utf8: Data
        do { utf8 = try TextCodec.convert(Data(bytes), from: "GB18030", to: "UTF-8") } catch {
            throw ConversionError(detail: error.description)
        }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw ConversionError(detail: "the GB18030 conversion gave no text")
        }
        return text
    }
}
