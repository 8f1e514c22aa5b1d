import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi fund show|allocate|replenish`: the towns' reserve funds (临时救助备用金, §3.6.5).
struct FundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fund", abstract: "备用金 A town's reserve fund: its ledger and balance; allocation and replenishment (district).",
        subcommands: [FundShowCommand.self, FundAllocateCommand.self, FundReplenishCommand.self], defaultSubcommand: FundShowCommand.self)
}

/// `doudi fund show [TOWN]`
struct FundShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The ledger and balance of a town's reserve fund (every town this store holds if none is named).")
    @Argument(help: ArgumentHelp("镇 9-digit town code (default: your town, or every town).", valueName: "town")) var town: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func validate() throws { if let town { _ = try Parse.orgCode(town, option: "town") } }

    func run() throws {
        try reportingFailures { try output.report { () throws -> FundReport in
            let store = try storeOptions.open()
            let actor = try store.device().actor
            let names = try store.orgTree()
            var towns = try store.reserveFundTowns()
            if let town { towns = [try Parse.orgCode(town, option: "town")] } else if let own = actor.org.town { towns = [own] }
            guard !towns.isEmpty else {
                print("本机没有备用金记录 No reserve-fund entries in this store yet: the district allocates with `doudi fund allocate TOWN`, then sync.")
                return FundReport()
            }
            var report = FundReport()
            for code in towns {
                let fund = try store.reserveFund(town: code)
                report.add(fund, town: code, name: names[code]?.name ?? code.value)
                print("\(names[code]?.name ?? code.value)（\(code)）备用金 — 余额 balance \(fund.balance.yuanText) 元（拨入 \(fund.allocated.yuanText)，动用 \(fund.drawn.yuanText)）")
                var table = Table(["日期", "类别", "金额", "申请", "说明"], rightAligned: [2], indent: 2)
                for e in fund.entries {
                    table.append([e.date.description, e.kind.chineseName, (e.kind == .draw ? "-" : "+") + e.amount.yuanText,
                                  e.application.map(Labels.short) ?? "", e.note ?? ""])
                }
                print(table.render(), terminator: "")
            }
            return report
        }}
    }
}

/// `doudi fund allocate TOWN [--amount YUAN]`
struct FundAllocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate", abstract: "预拨 Allocate a town's reserve fund: 2 yuan × the town's population in 2020 (§3.6.5).",
        discussion: "The amount is computed from the population the server's org units give (sync first) and the policy in force, unless --amount states it.")
    @Argument(help: ArgumentHelp("镇 9-digit town code.", valueName: "town")) var town: String
    @Option(help: ArgumentHelp("金额 Amount in yuan (default: the policy's amount per resident × population).", valueName: "yuan")) var amount: String?
    @Option(help: ArgumentHelp("日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func validate() throws {
        _ = try Parse.orgCode(town, option: "town")
        if let amount { _ = try Parse.money(amount, option: "--amount") }
    }

    func run() throws {
        try reportingFailures { try output.run("fund allocate") { result in
            let store = try storeOptions.open()
            let code = try Parse.orgCode(town, option: "town"), day = try Parse.day(date)
            let unit = try store.orgTree()[code]
            let money: Money
            var note = "预拨备用金"
            if let amount {
                money = try Parse.money(amount, option: "--amount")
            } else {
                guard let unit, let population = unit.population else {
                    throw CommandFailure(chinese: "不知道该镇人口", "the population of \(code) is not known here: sync to fetch the org units, or give --amount")
                }
                let policy = try ApplySubmitCommand.policy(store, on: day)
                money = ReserveFundLedger.allocation(population: population, policy: policy)
                note = "预拨备用金：\(policy.reserveFund.perResident.yuanText) 元 × \(population) 人（§3.6.5，\(policy.id)）"
            }
            let entry = ReserveFundEntry(id: UUID(), town: code, kind: .allocation, amount: money, date: day, note: note)
            let changeSet = try store.perform(.fundReserve(entry))
            result.wrote(changeSet)
            print("已预拨 Allocated \(money.yuanText) 元 to \(unit?.name ?? code.value)（\(code)）的备用金；\(note)；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}

/// `doudi fund replenish TOWN --amount YUAN`
struct FundReplenishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replenish", abstract: "补充 Top up a town's reserve fund (district).")
    @Argument(help: ArgumentHelp("镇 9-digit town code.", valueName: "town")) var town: String
    @Option(help: ArgumentHelp("金额 Amount in yuan.", valueName: "yuan")) var amount: String
    @Option(help: ArgumentHelp("说明 Note.", valueName: "text")) var note: String = "补充备用金"
    @Option(help: ArgumentHelp("日期 YYYY-MM-DD (default: today).", valueName: "day")) var date: String?
    @OptionGroup(title: "Store") var storeOptions: StoreOptions
    @OptionGroup(title: "Output") var output: ResultOutput

    func validate() throws {
        _ = try Parse.orgCode(town, option: "town")
        _ = try Parse.money(amount, option: "--amount")
    }

    func run() throws {
        try reportingFailures { try output.run("fund replenish") { result in
            let store = try storeOptions.open()
            let entry = ReserveFundEntry(id: UUID(), town: try Parse.orgCode(town, option: "town"), kind: .replenishment,
                                         amount: try Parse.money(amount, option: "--amount"), date: try Parse.day(date), note: note)
            let changeSet = try store.perform(.fundReserve(entry))
            result.wrote(changeSet)
            print("已补充 Replenished \(entry.amount.yuanText) 元 to \(entry.town)'s reserve fund；变更集 #\(changeSet.sequence) 待同步")
        }}
    }
}
