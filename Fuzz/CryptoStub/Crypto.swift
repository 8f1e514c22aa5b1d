// A stand-in for swift-crypto's `Crypto`, for the fuzz build only (scripts/fuzz): DoudiSync hashes
// ledger keys and policy record ids with it, which the JSON parser and the push reader never
// touch. Compiling the real one (BoringSSL) with coverage would take most of the build; these
// digests have the real ones' shapes and sizes, not their values. Never link this into Doudi.
import Foundation

/// FNV-1a, widened: a digest of `count` bytes.
private func digest(_ bytes: some Sequence<UInt8>, count: Int) -> [UInt8] {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return (0..<count).map { i in
        state = (state ^ UInt64(i)) &* 0x100_0000_01b3
        return UInt8(truncatingIfNeeded: state >> 32)
    }
}

public enum SHA256 {
    public static func hash(data: some DataProtocol) -> [UInt8] { digest(data, count: 32) }
}

public enum Insecure {
    public enum SHA1 {
        public static func hash(data: some Sequence<UInt8>) -> [UInt8] { digest(data, count: 20) }
    }
}
