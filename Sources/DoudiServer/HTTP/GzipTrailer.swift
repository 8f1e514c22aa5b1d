import NIOCore

/// The 8-byte trailer that ends a gzip member (RFC 1952 §2.3.1): the CRC-32 and the length
/// (modulo 2^32) of the uncompressed data, little-endian.
///
/// The inflater answers a body cut short (even one whose deflate stream is whole but whose trailer
/// is missing) with the bytes it got so far, and ignores anything after the first member; checking
/// that the body's last 8 bytes are the trailer of what it decompressed to refuses both, so a
/// truncated gzip body is never read as if it were whole.
enum GzipTrailer {
    /// True when `compressed` ends with the trailer of `decompressed`.
    static func matches(compressed: ByteBuffer, decompressed: ByteBuffer) -> Bool {
        // a gzip member is at least a 10-byte header, an empty deflate block and the trailer
        guard compressed.readableBytes >= 18 else { return false }
        let end = compressed.readerIndex + compressed.readableBytes
        guard let crc = compressed.getInteger(at: end - 8, endianness: .little, as: UInt32.self),
              let length = compressed.getInteger(at: end - 4, endianness: .little, as: UInt32.self) else { return false }
        guard length == UInt32(truncatingIfNeeded: decompressed.readableBytes) else { return false }
        return decompressed.withUnsafeReadableBytes { crc32($0) } == crc
    }

    /// CRC-32 (IEEE 802.3, reflected, as gzip uses it).
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
