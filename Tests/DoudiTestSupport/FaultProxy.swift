import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP proxy between a laptop and the server that misbehaves on purpose: for the
/// fault-injection tests (issue 12). Each connection gets the ``Fault`` the schedule gives
/// for its first request line (`POST /v1/push HTTP/1.1`); the request always reaches the
/// server whole unless the fault says otherwise, so that "the server applied it but the
/// laptop never heard" happens for real.
public final class FaultProxy: @unchecked Sendable {
    /// What happens to one connection.
    public enum Fault: Hashable, Sendable, CustomStringConvertible {
        /// Forwarded both ways, untouched.
        case pass
        /// Closed at once: the request never reaches the server.
        case refuse
        /// The request reaches the server; its answer is thrown away and the connection closed.
        case dropAnswer
        /// The request reaches the server; only the first `bytes` of the answer reach the laptop.
        case truncateAnswer(bytes: Int)
        /// Everything forwarded, the answer held back `milliseconds` first.
        case delay(milliseconds: Int)
        /// The request reaches the server; the answer is held until ``release()`` (the test
        /// kills the laptop meanwhile), then thrown away.
        case hold

        public var description: String {
            switch self {
            case .pass: "pass"
            case .refuse: "refuse"
            case .dropAnswer: "drop the answer"
            case .truncateAnswer(let n): "truncate the answer at \(n) bytes"
            case .delay(let ms): "delay \(ms) ms"
            case .hold: "hold the answer"
            }
        }
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var schedule: (String) -> Fault = { _ in .pass }
    private var log: [(fault: Fault, request: String)] = []
    private var holding = 0
    private var released = false
    private var stopped = false

    /// Listens on a free loopback port and forwards to `127.0.0.1:upstreamPort`.
    public init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let listener = socket(AF_INET, Self.streamType, 0)
        self.listener = listener
        guard listener >= 0 else { throw TestSupportFailure(description: "proxy: socket() failed (errno \(errno))") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw TestSupportFailure(description: "proxy: bind/listen failed (errno \(errno))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Every later connection gets the fault `next` gives for its first request line.
    public func setSchedule(_ next: @escaping (String) -> Fault) {
        lock.withLock { schedule = next; released = false }
    }

    /// The faults applied so far, with the first line of each connection's first request.
    public var history: [(fault: Fault, request: String)] { lock.withLock { log } }

    /// How many answers are being held (``Fault/hold``): each one the server has given.
    public var held: Int { lock.withLock { holding } }

    /// Lets held connections end (their answers are thrown away).
    public func release() { lock.withLock { released = true } }

    /// Waits until `condition` holds or `seconds` pass; true when it held.
    public func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }

    /// Stops accepting. The listening socket is closed by the accepting thread itself once it
    /// has woken (never under it: its number could be reused by another socket of the process).
    public func stop() {
        let first: Bool = lock.withLock { defer { stopped = true; released = true }; return !stopped }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    // MARK: the work

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if lock.withLock({ stopped }) {
                if client >= 0 { close(client) }
                close(listener)
                return
            }
            if client < 0 { continue }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    /// One connection. Both sockets are closed only after the thread copying the laptop's bytes
    /// has ended: a socket closed under a running thread could be reused by another connection
    /// of the test process, and that thread would then read or write someone else's bytes.
    private func serve(_ client: Int32) {
        defer { close(client) }
        var first = [UInt8](repeating: 0, count: 65_536)
        let got = read(client, &first, first.count)
        guard got > 0 else { return }
        let line = String(decoding: first[0..<got].prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let fault = lock.withLock { schedule(line) }
        lock.withLock { log.append((fault, line)) }
        if fault == .refuse { return }
        let upstream = socket(AF_INET, Self.streamType, 0)
        guard upstream >= 0 else { return }
        let forwarded = DispatchSemaphore(value: 0)
        var forwarding = false
        defer {
            if forwarding {
                // wake the copying thread (its read returns) and wait for it before closing
                shutdown(client, Int32(SHUT_RDWR)); shutdown(upstream, Int32(SHUT_RDWR))
                forwarded.wait()
            }
            close(upstream)
        }
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, Self.writeAll(upstream, first, got) else { return }
        // laptop → server on its own thread, untouched
        let forward = Thread {
            defer { forwarded.signal() }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { shutdown(upstream, Int32(SHUT_WR)); return }
                if !Self.writeAll(upstream, buffer, n) { return }
            }
        }
        forwarding = true
        forward.start()
        // server → laptop, with the fault
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var sent = 0
        var answerStarts = true
        while true {
            var n = read(upstream, &buffer, buffer.count)
            if n <= 0 { shutdown(client, Int32(SHUT_RDWR)); return }
            if answerStarts {
                // one request per connection, so that each request meets its own fault
                answerStarts = false
                (buffer, n) = Self.closingConnection(buffer, n)
            }
            switch fault {
            case .pass, .refuse:   // (a refused connection never gets here)
                if !Self.writeAll(client, buffer, n) { return }
            case .dropAnswer:
                shutdown(client, Int32(SHUT_RDWR)); return
            case .truncateAnswer(let limit):
                let room = max(0, limit - sent)
                if room > 0 { _ = Self.writeAll(client, buffer, min(room, n)) }
                sent += n
                if sent >= limit { shutdown(client, Int32(SHUT_RDWR)); return }
            case .delay(let ms):
                usleep(UInt32(ms) * 1_000)
                if !Self.writeAll(client, buffer, n) { return }
            case .hold:
                // the server has answered (so it applied the request); the laptop never hears
                lock.withLock { holding += 1 }
                _ = wait(seconds: 60) { lock.withLock { released } }
                lock.withLock { holding -= 1 }
                shutdown(client, Int32(SHUT_RDWR)); return
            }
        }
    }

    /// The answer's first bytes with `Connection: close` after the status line.
    private static func closingConnection(_ buffer: [UInt8], _ count: Int) -> ([UInt8], Int) {
        guard let end = buffer[0..<count].firstIndex(of: 0x0A) else { return (buffer, count) }
        let bytes = Array(buffer[0...end]) + Array("Connection: close\r\n".utf8) + Array(buffer[(end + 1)..<count])
        return (bytes + [UInt8](repeating: 0, count: max(0, 65_536 - bytes.count)), bytes.count)
    }

    private static func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = buffer.withUnsafeBytes { raw in raw.baseAddress.map { write(fd, $0 + offset, count - offset) } ?? -1 }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    #endif
}
