import DoudiModel
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text in the encodings banks use, through the C library's iconv (swift-corelibs-foundation
/// on Linux does not convert GB18030). GB18030 is GBK's superset: every GBK file reads as it.
public enum TextCodec {
    /// Why a text could not be converted.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `text` in `encoding`.
    ///
    /// - Throws: ``Failure`` when a character has no form in the encoding (never for GB18030,
    ///   which covers all of Unicode) or the system lacks the converter.
    public static func encode(_ text: String, as encoding: BankFormat.Encoding) throws(Failure) -> Data {
        switch encoding {
        case .utf8: return Data(text.utf8)
        case .gb18030: return try convert(Data(text.utf8), from: "UTF-8", to: "GB18030")
        }
    }

    /// The text of `data` read as `encoding` (a UTF-8 byte-order mark is dropped).
    ///
    /// - Throws: ``Failure`` naming the encoding when the bytes are not text in it.
    public static func decode(_ data: Data, as encoding: BankFormat.Encoding) throws(Failure) -> String {
        switch encoding {
        case .utf8:
            let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
            guard let text = String(validating: body, as: UTF8.self) else {
                throw Failure(description: "is not UTF-8 text: is it the bank's file, and does the bank's format name its encoding (GB18030 for GBK)?")
            }
            return text
        case .gb18030:
            let utf8 = try convert(data, from: "GB18030", to: "UTF-8")
            return String(decoding: utf8, as: UTF8.self)
        }
    }

    private static func convert(_ input: Data, from: String, to: String) throws(Failure) -> Data {
        guard let cd = Optional(iconv_open(to, from)), cd != iconv_t(bitPattern: -1) else {
            throw Failure(description: "this system cannot convert \(from) to \(to) (iconv): install the C library's converters (Debian: libc-bin / glibc's gconv modules)")
        }
        defer { iconv_close(cd) }
        var output = Data()
        let failed: Int32? = input.withUnsafeBytes { raw -> Int32? in
            var inPtr = UnsafeMutablePointer(mutating: raw.bindMemory(to: CChar.self).baseAddress)
            var inLeft = raw.count
            var buffer = [CChar](repeating: 0, count: 64 * 1024)
            while true {
                let (status, produced): (Int, Int) = buffer.withUnsafeMutableBufferPointer { b in
                    var outPtr = b.baseAddress
                    var outLeft = b.count
                    let s = inLeft == 0 ? iconv(cd, nil, nil, &outPtr, &outLeft) : iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (s, b.count - outLeft)
                }
                buffer.withUnsafeBytes { output.append(contentsOf: $0.prefix(produced)) }
                if status == -1 {
                    if errno == E2BIG { continue }
                    return errno
                }
                if inLeft == 0 { return nil }
            }
        }
        if let failed {
            throw Failure(description: failed == EILSEQ || failed == EINVAL
                          ? "is not \(from) text (a byte sequence has no character in it): check the file's encoding"
                          : "could not be converted from \(from) to \(to) (errno \(failed))")
        }
        return output
    }
}
