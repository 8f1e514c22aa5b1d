import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi enrolment stop HOUSEHOLD --reason TEXT --last-month YYYY-MM [--member M] [--ground G]`,
/// or after a death `doudi enrolment stop HOUSEHOLD --member M --died YYYY-MM-DD --reason …`.
///
/// 停保: the town's decision that a household's (or one person's) enrolments end; the
/// payment roll pays through the last month and not after.
struct EnrolmentStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "停保 Stop payment: the town decides that a household's or a person's enrolments end, with the reason and the last month paid.",
        discussion: """
            A decision like an approval: town approvers and district officers take it; a village cadre reports the case \
            (death, moving out …) to the town. Enrolments end with --last-month (paid through it, not after); those not \
            started by then are withdrawn. After a death (--died DAY) the person's enrolments are paid to the end of the \
            month of death and the member is recorded as 死亡; when nobody of the household is left living, its dibao ends too. \
            A household (or member) still paid cannot be voided: stop payment first, then void it.
            Examples:
              doudi enrolment stop 1a2b3c4d --reason 全户迁往外省 --ground 迁出 --last-month 2026-12
              doudi enrolment stop 1a2b3c4d --member 周秀兰 --died 2026-11-14 --reason 因病去世
            """)
    @Argument(help: ArgumentHelp("户 Short id or a member's resident ID number.", valueName: "household")) var household: String
    @Option(help: ArgumentHelp("停保对象 Only this person's enrolments: name, ID number or short id.", valueName: "member")) var member: String?
    @Option(help: ArgumentHelp("停保原因 Why payment stops (required).", valueName: "text")) var reason: String?
    @Option(help: ArgumentHelp("停保原因类别 死亡 | 迁出 | 其他 (death | movedOut | other); default 其他, 死亡 with --died.", valueName: "ground")) var ground: String?
    @Option(help: ArgumentHelp("停保年月 The last month paid, YYYY-MM.", valueName: "month")) var lastMonth: String?
    @Option(help: ArgumentHelp("死亡日期 YYYY-MM-DD: paid to the end of that month.", valueName: "day")) var died: String?
    @Option(help: ArgumentHelp("决定日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func validate() throws {
        if let lastMonth { _ = try Parse.month(lastMonth, option: "--last-month") }
        if let died { _ = try Parse.day(died, option: "--died") }
        if let date { _ = try Parse.day(date) }
        if let ground { _ = try StopPaymentGround.parse(ground, option: "--ground") }
        if died != nil, member == nil { throw ValidationError("--died needs --member: name the person who died") }
        if died == nil, lastMonth == nil { throw ValidationError("give the last month paid (--last-month YYYY-MM), or the date of death (--died YYYY-MM-DD)") }
    }

    func run() throws {
        try reportingFailures(options: ["reason": "--reason", "lastMonth": "--last-month", "dateOfDeath": "--died", "member": "--member"]) { try output.run("enrolment stop") { result in
            let store = try storeOptions.open()
            let id = try store.resolveHouseholdReference(household)
            let before = try store.householdCase(id)
            let person = try member.map { try Parse.member($0, in: before, option: "--member") }
            let deathDay = try died.map { try Parse.day($0, option: "--died") }
            let order = StopPaymentOrder(
                household: id, member: person?.id,
                ground: try ground.map { try StopPaymentGround.parse($0, option: "--ground") } ?? (deathDay == nil ? .other : .death),
                reason: reason ?? "", lastMonth: try lastMonth.map { try Parse.month($0, option: "--last-month") },
                dateOfDeath: deathDay, on: try Parse.day(date))
            let changeSet = try store.perform(.stopPayment(order))
            result.wrote(changeSet)
            let after = try store.householdCase(id)
            let names = Dictionary(uniqueKeysWithValues: after.members.map { ($0.id, $0.name) })
            let ended = after.enrolments.filter { e in before.enrolments.contains { $0.id == e.id && $0.end != e.end } }
            let withdrawn = before.enrolments.filter { e in !after.enrolments.contains { $0.id == e.id } }
            let last = ended.first?.end ?? order.lastMonth ?? deathDay?.yearMonth
            print("停保决定 Stop-payment decision: \(person.map { "\($0.name)，" } ?? "全户，")\(order.ground.chineseName)：\(order.reason)；发放至 paid through \(last?.description ?? "—")")
            for e in ended {
                print("  截止 Ends: \(e.programme.chineseName)\(e.member.flatMap { names[$0] }.map { "（\($0)）" } ?? "") \(e.monthlyAmount.yuanText)/月，last month \(e.end?.description ?? "—")")
            }
            for e in withdrawn {
                print("  不再起始 Withdrawn (not started): \(e.programme.chineseName)\(e.member.flatMap { names[$0] }.map { "（\($0)）" } ?? "")，was to start \(e.start)")
            }
            if let last, last < order.day.yearMonth {
                print("  注意 Check the rolls after \(last): a month already paid is recovered (追回).")
            }
            if person == nil { print("  现在可注销该户 The household may now be voided: doudi household void \(Labels.short(id)) --reason …") }
            print("变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

extension StopPaymentGround: Choice {
    static var aliases: [String: StopPaymentGround] { ["去世": .death, "迁移": .movedOut] }
}
