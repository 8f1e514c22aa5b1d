import Foundation

/// Checks on records made in code (a document is checked as it is decoded; a
/// record built by the CLI or a sync apply is checked here, by the same rules).
public protocol ValidatedRecord {
    /// - Throws: ``ModelError`` naming the field and what to fix.
    func validate() throws(ModelError)
}

func requireText(_ text: String, _ field: String, _ what: String) throws(ModelError) {
    if text.trimmingWhitespace().isEmpty { throw ModelError(.missingValue, field: field, "\(what) must not be empty") }
}

func requireNonNegative(_ amount: Money, _ field: String) throws(ModelError) {
    if amount.isNegative { throw ModelError(.invalidValue, field: field, "cannot be negative (\(amount.yuanText)): amounts are 0 or more") }
}

extension Household: ValidatedRecord {
    public func validate() throws(ModelError) {
        guard village.level == .village else {
            throw ModelError(.invalidValue, field: "village", "\(village) is not a village code: use the 12-digit code of the village or community")
        }
        try requireText(address, "address", "the address")
        if case .voided(let reason) = status { try requireText(reason, "status", "a void's reason") }
    }
}

extension Member: ValidatedRecord {
    public func validate() throws(ModelError) {
        try requireText(name, "name", "the name")
        if let d = disability, !(1...4).contains(d.grade) {
            throw ModelError(.invalidValue, field: "disability.grade", "disability grade must be 1–4, not \(d.grade)")
        }
        if health == .seriouslyIll, (seriousIllness ?? "").trimmingWhitespace().isEmpty {
            // allowed: the disease may be unknown yet, but say so nowhere public
        }
    }
}

extension SupportObligor: ValidatedRecord {
    public func validate() throws(ModelError) {
        try requireText(name, "name", "the obligor's name")
        try requireNonNegative(supportOwed, "supportOwed")
    }
}

extension Survey: ValidatedRecord {
    public func validate() throws(ModelError) {
        for (i, item) in incomes.enumerated() { try requireNonNegative(item.amount, "incomes[\(i)].amount") }
        for (i, item) in deductions.enumerated() { try requireNonNegative(item.amount, "deductions[\(i)].amount") }
        try requireNonNegative(assets.financial, "assets.financial")
        if assets.houses < 0 { throw ModelError(.invalidValue, field: "assets.houses", "cannot be negative") }
        for (i, v) in assets.vehicles.enumerated() { if let value = v.value { try requireNonNegative(value, "assets.vehicles[\(i)].value") } }
    }
}

extension Visit: ValidatedRecord {
    public func validate() throws(ModelError) {
        if visitors.isEmpty || visitors.contains(where: { $0.trimmingWhitespace().isEmpty }) {
            throw ModelError(.missingValue, field: "visitors", "name the staff who visited (usually two)")
        }
        try requireText(interviewee, "interviewee", "the person interviewed")
    }
}

extension Application: ValidatedRecord {
    /// Sanity bounds (not policy): no household has more persons, no grant is larger.
    public static let maximumPersons = 100
    public static let maximumPerPerson = Money(yuan: 10_000_000)

    public func validate() throws(ModelError) {
        if let amount = amountPerPerson {
            try requireNonNegative(amount, "amountPerPerson")
            if amount > Self.maximumPerPerson {
                throw ModelError(.invalidValue, field: "amountPerPerson", "\(amount.yuanText) is beyond any assistance amount (at most \(Self.maximumPerPerson.yuanText)): check the figure")
            }
        }
        if let n = persons, !(1...Self.maximumPersons).contains(n) {
            throw ModelError(.invalidValue, field: "persons", "must be 1–\(Self.maximumPersons), not \(n)")
        }
        if programme == .temporaryAid, temporaryAidType == nil {
            throw ModelError(.missingValue, field: "temporaryAidType", "temporary aid needs a type: emergency (急难型) or expenditure (支出型)")
        }
        if programme != .temporaryAid, temporaryAidType != nil {
            throw ModelError(.invalidValue, field: "temporaryAidType", "only temporary aid has a type")
        }
    }
}

extension Enrolment: ValidatedRecord {
    public func validate() throws(ModelError) {
        try requireNonNegative(monthlyAmount, "monthlyAmount")
        if let end, end < start { throw ModelError(.invalidValue, field: "end", "cannot be before the start \(start)") }
    }
}

extension Payment: ValidatedRecord {
    public func validate() throws(ModelError) { try requireNonNegative(amount, "amount") }
}

extension ReserveFundEntry: ValidatedRecord {
    public func validate() throws(ModelError) {
        guard town.level == .town else { throw ModelError(.invalidValue, field: "town", "\(town) is not a 9-digit town code") }
        try requireNonNegative(amount, "amount")
    }
}

extension Decision: ValidatedRecord {
    public func validate() throws(ModelError) {
        if let amount { try requireNonNegative(amount, "amount") }
        if outcome == .rejected { try requireText(reason, "reason", "a rejection's reason") }
        try requireText(decidedBy, "decidedBy", "who decided")
        if let stopPayment {
            try requireText(reason, "reason", "a stop-payment decision's reason (停保原因)")
            try stopPayment.validate()
        } else if application == nil {
            throw ModelError(.missingValue, field: "application", "a decision names the application it decides (or is a stop-payment decision)")
        }
    }
}
