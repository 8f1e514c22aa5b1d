import ArgumentParser
import DoudiModel

/// A member's optional fields, shared by `member add`, `member edit` and the head of
/// household in `household add`. Only the options given change anything.
struct MemberOptions: ParsableArguments {
    @Option(help: ArgumentHelp("劳动能力 Labour capacity: 有 | 部分丧失 | 完全丧失 (full | partial | none). Default 有.", valueName: "capacity"))
    var labour: String?

    @Option(help: ArgumentHelp("就业状况 Employment: 在职 | 失业 | 务农 | 学生 | 退休 | 其他.", valueName: "status"))
    var employment: String?

    @Option(help: ArgumentHelp("健康状况 Health: 健康 | 一般 | 重病 (healthy | fair | seriouslyIll). Default 健康.", valueName: "status"))
    var health: String?

    @Option(help: ArgumentHelp("重病病种 The serious illness (with --health 重病); 无 to clear.", valueName: "disease"))
    var illness: String?

    @Option(help: ArgumentHelp("残疾 Certified disability CATEGORY:GRADE[:CERTIFICATE], e.g. 肢体:2 or 智力:三级; 无 to clear.",
                               discussion: "Categories: 视力 听力 言语 肢体 智力 精神 多重; grade 1 (一级, most severe) to 4.",
                               valueName: "category:grade"))
    var disability: String?

    @Option(name: .customLong("person-status"),
            help: ArgumentHelp("人员状态 正常 | 失踪 | 死亡 | 服刑 | 迁出.", valueName: "status"))
    var personStatus: String?

    @Option(help: ArgumentHelp("法定义务人 Legal supporters (§3.2.1): able | none | unable (有 | 无 | 无能力). Default able.", valueName: "status"))
    var supporter: String?

    @Option(help: ArgumentHelp("父亲状况 The father's status, for children (§3.3): present | dead | missing | severelyDisabled | seriouslyIll | imprisoned | drugRehabilitation | otherRestriction | lostContact, or the Chinese term.", valueName: "status"))
    var father: String?

    @Option(help: ArgumentHelp("母亲状况 The mother's status, as --father.", valueName: "status"))
    var mother: String?

    @Flag(inversion: .prefixedNo, help: "失联已认定 A parent's lost contact is confirmed by the town with the police (§3.3.5).")
    var lostContactConfirmed: Bool?

    @Flag(inversion: .prefixedNo, help: "随家庭生活 Lives with and depends on the family, cannot form a household (§3.1.3).")
    var dependsOnFamily: Bool?

    mutating func validate() throws {
        var scratch = Member(id: .init(), household: .init(), name: "-", residentID: try ResidentID("511011195803040114"), relation: .head)
        try apply(to: &scratch)
    }

    /// Sets the fields whose options were given.
    ///
    /// - Throws: `ValidationError` naming the option and what may be given.
    func apply(to m: inout Member) throws {
        if let labour { m.labourCapacity = try .parse(labour, option: "--labour") }
        if let employment { m.employment = try .parse(employment, option: "--employment") }
        if let health { m.health = try .parse(health, option: "--health") }
        if let illness { m.seriousIllness = Parse.isNone(illness) ? nil : illness }
        if let disability { m.disability = try Self.disability(disability) }
        if let personStatus { m.personStatus = try .parse(personStatus, option: "--person-status") }
        if let supporter { m.legalSupporter = try .parse(supporter, option: "--supporter") }
        if let father { m.father = try .parse(father, option: "--father") }
        if let mother { m.mother = try .parse(mother, option: "--mother") }
        if let lostContactConfirmed { m.lostContactConfirmed = lostContactConfirmed }
        if let dependsOnFamily { m.dependsOnFamily = dependsOnFamily }
    }

    /// `肢体:2`, `智力:三级`, `physical:2:5110…`; `无` for none.
    static func disability(_ text: String) throws -> Disability? {
        if Parse.isNone(text) { return nil }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count >= 2 else {
            throw ValidationError("--disability \(text): write CATEGORY:GRADE, e.g. 肢体:2 (grade 1 most severe … 4), or 无")
        }
        let category = try DisabilityCategory.parse(parts[0], option: "--disability")
        let grades = ["1": 1, "2": 2, "3": 3, "4": 4, "一级": 1, "二级": 2, "三级": 3, "四级": 4, "一": 1, "二": 2, "三": 3, "四": 4]
        guard let grade = grades[parts[1]] else {
            throw ValidationError("--disability \(text): the grade \(parts[1]) is not 1–4 (一级 most severe … 四级)")
        }
        let certificate = parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil
        do { return try Disability(category: category, grade: grade, certificate: certificate) } catch {
            throw ValidationError("--disability \(error.message)")
        }
    }
}
