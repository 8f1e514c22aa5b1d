import ArgumentParser
import DoudiModel
import DoudiText

/// A household's optional fields, shared by `household add` and `household edit`.
/// Only the options given change anything.
struct HouseholdOptions: ParsableArguments {
    @Option(help: ArgumentHelp("村(社区) The 12-digit village code (default: this device's village).", valueName: "code"))
    var village: String?

    @Option(help: ArgumentHelp("户籍地 The hukou code, any level (default: the village).", valueName: "code"))
    var hukou: String?

    @Option(name: .customLong("hukou-type"), help: ArgumentHelp("户籍类别 农业 | 非农业 (agricultural | nonAgricultural).", valueName: "type"))
    var hukouType: String?

    @Option(name: .customLong("category"),
            help: ArgumentHelp("户类别 A category, repeatable: 建档立卡贫困户 | 老人户 | 边缘户 | 特殊困难户 (or registeredPoor …); 无 for none. In an edit the categories given replace the old ones.",
                               valueName: "category"))
    var categories: [String] = []

    @Option(help: ArgumentHelp("联系电话 Phone number; 无 to clear.", valueName: "number"))
    var phone: String?

    @Option(help: ArgumentHelp("住房状况 自建 | 租房 | 借住 | 危房 | 其他; 无 to clear.", valueName: "kind"))
    var housing: String?

    @Option(name: .customLong("poverty-cause"),
            help: ArgumentHelp("致贫原因 A cause, repeatable: 疾病 | 残疾 | 缺乏劳动力 | 灾害 | 失业 | 失地 | 其他; 无 for none.", valueName: "cause"))
    var povertyCauses: [String] = []

    @Flag(inversion: .prefixedNo,
          help: "无法通过产业扶持和就业帮扶实现稳定脱贫, as found by the village and town (§3.1.2).")
    var employmentSupportExhausted: Bool?

    @Option(help: ArgumentHelp("开户银行 The bank of the 一卡通 benefit account (with --account-name and --account-number).", valueName: "bank"))
    var bank: String?

    @Option(name: .customLong("account-name"), help: ArgumentHelp("账户名称 The account holder.", valueName: "name"))
    var accountName: String?

    @Option(name: .customLong("account-number"), help: ArgumentHelp("一卡通账号 The account number.", valueName: "number"))
    var accountNumber: String?

    mutating func validate() throws {
        let code = try OrgCode("511011101201")
        // an edit may change one part of an account: the others come from the record (in run)
        var scratch = Household(id: .init(), village: code, hukou: code, address: "-",
                                benefitAccount: BenefitAccount(bank: "-", accountName: "-", accountNumber: "000000000000"))
        try apply(to: &scratch)
    }

    /// Sets the fields whose options were given.
    ///
    /// - Throws: `ValidationError` naming the option and what may be given.
    func apply(to h: inout Household) throws {
        if let village { h.village = try Parse.orgCode(village, option: "--village") }
        if let hukou { h.hukou = try Parse.orgCode(hukou, option: "--hukou") }
        if let hukouType { h.hukouType = try .parse(hukouType, option: "--hukou-type") }
        if !categories.isEmpty {
            let names = Parse.list(categories)
            h.categories = names.allSatisfy(Parse.isNone) ? [] : Set(try names.map { try HouseholdCategory.parse($0, option: "--category") })
        }
        if let phone { h.phone = Parse.isNone(phone) ? nil : phone.trimmingCharacters(in: .whitespaces) }
        if let housing { h.housing = Parse.isNone(housing) ? nil : try .parse(housing, option: "--housing") }
        if !povertyCauses.isEmpty {
            let names = Parse.list(povertyCauses)
            h.povertyCauses = names.allSatisfy(Parse.isNone) ? [] : try names.map { try PovertyCause.parse($0, option: "--poverty-cause") }
        }
        if let employmentSupportExhausted { h.employmentSupportExhausted = employmentSupportExhausted }
        if bank != nil || accountName != nil || accountNumber != nil {
            if [bank, accountName, accountNumber].allSatisfy({ $0.map(Parse.isNone) ?? true }) {
                h.benefitAccount = nil
            } else {
                guard let bank = bank ?? h.benefitAccount?.bank, let name = accountName ?? h.benefitAccount?.accountName,
                      let number = accountNumber ?? h.benefitAccount?.accountNumber else {
                    throw ValidationError("a benefit account needs --bank, --account-name and --account-number")
                }
                let digits: String
                do { digits = try BenefitAccount.accountNumber(number) } catch {
                    throw ValidationError("--account-number \(Labels.maskedAccount(number)) \(error)")
                }
                guard !bank.trimmingCharacters(in: .whitespaces).isEmpty, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ValidationError("a benefit account needs a bank (--bank) and an account holder (--account-name)")
                }
                h.benefitAccount = BenefitAccount(bank: bank.trimmingCharacters(in: .whitespaces), accountName: name.trimmingCharacters(in: .whitespaces),
                                                  accountNumber: digits)
            }
        }
    }
}
