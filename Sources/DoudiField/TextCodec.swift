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

    /// `input` converted by iconv from one encoding to another.
    ///
    /// - Throws: ``Failure`` when the system lacks the converter, or naming the first byte
    ///   (from 1) that is no character in `from`.
    static func convert(_ input: Data, from: String, to: String) throws(Failure) -> Data {
        guard let cd = Optional(iconv_open(to, from)), cd != iconv_t(bitPattern: -1) else {
            throw Failure(description: "this system cannot convert \(from) to \(to) (iconv): install the C library's converters (Debian: libc6's gconv modules)")
        }
        defer { iconv_close(cd) }
        var output = Data()
        output.reserveCapacity(input.count * 3 / 2)
        var bytes = [CChar](repeating: 0, count: input.count)
        bytes.withUnsafeMutableBytes { _ = input.copyBytes(to: $0) }
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        let failedAt: Int? = bytes.withUnsafeMutableBufferPointer { inBuffer -> Int? in
            var inPointer = inBuffer.baseAddress
            var inLeft = inBuffer.count
            while inLeft > 0 {
                let (status, produced, err) = buffer.withUnsafeMutableBufferPointer { out -> (Int, Int, Int32) in
                    var outPointer = out.baseAddress
                    var outLeft = out.count
                    let s = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (s, out.count - outLeft, errno)
                }
                buffer.withUnsafeBytes { output.append(contentsOf: $0.prefix(produced)) }
                if status == -1 && err != E2BIG { return inBuffer.count - inLeft }
            }
            return nil
        }
        if let offset = failedAt {
            throw Failure(description: "is not \(from) text: byte \(offset + 1) is no character in it; check the file's encoding")
        }
        return output
    }
}
