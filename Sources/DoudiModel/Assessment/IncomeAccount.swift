import Foundation

/// The countable monthly income of a group of members under one policy version
/// (§3.1.0, §3.1.4), kept exact in twelfths of a fen so that annual figures
/// divide by 12 without rounding.
struct IncomeAccount {
    /// Counted income before deductions.
    var gross = FenFraction.zero
    /// Counted income by kind, for the explanation and §3.1.1's support share.
    var byKind: [IncomeKind: FenFraction] = [:]
    /// Income disregarded, with the bases given.
    var disregarded = FenFraction.zero
    var disregardBases: [String] = []
    /// Deductions applied (§3.1.4), by kind.
    var deductions: [DeductionKind: FenFraction] = [:]
    /// Deductions recorded but of a kind this policy version does not deduct.
    var notDeducted: [DeductionKind: FenFraction] = [:]

    /// Builds the account from a survey's items that `includes` accepts.
    ///
    /// - Parameters:
    ///   - includes: which items to count, by the member they belong to (`nil` = household).
    ///   - excludeKinds: income kinds left out (e.g. support received, when support owed is counted instead).
    init(survey: Survey?, policy: PolicyVersion, includes: (UUID?) -> Bool, excludeKinds: Set<IncomeKind> = []) {
        guard let survey else { return }
        for item in survey.incomes where includes(item.member) && !excludeKinds.contains(item.kind) {
            let monthly = item.amount.fraction / item.period.months
            if item.disregarded {
                disregarded = disregarded + monthly
                if let basis = item.basis, !basis.isEmpty { disregardBases.append(basis) }
            } else {
                gross = gross + monthly
                byKind[item.kind, default: .zero] = byKind[item.kind, default: .zero] + monthly
            }
        }
        let deductible = Set(policy.dibao.deductibleKinds)
        for d in survey.deductions where includes(d.member) {
            let monthly = d.amount.fraction / d.period.months
            if deductible.contains(d.kind) {
                deductions[d.kind, default: .zero] = deductions[d.kind, default: .zero] + monthly
            } else {
                notDeducted[d.kind, default: .zero] = notDeducted[d.kind, default: .zero] + monthly
            }
        }
    }

    /// Total of the deductions applied.
    var totalDeductions: FenFraction { deductions.values.reduce(.zero, +) }

    /// Countable income: gross less deductions, never below zero.
    var countable: FenFraction { (gross - totalDeductions).clampedAtZero }

    /// Adds an amount of a kind (e.g. support owed by legal supporters, §3.1.3).
    mutating func add(_ amount: FenFraction, kind: IncomeKind) {
        gross = gross + amount
        byKind[kind, default: .zero] = byKind[kind, default: .zero] + amount
    }

    /// Share of support payments (赡养费) in gross income, in percent (exact comparison helper).
    func supportShareAtLeast(percent: Int) -> Bool {
        guard gross.numerator > 0 else { return false }
        let support = byKind[.support] ?? .zero
        return !(support * 100 < gross * percent)
    }

    /// Explanation steps: the income, what was disregarded and what was deducted.
    func steps(subject: String) -> [Determination.Step] {
        var steps: [Determination.Step] = []
        let parts = IncomeKind.allCases.compactMap { kind in
            byKind[kind].map { "\(kind.chineseName) \($0.approximateText)" }
        }
        steps.append(.init("\(subject)月收入 \(gross.approximateText) 元" + (parts.isEmpty ? "" : "（\(parts.joined(separator: "，"))）")))
        if disregarded.numerator > 0 {
            let basis = disregardBases.isEmpty ? "" : "：\(disregardBases.joined(separator: "、"))"
            steps.append(.init("不计入收入 \(disregarded.approximateText) 元\(basis)"))
        }
        if !deductions.isEmpty {
            let parts = DeductionKind.allCases.compactMap { k in deductions[k].map { "\(k.chineseName) \($0.approximateText)" } }
            steps.append(.init("扣减 \(totalDeductions.approximateText) 元（\(parts.joined(separator: "，"))）", clause: "3.1.4"))
        }
        if !notDeducted.isEmpty {
            let parts = DeductionKind.allCases.compactMap { k in notDeducted[k].map { "\(k.chineseName) \($0.approximateText)" } }
            steps.append(.init("未扣减（本版本政策不列入扣减范围）：\(parts.joined(separator: "，"))", clause: "3.1.4", isSetting: true))
        }
        return steps
    }
}
