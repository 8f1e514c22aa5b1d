import DoudiSynthetic
import Foundation

// doudi-bench: measures Doudi against raw SQLite doing the same rows in the same run, on a
// synthetic district (DoudiSynthetic). Run in release mode, from the repository root:
//   scripts/bench                      (builds, runs everything, rewrites BENCHMARKS.md)
//   .build/release/doudi-bench [--quick] [--district] [--only field|assess|sync|load] [--write BENCHMARKS.md]
// Figures go to BENCHMARKS.md (never into timed test assertions).

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
let writeTo = arguments.firstIndex(of: "--write").map { arguments[$0 + 1] }
/// Also the initial sync of a whole district (304 villages, about 250,000 records): seeding it
/// takes several minutes at today's server apply speed, so it is not in the default run.
let withDistrict = arguments.contains("--district")
func wanted(_ name: String) -> Bool { only == nil || only == name }
func progress(_ text: String) { FileHandle.standardError.write(Data("doudi-bench: \(text)\n".utf8)) }

var sections: [(String, String)] = []
var targets: [String] = []
do {
    if wanted("field") {
        progress("field store: local writes and interactive operations")
        let (text, perTransactionRatio, p95) = try runFieldBench(quick: quick)
        sections.append(("field", text))
        targets.append("| local writes: record a visit with its change set, vs raw SQLite, same rows | \(String(format: "%.1f×", perTransactionRatio)) slower (one transaction each) | within 3× | \(perTransactionRatio <= 3 ? "met" : "missed") |")
        let worst = p95.map(\.1).max() ?? .infinity
        targets.append("| list / open+assess / search (name, initials, ID tail) on the \(quick ? "town" : "district") store, p95 | \(p95.map { String(format: "%.2f ms", $0.1 * 1000) }.joined(separator: " / ")) | under 10 ms each (stretch 2 ms) | \(worst < 0.010 ? (worst < 0.002 ? "met, stretch too" : "met") : "missed") |")
    }
    if wanted("assess") {
        var runs: [AssessFigures] = []
        let sizes: [(String, DistrictShape)] = quick ? [("village", .village()), ("town", .town())]
            : [("village", .village()), ("town", .town()), ("district", .district()), ("ten districts", .tenDistricts())]
        for (label, shape) in sizes {
            progress("assessment: \(label)")
            runs.append(try runAssessBench(shape: shape, label: label))
        }
        sections.append(("assess", assessSection(runs)))
    }
    if wanted("sync") {
        var runs: [SyncFigures] = []
        let sizes: [(String, DistrictShape)] = quick ? [("village", .village()), ("small town", DistrictShape(towns: 1, villagesPerTown: 12, householdsPerVillage: 100))]
            : [("village", .village()), ("small town", DistrictShape(towns: 1, villagesPerTown: 12, householdsPerVillage: 100)), ("town", .town())]
                + (withDistrict ? [("district", .district())] : [])
        for (label, shape) in sizes {
            progress("sync: \(label)")
            runs.append(try await runSyncBench(shape: shape, label: label))
        }
        sections.append(("sync", syncSection(runs) + "\n" + bundleSection(runs)))
        if let town = runs.first(where: { $0.label == "town" }) ?? runs.last {
            targets.append("| initial sync of the \(town.label) scope (\(town.records) records) to a new laptop, loopback | \(String(format: "%.1f s", town.initialTime)) | under 3 s for 100,000 records | \(town.initialTime < 3 && town.records >= 100_000 ? "met" : "missed") |")
            targets.append("| laptop peak memory growth during that initial sync | \(String(format: "%.0f MiB", town.clientMemory)) | under 200 MB | \(town.clientMemory < 190 ? "met" : "missed") |")
        }
    }
    if wanted("load") {
        let devices = quick ? 60 : 300, households = quick ? 5 : 10
        var stores: [LoadStore] = [.sqlite]
        if let admin = ProcessInfo.processInfo.environment["DOUDI_TEST_POSTGRES_URL"], !admin.isEmpty {
            stores += [.postgres(admin: admin, processes: 1), .postgres(admin: admin, processes: 2)]
        } else {
            progress("PostgreSQL left out of the load section: DOUDI_TEST_POSTGRES_URL is not set (scripts/bench runs it through scripts/with-postgres)")
        }
        var runs: [LoadFigures] = []
        for store in stores {
            for mode in [LoadMode.laptops, .pushes] {
                progress("server under load: \(devices) village laptops at once, \(store), \(mode.rawValue)")
                runs.append(try await runLoadBench(devices: devices, householdsPerDevice: households, store: store, mode: mode))
            }
        }
        sections.append(("load", loadSection(runs)))
        for f in runs {
            let p99 = percentile(f.latencies, 0.99), perSecond = Double(f.changes) / f.wall
            if f.store.hasPrefix("SQLite") {
                targets.append("| server apply, \(f.devices) devices pushing at once, SQLite, \(f.mode == .laptops ? "laptops' own sync" : "pushes only") | \(rate(f.changes, f.wall)) changes, p99 \(String(format: "%.2f s", p99)) | ≥ 20,000 changes/s, p99 < 1 s | \(perSecond >= 20_000 && p99 < 1 ? "met" : "missed") |")
            } else {
                let ratio = Double(f.changes) / max(f.rawSeconds, 1e-9) / perSecond
                targets.append("| server apply, \(f.devices) devices, \(f.store), \(f.mode == .laptops ? "laptops' own sync" : "pushes only") | \(rate(f.changes, f.wall)) changes, \(String(format: "%.1f×", ratio)) raw postgres-nio inserts | within 3× of raw | \(ratio <= 3 ? "met" : "missed") |")
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("doudi-bench: error: \(error)\n".utf8))
    exit(1)
}
// a run of some sections (--only) keeps the other sections' target rows already written, by target
if only != nil, let writeTo, let doc = try? String(contentsOfFile: writeTo, encoding: .utf8),
   let a = doc.range(of: "<!-- bench:targets -->"), let b = doc.range(of: "<!-- /bench:targets -->"), a.upperBound <= b.lowerBound {
    // a target is its first cell without its figures (the record count of a scope changes with the generator)
    func target(_ row: String) -> String { (row.split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? row).filter { !$0.isNumber } }
    let measured = Dictionary(targets.map { (target($0), $0) }, uniquingKeysWith: { _, last in last })
    let old = doc[a.upperBound..<b.lowerBound].split(separator: "\n").map(String.init)
        .filter { $0.hasPrefix("| ") && !$0.hasPrefix("| target |") }
    let merged = old.map { measured[target($0)] ?? $0 }
    targets = merged + targets.filter { !Set(old.map(target)).contains(target($0)) }
}
if !targets.isEmpty {
    let machine = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
        .first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let memory = ProcessInfo.processInfo.physicalMemory / 1_073_741_824
    sections.insert(("targets", """
    ## The targets, side by side (\(quick ? "quick run" : "full run"))

    Machine: \(machine), \(cores) cores, \(memory) GiB; release build; run on \(ISO8601DateFormatter().string(from: Date())).

    | target | measured | we hold ourselves to | |
    |---|---|---|---|
    \(targets.joined(separator: "\n"))
    """), at: 0)
}
for (_, text) in sections { print(text + "\n") }

// --write FILE replaces the text between <!-- bench:NAME --> and <!-- /bench:NAME --> markers.
if let writeTo {
    var doc = (try? String(contentsOfFile: writeTo, encoding: .utf8)) ?? ""
    for (name, text) in sections {
        let open = "<!-- bench:\(name) -->", close = "<!-- /bench:\(name) -->"
        if let a = doc.range(of: open), let b = doc.range(of: close), a.upperBound <= b.lowerBound {
            doc.replaceSubrange(a.upperBound..<b.lowerBound, with: "\n" + text + "\n")
        } else {
            doc += "\n\(open)\n\(text)\n\(close)\n"
        }
    }
    try doc.write(toFile: writeTo, atomically: true, encoding: .utf8)
}
