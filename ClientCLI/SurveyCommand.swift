import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi survey record`: income-and-asset surveys (家庭经济状况调查).
struct SurveyCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "survey",
            abstract: "家庭经济状况调查 Record income-and-asset surveys.",
            subcommands: [SurveyRecordCommand.self, SurveyVoidCommand.self, SurveyRestoreCommand.self]
        )
    }
}

/// `doudi survey record HOUSEHOLD --surveyor NAME --income KIND:AMOUNT[:annual][:MEMBER] … [assets]`
///
/// Surveys are append-only: a re-survey is a new record, and the assessment uses the latest.
struct SurveyRecordCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "record",
            abstract: "记录家庭经济状况调查 Record a household's incomes, deductions and assets.",
            discussion: """
                Amounts are yuan, e.g. 600 or 1200.50; monthly unless :annual (or :年) follows. \
                MEMBER is a member's name, resident ID number or short id; without it the item is \
                the whole household's. Use ： or : between the parts.

                收入类别 Income kinds (KIND):
                \(AssessCommand.table(IncomeKind.allCases.map { [$0.rawValue, $0.chineseName] }))

                刚性支出 Deduction kinds (§3.1.4):
                \(AssessCommand.table(DeductionKind.allCases.map { [$0.rawValue, $0.chineseName] }))

                Example:
                  doudi survey record 1a2b3c4d --date 2020-06-15 --surveyor 王五 --surveyor 赵六 \\
                    --income 经营:600 --income 工资:3600:annual:张大山 \\
                    --disregarded-income 转移:50:计划生育奖励扶助金 \\
                    --deduction 医疗:200:李秀英 --financial-assets 2000 --houses 1 --vehicle 摩托车:1500
                """
        )
    }

    @Argument(help: ArgumentHelp("户 The household: short id, or a member's resident ID number.", valueName: "household"))
    var reference: String

    @Option(help: ArgumentHelp("调查日期 YYYY-MM-DD (default: today).", valueName: "day"))
    var date: String?

    @Option(name: .customLong("surveyor"), help: ArgumentHelp("调查人 Repeat for each (usually two).", valueName: "name"))
    var surveyors: [String] = []

    @Option(name: .customLong("income"), help: ArgumentHelp("收入 An income item, repeatable.", valueName: "kind:amount[:annual][:member]"))
    var incomes: [String] = []

    @Option(name: .customLong("disregarded-income"),
            help: ArgumentHelp("不计入收入 An income not counted, with its basis (e.g. 优抚金, 奖学金), repeatable.",
                               valueName: "kind:amount:basis[:annual][:member]"))
    var disregardedIncomes: [String] = []

    @Option(name: .customLong("deduction"), help: ArgumentHelp("刚性支出 An expense to deduct, repeatable.", valueName: "kind:amount[:annual][:member]"))
    var deductions: [String] = []

    @Option(name: .customLong("financial-assets"), help: ArgumentHelp("金融资产 Savings, bonds and savings insurance, in yuan.", valueName: "yuan"))
    var financialAssets: String?

    @Option(help: ArgumentHelp("房产 Houses owned.", valueName: "n"))
    var houses: String?

    @Option(name: .customLong("vehicle"), help: ArgumentHelp("车辆 A vehicle, repeatable; an exempt reason (治疗, 康复, 生计) keeps it from counting.", valueName: "kind[:value][:exempt-reason]"))
    var vehicles: [String] = []

    @Flag(name: .customLong("registered-business"), help: "工商登记 The household has a registered business.")
    var registeredBusiness = false

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @OptionGroup(title: "Output")
    var output: ResultOutput

    /// One `--income`, `--disregarded-income` or `--deduction` as written.
    struct Item<Kind> {
        var option: String
        var text: String
        var kind: Kind
        var amount: Money
        var period: Period
        var basis: String?
        var member: String?
    }

    static func parts(_ text: String) -> [String] {
        text.replacingOccurrences(of: "：", with: ":").split(separator: ":", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `KIND:AMOUNT[:BASIS][:annual][:MEMBER]`
    static func item<Kind: Choice>(_ text: String, option: String, withBasis: Bool) throws -> Item<Kind> {
        var p = parts(text)
        let shape = withBasis ? "KIND:AMOUNT:BASIS[:annual][:MEMBER]" : "KIND:AMOUNT[:annual][:MEMBER]"
        guard p.count >= (withBasis ? 3 : 2) else { throw ValidationError("\(option) \(text): write \(shape), e.g. \(withBasis ? "转移:50:计划生育奖励扶助金" : "工资:600")") }
        let kind = try Kind.parse(p.removeFirst(), option: option)
        let amount = try Parse.money(p.removeFirst(), option: "\(option) \(text):")
        var item = Item(option: option, text: text, kind: kind, amount: amount, period: .monthly, basis: nil, member: nil)
        if withBasis {
            let basis = p.removeFirst()
            guard !basis.isEmpty else { throw ValidationError("\(option) \(text): say why it is not counted (the basis), e.g. 优抚金") }
            item.basis = basis
        }
        if let first = p.first, let period = try? Period.parse(first, option: option) {
            item.period = period
            p.removeFirst()
        }
        if let member = p.first, !member.isEmpty { item.member = member; p.removeFirst() }
        guard p.isEmpty else { throw ValidationError("\(option) \(text): too many parts; write \(shape)") }
        return item
    }

    static func vehicle(_ text: String) throws -> Vehicle {
        let p = parts(text)
        guard let kind = p.first, !kind.isEmpty, p.count <= 3 else {
            throw ValidationError("--vehicle \(text): write KIND[:VALUE][:EXEMPT-REASON], e.g. 摩托车:1500 or 三轮车:800:生计")
        }
        let value = try p.count > 1 && !p[1].isEmpty ? Parse.money(p[1], option: "--vehicle \(text):") : nil
        return Vehicle(kind: kind, value: value, exemptReason: p.count > 2 && !p[2].isEmpty ? p[2] : nil)
    }

    func validate() throws {
        if let date { _ = try Parse.day(date) }
        for text in incomes { let _: Item<IncomeKind> = try Self.item(text, option: "--income", withBasis: false) }
        for text in disregardedIncomes { let _: Item<IncomeKind> = try Self.item(text, option: "--disregarded-income", withBasis: true) }
        for text in deductions { let _: Item<DeductionKind> = try Self.item(text, option: "--deduction", withBasis: false) }
        if let financialAssets { _ = try Parse.money(financialAssets, option: "--financial-assets") }
        if let houses { _ = try Parse.count(houses, option: "--houses") }
        for text in vehicles { _ = try Self.vehicle(text) }
    }

    func run() throws {
        // each item's store field, named by the option that gave it
        var options = ["surveyors": "--surveyor", "assets.financial": "--financial-assets", "assets.houses": "--houses"]
        let incomeItems: [Item<IncomeKind>] = try incomes.map { try Self.item($0, option: "--income", withBasis: false) }
            + disregardedIncomes.map { try Self.item($0, option: "--disregarded-income", withBasis: true) }
        let deductionItems: [Item<DeductionKind>] = try deductions.map { try Self.item($0, option: "--deduction", withBasis: false) }
        for (i, item) in incomeItems.enumerated() {
            options["incomes[\(i)].amount"] = "\(item.option) \(item.text)"
            options["incomes[\(i)].member"] = "\(item.option) \(item.text)"
        }
        for (i, item) in deductionItems.enumerated() {
            options["deductions[\(i)].amount"] = "\(item.option) \(item.text)"
            options["deductions[\(i)].member"] = "\(item.option) \(item.text)"
        }
        for (i, text) in vehicles.enumerated() { options["assets.vehicles[\(i)].value"] = "--vehicle \(text)" }

        try reportingFailures(options: options) { try output.run("survey record") { result in
            let store = try storeOptions.open()
            let household = try store.resolveHouseholdReference(reference)
            let householdCase = try store.householdCase(household)
            func member(_ item: Item<some Any>) throws -> UUID? {
                try item.member.map { try Parse.member($0, in: householdCase, option: "\(item.option) \(item.text)").id }
            }
            let survey = Survey(
                id: UUID(), household: household, date: try Parse.day(date), surveyors: surveyors,
                incomes: try incomeItems.map { i in
                    IncomeItem(member: try member(i), kind: i.kind, amount: i.amount, period: i.period,
                               disregarded: i.basis != nil, basis: i.basis)
                },
                deductions: try deductionItems.map { d in
                    Deduction(member: try member(d), kind: d.kind, amount: d.amount, period: d.period)
                },
                assets: Assets(financial: try financialAssets.map { try Parse.money($0, option: "--financial-assets") } ?? .zero,
                               houses: try houses.map { try Parse.count($0, option: "--houses") } ?? 0,
                               vehicles: try vehicles.map(Self.vehicle), registeredBusiness: registeredBusiness))
            let today = try SystemClock.today()
            do { try survey.checkDate(today: today) } catch let error as ModelError { throw ValidationError("--date: \(error.message)") }
            let changeSet = try store.perform(.recordSurvey(survey))
            result.wrote(changeSet)
            let counted = survey.incomes.filter { !$0.disregarded }.count
            print("已记录家庭经济状况调查 Recorded survey \(Labels.short(survey.id))：户 \(Labels.short(household))，\(survey.date)，收入 \(counted) 项（不计入 \(survey.incomes.count - counted) 项），刚性支出 \(survey.deductions.count) 项；变更集 #\(changeSet.sequence) 待同步")
            print("测算 Assess it: doudi assess \(Labels.short(household))")
        }}
    }
}
