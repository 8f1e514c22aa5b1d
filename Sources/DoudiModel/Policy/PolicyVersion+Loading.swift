import Foundation

extension PolicyVersion {
    /// Reads a policy version from its JSON file contents.
    ///
    /// Every field is required (a policy file says everything it means), unknown
    /// fields are refused (a misspelt setting must not fall back to a default),
    /// and the figures are checked against the seed's own constraints, e.g. each
    /// classified-aid tier at least 10% of the standard (§3.1.6).
    ///
    /// ```swift
    /// let policy = try PolicyVersion.load(json: data, document: "dongxing-2020.json")
    /// ```
    /// - Throws: ``DocumentError`` naming the field and the problem.
    public static func load(json data: Data, document: String) throws(DocumentError) -> PolicyVersion {
        let version = try DocumentError.decode(PolicyVersion.self, from: data, document: document)
        if version.specialProcedure == nil {
            throw DocumentError(ModelError(.missingValue, field: "specialProcedure", "is missing: add it (§4.4, docs/POLICY-FILE.md)"), document: document)
        }
        try DocumentError.rejectUnknownFields(in: data, decoded: version, document: document, reference: "docs/POLICY-FILE.md")
        do { try version.validate() } catch { throw DocumentError(error, document: document) }
        return version
    }

    /// Checks the figures against each other and the seed's constraints.
    ///
    /// - Throws: ``ModelError`` with the field path.
    public func validate() throws(ModelError) {
        func require(_ ok: Bool, _ field: String, _ message: String) throws(ModelError) {
            if !ok { throw ModelError(.invalidValue, field: field, message) }
        }
        try require(!id.trimmingWhitespace().isEmpty, "id", "must not be empty")
        try require(district.level == .district, "district", "must be a 6-digit district code, e.g. 511011")
        try require(ages.elderlyFrom > 0 && ages.elderlyFrom < 120, "ages.elderlyFrom", "must be an age in years, e.g. 60")
        try require(ages.minorUnder > 0 && ages.minorUnder < 30, "ages.minorUnder", "must be an age in years, e.g. 18")
        try require(dibao.standard.fen > 0, "dibao.standard", "must be above zero")
        try require((0...100).contains(dibao.supportSharePriorityPercent), "dibao.supportSharePriorityPercent", "must be a percent 0–100")
        try require(dibao.gradualExit.maxMonths >= 0, "dibao.gradualExit.maxMonths", "cannot be negative")
        try require(!dibao.classifiedAid.tiers.isEmpty, "dibao.classifiedAid.tiers", "needs at least one tier")
        let floor = dibao.standard.percent(dibao.classifiedAid.minimumPercentOfStandard)
        for (i, tier) in dibao.classifiedAid.tiers.enumerated() {
            try require(!(tier.fraction < floor), "dibao.classifiedAid.tiers[\(i)]",
                        "is \(tier.yuanText) but must be at least \(dibao.classifiedAid.minimumPercentOfStandard)% of the dibao standard (\(floor.approximateText)) §3.1.6")
        }
        for (i, pair) in zip(dibao.classifiedAid.tiers, dibao.classifiedAid.tiers.dropFirst()).enumerated() {
            try require(pair.0 >= pair.1, "dibao.classifiedAid.tiers[\(i + 1)]", "must not exceed tier \(i + 1): tier 1 is the highest")
        }
        try require(dibao.assets.financialMonthsOfStandardPerPerson >= 0, "dibao.assets.financialMonthsOfStandardPerPerson", "cannot be negative")
        try require(dibao.assets.maxHouses >= 0, "dibao.assets.maxHouses", "cannot be negative")
        try require(dibao.assets.maxCountedVehicles >= 0, "dibao.assets.maxCountedVehicles", "cannot be negative")
        for g in severeDisability.grades { try require((1...4).contains(g), "severeDisability.grades", "grades are 1–4, not \(g)") }
        try require(tekun.standard.fen > 0, "tekun.standard", "must be above zero")
        try require(tekun.minorUnder > 0 && tekun.minorUnder <= ages.minorUnder, "tekun.minorUnder", "must be an age in years no higher than ages.minorUnder")
        let deemed = tekun.deemedNoLabourCapacity
        try require(deemed.ageUnder >= 0 && deemed.ageUnder < 30, "tekun.deemedNoLabourCapacity.ageUnder", "must be an age in years, e.g. 16")
        try require(deemed.ageFrom > deemed.ageUnder && deemed.ageFrom < 120, "tekun.deemedNoLabourCapacity.ageFrom",
                    "must be an age in years above ageUnder (\(deemed.ageUnder)), e.g. 60")
        var deemedCategories = Set<DisabilityCategory>()
        for (i, d) in deemed.disabilities.enumerated() {
            try require(deemedCategories.insert(d.category).inserted, "tekun.deemedNoLabourCapacity.disabilities[\(i)].category", "\(d.category.rawValue) is listed twice: give its grades once")
            try require(!d.grades.isEmpty && d.grades.allSatisfy((1...4).contains), "tekun.deemedNoLabourCapacity.disabilities[\(i)].grades", "must list grades 1–4, e.g. [1, 2]")
        }
        try require(!deemed.source.trimmingWhitespace().isEmpty, "tekun.deemedNoLabourCapacity.source", "must name the rule, e.g. 特困人员认定办法（民发〔2016〕178号）第六条")
        try require(!tekun.noLivelihood.source.trimmingWhitespace().isEmpty, "tekun.noLivelihood.source", "must name the rule, e.g. 特困人员认定办法（民发〔2016〕178号）第七条")
        try require(children.orphanStandard.fen > 0, "children.orphanStandard", "must be above zero")
        try require(children.unsupportedChildStandard.fen > 0, "children.unsupportedChildStandard", "must be above zero")
        try require(children.childrenInDifficultyTarget >= 0, "children.childrenInDifficultyTarget", "cannot be negative")
        try require(!disability.livingSubsidy.isNegative, "disability.livingSubsidy", "cannot be negative")
        for (grade, amount) in disability.nursingSubsidyByGrade {
            try require(Int(grade).map { (1...4).contains($0) } ?? false, "disability.nursingSubsidyByGrade.\(grade)", "keys are grades \"1\"–\"4\"")
            try require(!amount.isNegative, "disability.nursingSubsidyByGrade.\(grade)", "cannot be negative")
        }
        let ta = temporaryAid
        try require(ta.ordinaryMin.fen > 0, "temporaryAid.ordinaryMin", "must be above zero")
        try require(ta.ordinaryMin <= ta.ordinaryMax, "temporaryAid.ordinaryMax", "must not be below ordinaryMin (\(ta.ordinaryMin.yuanText))")
        try require(ta.ordinaryMax <= ta.particularMax, "temporaryAid.particularMax", "must not be below ordinaryMax (\(ta.ordinaryMax.yuanText))")
        try require(ta.townAuthorityMultipleOfStandard > 0, "temporaryAid.townAuthorityMultipleOfStandard", "must be at least 1")
        try require(!reserveFund.perResident.isNegative, "reserveFund.perResident", "cannot be negative")
        try require(reserveFund.drawLimitMultipleOfStandard > 0, "reserveFund.drawLimitMultipleOfStandard", "must be at least 1")
        try require(workflow.publicNoticeDays > 0, "workflow.publicNoticeDays", "must be at least 1 day")
        for (code, months) in workflow.reviewSchedule.resurveyMonths.sorted(by: { $0.key < $1.key }) {
            try require(Programme(rawValue: code) != nil, "workflow.reviewSchedule.resurveyMonths.\(code)",
                        "is not a programme code: use one of \(Programme.allCases.map(\.rawValue).joined(separator: ", "))")
            try require(months >= 1, "workflow.reviewSchedule.resurveyMonths.\(code)", "must be at least 1 month, e.g. 12")
        }
        try require(workflow.reviewSchedule.aidFirstPaperworkDays >= 1, "workflow.reviewSchedule.aidFirstPaperworkDays", "must be at least 1 day, e.g. 30")
        let sp = specialRules
        try require(sp.continuationMonths >= 0, "specialProcedure.continuationMonths", "cannot be negative (§4.4: 3)")
        try require(Set(sp.programmes).count == sp.programmes.count, "specialProcedure.programmes", "names a programme twice")
        try require(sp.temporaryAidTownAuthorityMultipleOfStandard >= ta.townAuthorityMultipleOfStandard,
                    "specialProcedure.temporaryAidTownAuthorityMultipleOfStandard",
                    "must not be below the normal temporaryAid.townAuthorityMultipleOfStandard (\(ta.townAuthorityMultipleOfStandard)): the special procedure does not narrow the town's authority")
        var seen = Set<String>()
        for (i, s) in priceSubsidies.enumerated() {
            try require(seen.insert(s.id).inserted, "priceSubsidies[\(i)].id", "\(s.id) appears twice")
            try require(s.from <= s.through, "priceSubsidies[\(i)].through", "must not be before from (\(s.from))")
            try require(s.amountPerPerson.fen > 0, "priceSubsidies[\(i)].amountPerPerson", "must be above zero")
            try require(!s.groups.isEmpty, "priceSubsidies[\(i)].groups", "must name at least one programme")
        }
    }
}
