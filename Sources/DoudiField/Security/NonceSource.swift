import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Random 96-bit nonces for the store's AES-GCM seals, drawn from the kernel's CSPRNG 4 KiB at a
/// time: one read of `/dev/urandom` for 341 seals instead of a `getrandom` each (an initial sync seals every sensitive
/// field of every member; the system call was a fifth of a seal). The buffer is used once, under a
/// lock, so no nonce is handed out twice; doudi does not fork, so no copy of the buffer lives on.
final class NonceSource: @unchecked Sendable {
    static let shared = NonceSource()

    private static let size = 12
    private let lock = NSLock()
    private var buffer = [UInt8](repeating: 0, count: 4092)
    private var used: Int

    private init() { used = buffer.count }

    /// The next nonce, never handed out before.
    func next() -> AES.GCM.Nonce {
        lock.withLock {
            if used + Self.size > buffer.count {
                refill()
                used = 0
            }
            defer { used += Self.size }
            // twelve bytes are what AES-GCM's nonce takes: this cannot fail
            guard let nonce = try? AES.GCM.Nonce(data: buffer[used..<(used + Self.size)]) else { preconditionFailure("a 96-bit nonce was refused") }
            return nonce
        }
    }

    private func refill() {
        let count = buffer.count
        var filled = 0
        #if canImport(Glibc)
        // the kernel's CSPRNG, 4 KiB a read
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            filled = buffer.withUnsafeMutableBytes { bytes in
                var done = 0
                while done < count {
                    let n = read(fd, bytes.baseAddress! + done, count - done)
                    if n <= 0 { break }
                    done += n
                }
                return done
            }
            close(fd)
        }
        #endif
        if filled < count {
            // no /dev/urandom: the system generator, eight bytes at a time
            var generator = SystemRandomNumberGenerator()
            for i in stride(from: 0, to: count, by: 8) {
                withUnsafeBytes(of: generator.next()) { word in
                    for (k, byte) in word.enumerated() where i + k < count { buffer[i + k] = byte }
                }
            }
        }
    }
}
