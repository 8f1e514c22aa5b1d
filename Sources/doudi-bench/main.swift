import Foundation

// doudi-bench: measures Doudi against raw SQLite doing the same rows in the same run.
// Run in release mode, from the repository root:
//   swift build -c release --product doudi-bench --product doudi-server
//   .build/release/doudi-bench [--quick] [--only field|sync] [--write BENCHMARKS.md]
// Figures go to BENCHMARKS.md (never into timed test assertions).

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
let writeTo = arguments.firstIndex(of: "--write").map { arguments[$0 + 1] }

var sections: [(String, String)] = []
do {
    if only == nil || only == "field" { sections.append(("field", try runFieldBench(quick: quick))) }
    if only == nil || only == "sync" { sections.append(("sync", try await runSyncBench(quick: quick))) }
} catch {
    FileHandle.standardError.write(Data("doudi-bench: error: \(error)\n".utf8))
    exit(1)
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
