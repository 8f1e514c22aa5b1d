import Foundation

// Small helpers shared by the bench sections.

func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// Wall-clock seconds a body takes.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Wall-clock seconds an async body takes.
func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
}

func ms(_ x: Double) -> String { String(format: "%.2f ms", x * 1000) }
func rate(_ n: Int, _ s: Double) -> String { String(format: "%.0f/s", Double(n) / s) }

/// Peak resident memory (VmHWM) of a process, in MiB.
func peakMemoryMiB(pid: String = "self") -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return nil }
    return kb / 1024
}

/// CPU seconds (user + system) a process has used so far.
func cpuSeconds(pid: String = "self") -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // after the command: state(0) … utime(11) stime(12), in clock ticks
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
