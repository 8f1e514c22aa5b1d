import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi visit record`: home visits (入户调查).
struct VisitCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "visit",
            abstract: "入户调查 Record home visits.",
            subcommands: [VisitRecordCommand.self, VisitVoidCommand.self, VisitRestoreCommand.self]
        )
    }
}

/// `doudi visit record HOUSEHOLD --visitor NAME --visitor NAME --interviewee NAME --observations TEXT [...]`
///
/// Visits are append-only: a later visit is a new record.
struct VisitRecordCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "record",
            abstract: "记录入户调查 Record a home visit to a household.",
            discussion: """
                Example:
                  doudi visit record 1a2b3c4d --date 2020-06-16 --visitor 王五 --visitor 赵六 \\
                    --interviewee 张大山 --observations 土坯房，家中无大件电器 --conclusion 属实
                """
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @Option(help: ArgumentHelp("调查日期 YYYY-MM-DD (default: today).", valueName: "day"))
    var date: String?

    @Option(name: .customLong("visitor"), help: ArgumentHelp("调查人 A member of staff who visited; repeat for each (usually two).", valueName: "name"))
    var visitors: [String] = []

    @Option(help: ArgumentHelp("受访人 Who was interviewed.", valueName: "name"))
    var interviewee: String

    @Option(help: ArgumentHelp("走访所见 What was seen: housing, assets, health.", valueName: "text"))
    var observations: String

    @Option(help: ArgumentHelp("邻里访问 What the neighbours said.", valueName: "text"))
    var neighbours: String?

    @Option(help: ArgumentHelp("结论 属实 | 不属实 (truthful | untruthful); default 属实.", valueName: "conclusion"))
    var conclusion: String?

    @Option(help: ArgumentHelp("备注 Remarks.", valueName: "text"))
    var remarks: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        if let date { _ = try Parse.day(date) }
        if let conclusion { _ = try VisitConclusion.parse(conclusion, option: "--conclusion") }
    }

    func run() throws {
        try reportingFailures(options: ["visitors": "--visitor", "interviewee": "--interviewee", "observations": "--observations"]) { try output.run("visit record") { result in
            let store = try storeOptions.open()
            let household = try store.resolveHouseholdReference(reference)
            let visit = Visit(id: UUID(), household: household, date: try Parse.day(date), visitors: visitors.map { $0.trimmingCharacters(in: .whitespaces) },
                              interviewee: interviewee, observations: observations,
                              neighbourNotes: neighbours, conclusion: try conclusion.map { try .parse($0, option: "--conclusion") } ?? .truthful,
                              remarks: remarks)
            let today = try SystemClock.today()
            do { try visit.checkDate(today: today) } catch let error as ModelError { throw ValidationError("--date: \(error.message)") }
            let changeSet = try store.perform(.recordVisit(visit))
            result.wrote(changeSet)
            print("已记录入户调查 Recorded visit \(Labels.short(visit.id))：户 \(Labels.short(household))，\(visit.date)，调查人 \(visit.visitors.joined(separator: "、"))，结论 \(visit.conclusion.chineseName)；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
