import ArgumentParser
import DoudiField
import DoudiModel

/// `doudi household restore HOUSEHOLD --reason TEXT`: undo a mistaken void (注销).
struct HouseholdRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "恢复家庭 Restore a voided household, with the reason (kept in its history).",
        discussion: "Example: doudi household restore 1a2b3c4d --reason 误注销，该户仍在本村居住")
    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household")) var reference: String
    @Option(help: ArgumentHelp("恢复原因 Why the void was a mistake (required).", valueName: "text")) var reason: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("household restore") { result in try RestoreRecord.run(.household, reference, reason: reason, storeOptions: storeOptions, result: &result) }}
    }
}

/// `doudi member restore MEMBER --reason TEXT`
struct MemberRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "恢复家庭成员 Restore a voided member, with the reason (kept in its history).",
        discussion: "Example: doudi member restore 5e6f7a8b --reason 误注销 (the short id: doudi history HOUSEHOLD)")
    @Argument(help: ArgumentHelp("成员 The member's short id.", valueName: "member")) var reference: String
    @Option(help: ArgumentHelp("恢复原因 Why the void was a mistake (required).", valueName: "text")) var reason: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("member restore") { result in try RestoreRecord.run(.member, reference, reason: reason, storeOptions: storeOptions, result: &result) }}
    }
}

/// `doudi visit void VISIT --reason TEXT`: a visit recorded by mistake (wrong household, wrong day).
struct VisitVoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void", abstract: "作废入户调查 Void a mistaken home visit, with the reason (nothing is deleted).",
        discussion: "Visits are never edited: void the wrong one and record it again. Example: doudi visit void 9c8d7e6f --reason 记错户")
    @Argument(help: ArgumentHelp("The visit's short id (doudi household show HOUSEHOLD).", valueName: "visit")) var reference: String
    @Option(help: ArgumentHelp("作废原因 Why (required).", valueName: "text")) var reason: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("visit void") { result in try RestoreRecord.void(.visit, reference, reason: reason, storeOptions: storeOptions, result: &result) }}
    }
}

/// `doudi visit restore VISIT --reason TEXT`
struct VisitRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "恢复入户调查 Restore a voided home visit, with the reason.")
    @Argument(help: ArgumentHelp("The visit's short id.", valueName: "visit")) var reference: String
    @Option(help: ArgumentHelp("恢复原因 Why (required).", valueName: "text")) var reason: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("visit restore") { result in try RestoreRecord.run(.visit, reference, reason: reason, storeOptions: storeOptions, result: &result) }}
    }
}

/// `doudi survey void SURVEY --reason TEXT`: a survey recorded by mistake; the assessment
/// then uses the latest survey left.
struct SurveyVoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void", abstract: "作废家庭经济状况调查 Void a mistaken survey, with the reason; the assessment uses the latest one left.",
        discussion: "Surveys are never edited: void the wrong one and record it again. Example: doudi survey void 3a4b5c6d --reason 收入录入错误")
    @Argument(help: ArgumentHelp("The survey's short id (doudi household show HOUSEHOLD).", valueName: "survey")) var reference: String
    @Option(help: ArgumentHelp("作废原因 Why (required).", valueName: "text")) var reason: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("survey void") { result in try RestoreRecord.void(.survey, reference, reason: reason, storeOptions: storeOptions, result: &result) }}
    }
}

/// `doudi survey restore SURVEY --reason TEXT`
struct SurveyRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "恢复家庭经济状况调查 Restore a voided survey, with the reason.")
    @Argument(help: ArgumentHelp("The survey's short id.", valueName: "survey")) var reference: String
    @Option(help: ArgumentHelp("恢复原因 Why (required).", valueName: "text")) var reason: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func run() throws {
        try reportingFailures(options: ["reason": "--reason"]) { try output.run("survey restore") { result in try RestoreRecord.run(.survey, reference, reason: reason, storeOptions: storeOptions, result: &result) }}
    }
}
