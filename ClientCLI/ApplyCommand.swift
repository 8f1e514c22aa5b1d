import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi apply HOUSEHOLD --programme P --summary TEXT [...]` and `doudi apply submit APPLICATION`.
struct ApplyCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "apply",
            abstract: "申请 Draft an application for a household, and submit it to the town.",
            discussion: """
                doudi apply HOUSEHOLD --programme … drafts an application (add --submit to submit it at \
                once); doudi apply submit APPLICATION submits a draft. The application's stage shows in \
                `doudi household show`. doudi apply withdraw APPLICATION --reason … records the applicant's \
                withdrawal (撤回申请) before a decision.
                """,
            subcommands: [ApplyDraftCommand.self, ApplySubmitCommand.self, ApplyWithdrawCommand.self],
            defaultSubcommand: ApplyDraftCommand.self
        )
    }
}

/// `doudi apply [draft] HOUSEHOLD --programme P --summary TEXT [--member M] [--type T] [--hardship H] [--amount YUAN] [--persons N] [--date D] [--submit]`
struct ApplyDraftCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "draft",
            abstract: "起草申请 Draft an application (the default: doudi apply HOUSEHOLD …).",
            discussion: """
                项目 Programmes (--programme, code or Chinese name):
                \(AssessCommand.programmeList)

                Temporary aid (临时救助) needs --type emergency (急难型) or expenditure (支出型), and \
                usually --hardship, --amount per person and --persons. The summary may appear on a \
                public notice: no disease names or costs.

                Example:
                  doudi apply 1a2b3c4d --programme dibao --summary 因病致贫，申请低保 --submit
                  doudi apply 1a2b3c4d --programme temporaryAid --type emergency --hardship ordinary \\
                    --amount 900 --persons 3 --summary 房屋受暴雨损毁
                """
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @Option(help: ArgumentHelp("救助项目 dibao, temporaryAid … or the Chinese name.", valueName: "programme"))
    var programme: String

    @Option(help: ArgumentHelp("申请人 The member, for a single-person case (§3.1.3) or a per-person programme: name, ID number or short id.", valueName: "member"))
    var member: String?

    @Option(help: ArgumentHelp("临时救助类型 emergency (急难型) | expenditure (支出型).", valueName: "type"))
    var type: String?

    @Option(help: ArgumentHelp("困难程度 ordinary (一般) | particular (特别) | major (重大, 一事一议).", valueName: "hardship"))
    var hardship: String?

    @Option(help: ArgumentHelp("每人金额 Temporary aid asked per person, in yuan.", valueName: "yuan"))
    var amount: String?

    @Option(help: ArgumentHelp("人数 Persons the temporary aid is for.", valueName: "n"))
    var persons: String?

    @Option(help: ArgumentHelp("困难情况 A short summary of the hardship (it may appear on a notice).", valueName: "text"))
    var summary: String

    @Option(help: ArgumentHelp("申请日期 YYYY-MM-DD (default: today).", valueName: "day"))
    var date: String?

    @Flag(help: "提交 Submit the application to the town at once.")
    var submit = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        _ = try Programme.parse(programme, option: "--programme")
        if let type { _ = try TemporaryAidType.parse(type, option: "--type") }
        if let hardship { _ = try Hardship.parse(hardship, option: "--hardship") }
        if let amount { _ = try Parse.money(amount, option: "--amount") }
        if let persons { _ = try Parse.count(persons, option: "--persons", minimum: 1) }
        if let date { _ = try Parse.day(date) }
    }

    func run() throws {
        try reportingFailures(options: ["temporaryAidType": "--type", "amountPerPerson": "--amount", "persons": "--persons",
                                        "member": "--member", "summary": "--summary"]) { try output.run("apply") { result in
            let store = try storeOptions.open()
            let household = try store.resolveHouseholdReference(reference)
            let day = try Parse.day(date)
            let memberID = try member.map { try Parse.member($0, in: store.householdCase(household), option: "--member").id }
            let application = Application(
                id: UUID(), household: household, member: memberID, programme: try .parse(programme, option: "--programme"),
                temporaryAidType: try type.map { try .parse($0, option: "--type") },
                hardship: try hardship.map { try .parse($0, option: "--hardship") },
                amountPerPerson: try amount.map { try Parse.money($0, option: "--amount") },
                persons: try persons.map { try Parse.count($0, option: "--persons", minimum: 1) },
                summary: summary, date: day)
            // check the policy before writing anything, so that --submit cannot leave a lone draft for want of one
            let policy = submit ? try ApplySubmitCommand.policy(store, on: day) : nil
            let drafted = try store.perform(.draftApplication(application))
            result.wrote(drafted)
            print("已起草申请 Drafted application \(Labels.short(application.id))：户 \(Labels.short(household))，\(application.programme.chineseName)，\(day)；变更集 #\(drafted.sequence) 待同步")
            if let warning = try DuplicateWarning.text(for: application, store: store) { print("注意 Warning: \(warning)") }
            if let policy {
                let submitted = try store.perform(.advanceApplication(application.id, .submit, on: day, policy: policy))
                result.wrote(submitted)
                print("已提交申请 Submitted application \(Labels.short(application.id)) to the town；变更集 #\(submitted.sequence) 待同步")
            } else {
                print("提交 Submit it: doudi apply submit \(Labels.short(application.id))")
            }
        }}
    }
}

/// `doudi apply submit APPLICATION [--date D]`
struct ApplySubmitCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "submit", abstract: "提交申请 Submit a drafted application to the town.")
    }

    @Argument(help: ArgumentHelp("申请 The application's short id.", valueName: "application"))
    var reference: String

    @Option(help: ArgumentHelp("提交日期 YYYY-MM-DD (default: today).", valueName: "day"))
    var date: String?

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    func validate() throws {
        if let date { _ = try Parse.day(date) }
    }

    /// The policy version in force on `day`, from the store.
    static func policy(_ store: FieldStore, on day: Day) throws -> PolicyVersion {
        let book = try store.policyBook()
        guard !book.versions.isEmpty else {
            throw CommandFailure(chinese: "本地数据库没有政策版本", "this store holds no policy versions: they are installed by `doudi init` (--policy)")
        }
        do { return try book.inForce(on: day) } catch { throw CommandFailure(error.description) }
    }

    func run() throws {
        try reportingFailures { try output.run("apply submit") { result in
            let store = try storeOptions.open()
            let id = try store.resolveApplication(reference)
            let day = try Parse.day(date)
            let changeSet = try store.perform(.advanceApplication(id, .submit, on: day, policy: try Self.policy(store, on: day)))
            result.wrote(changeSet)
            print("已提交申请 Submitted application \(Labels.short(id)) to the town；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
