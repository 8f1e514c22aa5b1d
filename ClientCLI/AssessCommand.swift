import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `doudi assess FILE... [--as-of YYYY-MM-DD] [--policy PATH] [--json]`
///
/// Reads household documents, assesses each under the policy version in force on
/// the as-of day, and prints every determination with its explanation: in Chinese
/// for people, or as JSON for scripts.
struct AssessCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "assess",
            abstract: "测算救助待遇 Assess households: what each programme pays, and why.",
            discussion: """
                Each FILE is a household document (JSON): see docs/HOUSEHOLD-DOCUMENT.md and \
                Samples/households/. For every programme the household or a member may receive, \
                the result (结果) is printed with its monthly amount and the explanation, step by \
                step, citing the clauses (§) of the policy.

                项目 Programmes:
                \(programmeList)

                结果 Results:
                \(statusList)

                A malformed document, an invalid ID number or a bad policy file is reported as one \
                line naming the file and the field, with exit status 1.
                """
        )
    }

    /// Code and Chinese name on one line, the English name under the Chinese (80 columns).
    static var programmeList: String {
        let width = Programme.allCases.map(\.rawValue.count).max() ?? 0
        return Programme.allCases.map { p in
            let pad = String(repeating: " ", count: width - p.rawValue.count + 2)
            return "  \(p.rawValue)\(pad)\(p.chineseName)\n  \(String(repeating: " ", count: width + 2))\(p.englishName)"
        }.joined(separator: "\n")
    }

    static var statusList: String {
        let english: [Determination.Status: String] = [
            .eligible: "eligible", .gradualExit: "eligible during gradual exit (§3.1.5)",
            .candidate: "candidate, the town decides the amount", .pending: "pending a fact to establish",
            .notEligible: "not eligible",
        ]
        return table([Determination.Status.eligible, .gradualExit, .candidate, .pending, .notEligible]
            .map { [$0.rawValue, $0.chineseName, english[$0] ?? ""] })
    }

    /// Rows in aligned columns; a Chinese character is two columns wide on a terminal.
    static func table(_ rows: [[String]]) -> String {
        func width(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + ($1.value < 0x1100 ? 1 : 2) } }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? width($0[c]) : 0 }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - width(cell) + 2)
            }.joined()
        }.joined(separator: "\n")
    }

    @Argument(help: ArgumentHelp("户档案 Household documents (JSON).", valueName: "file"))
    var files: [String]

    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("测算日 The day to assess on, YYYY-MM-DD (default: today).", valueName: "day"))
    var asOf: String?

    @OptionGroup(title: "Policy")
    var policyOptions: PolicyOptions

    @Flag(help: "输出 JSON: one object per household, amounts in fen, for scripts.")
    var json = false

    func validate() throws {
        guard !files.isEmpty else {
            throw ValidationError("give at least one household document, e.g. doudi assess Samples/households/*.json")
        }
        if let asOf {
            do { _ = try Day(iso: asOf) } catch { throw ValidationError("--as-of \(error.description)") }
        }
    }

    func run() throws {
        try reportingFailures {
            let day = try asOf.map { try Day(iso: $0) } ?? SystemClock.today()
            let policy = try policyOptions.loadBook().inForce(on: day)
            let documents = try loadDocuments()
            let assessor = Assessor(policy: policy)
            let results = documents.map { document in
                AssessedHousehold(document: document.path, householdCase: document.householdCase,
                                  assessment: assessor.assess(document.householdCase, asOf: day))
            }
            if json {
                print(try AssessmentReport.json(results))
            } else {
                print(AssessmentText(policy: policy, asOf: day).render(results), terminator: "")
            }
        }
    }

    /// Reads every document first, so that nothing is printed unless all are valid;
    /// each bad document is reported on its own line.
    private func loadDocuments() throws -> [(path: String, householdCase: HouseholdCase)] {
        var documents: [(path: String, householdCase: HouseholdCase)] = []
        var errors: [any Error] = []
        for path in files {
            do { documents.append((path, try HouseholdDocumentFile.load(path))) } catch { errors.append(error) }
        }
        if !errors.isEmpty { throw CommandFailure.report(errors) }
        return documents
    }
}
