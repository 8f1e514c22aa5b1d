import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi assess FILE|HOUSEHOLD... [--as-of YYYY-MM-DD] [--policy PATH] [--store PATH] [--json]`
///
/// Reads household documents, or households from the store, assesses each under the
/// policy version in force on the as-of day, and prints every determination with its
/// explanation: in Chinese for people, or as JSON for scripts.
struct AssessCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "assess",
            abstract: "测算救助待遇 Assess households: what each programme pays, and why.",
            discussion: """
                Each argument is a household document (JSON; see docs/HOUSEHOLD-DOCUMENT.md and \
                Samples/households/) or a household in the store (--store, else $DOUDI_HOME): its \
                short id, or a member's resident ID number. For every programme the household or a \
                member may receive, the result (结果) is printed with its monthly amount and the \
                explanation, step by step, citing the clauses (§) of the policy.

                A household in the store is assessed with the policy versions installed in the store \
                (by doudi init) unless --policy is given, and with its latest survey.

                项目 Programmes:
                \(programmeList)

                结果 Results:
                \(statusList)

                A malformed document, an invalid ID number, an unknown household or a bad policy \
                file is reported as one line naming the file (or household) and the field, with \
                exit status 1.
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
        var table = Table([], indent: 2)
        table.rows = rows
        return String(table.render().dropLast())
    }

    @Argument(help: ArgumentHelp("户档案或户 Household documents (JSON), or households in the store (short id or a member's ID number).",
                                 valueName: "file|household"))
    var files: [String]

    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("测算日 The day to assess on, YYYY-MM-DD (default: today).", valueName: "day"))
    var asOf: String?

    @OptionGroup(title: "Policy")
    var policyOptions: PolicyOptions

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "输出 JSON: one object per household, amounts in fen, for scripts.")
    var json = false

    func validate() throws {
        guard !files.isEmpty else {
            throw ValidationError("give at least one household document or household, e.g. doudi assess Samples/households/*.json, or doudi assess 1a2b3c4d with a store")
        }
        if let asOf {
            do { _ = try Day(typed: asOf) } catch { throw ValidationError("--as-of \(error.description)") }
        }
    }

    func run() throws {
        try reportingFailures {
            let day = try asOf.map { try Day(typed: $0) } ?? SystemClock.today()
            var store: FieldStore?
            if let household = files.first(where: { !Self.isDocument($0) }) {
                guard storeOptions.isConfigured() else {
                    throw CommandFailure("\(Labels.echo(household)): no such file, and no store to look for it in as a household: pass --store PATH or set \(StoreOptions.environmentVariable)")
                }
                store = try storeOptions.open()
            }
            let policy = try policyBook(store: store).inForce(on: day)
            let documents = try loadDocuments(store: store)
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

    /// An argument names a household document when it is an existing file or looks
    /// like a path (a `/` or a `.json` ending); otherwise it names a household in the store.
    static func isDocument(_ argument: String) -> Bool {
        argument.contains("/") || argument.lowercased().hasSuffix(".json") || FileManager.default.fileExists(atPath: argument)
    }

    /// `--policy` when given; else the store's versions when a household comes from the
    /// store; else `$DOUDI_POLICY`, `./ServerConfig/policy` or the installed `/usr/share/doudi/policy`.
    private func policyBook(store: FieldStore?) throws -> PolicyBook {
        guard let store, policyOptions.policy == nil else { return try policyOptions.loadBook() }
        let book = try store.policyBook()
        guard !book.versions.isEmpty else {
            throw CommandFailure(chinese: "本地数据库没有政策版本", "the store holds no policy versions: pass --policy with a policy file or directory (in the repository: --policy \(PolicyOptions.repositoryDirectory))")
        }
        return book
    }

    /// Reads every document and household first, so that nothing is printed unless all
    /// are valid; each bad one is reported on its own line.
    private func loadDocuments(store: FieldStore?) throws -> [(path: String, householdCase: HouseholdCase)] {
        var documents: [(path: String, householdCase: HouseholdCase)] = []
        var errors: [any Error] = []
        for argument in files {
            do {
                if Self.isDocument(argument) {
                    documents.append((argument, try HouseholdDocumentFile.load(argument)))
                } else if let store {
                    // named by its short id, never by the ID number it may have been given as
                    let id = try store.resolveHouseholdReference(argument)
                    documents.append((Labels.short(id), try store.householdCase(id)))
                }
            } catch {
                errors.append(Self.isDocument(argument) ? error : CommandFailure("\(Labels.echo(argument)): \(CommandFailure.oneLine(error))"))
            }
        }
        if !errors.isEmpty { throw CommandFailure.report(errors) }
        return documents
    }
}
