import Foundation

/// §4.4 特殊时期: a period the district declares (the 2020 document's epidemic), during which
/// and for some months after whose declared end the towns review and approve under the
/// special procedure and file the results with the district.
///
/// A policy record like a ``PolicyVersion``: written by the district, synced read-only to
/// every laptop of the district, so that an offline town laptop knows on which day its
/// authority changes. It is declared with its start and the document it rests on; its end
/// is declared later by editing the same record. The months the special procedure continues
/// after the end are the policy's (``SpecialProcedureRules/continuationMonths``, 3 in 2020).
///
/// ```swift
/// let period = SpecialPeriod(id: UUID(), district: try OrgCode("511011"), title: "新冠肺炎疫情防控期间",
///                            basis: "内江市东兴区民政局关于疫情防控期间社会救助工作的通知", start: try Day(iso: "2020-01-24"))
/// period.lastDay(continuationMonths: 3)   // nil: no end declared yet, the period runs on
/// ```
public struct SpecialPeriod: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The district that declares it.
    public var district: OrgCode
    /// 名称, e.g. 新冠肺炎疫情防控期间.
    public var title: String
    /// 依据文件: the document the declaration rests on.
    public var basis: String
    /// 开始日期: the first day of the period.
    public var start: Day
    /// 宣布结束日期: the declared end (its last day); `nil` while the period runs on.
    public var declaredEnd: Day?
    /// 结束依据: the document declaring the end.
    public var endBasis: String?

    /// A period declared with its start and basis; the end is declared later.
    public init(id: UUID, district: OrgCode, title: String, basis: String, start: Day,
                declaredEnd: Day? = nil, endBasis: String? = nil) {
        self.id = id; self.district = district; self.title = title; self.basis = basis; self.start = start
        self.declaredEnd = declaredEnd; self.endBasis = endBasis
    }

    /// The last day the special procedure applies: the declared end plus `continuationMonths`
    /// calendar months (§4.4: "疫情结束后，特殊程序继续执行3个月"); `nil` while no end is declared.
    ///
    /// A month after 31 May is 30 June: a day past the month's length falls back to its last day.
    public func lastDay(continuationMonths: Int) -> Day? {
        declaredEnd.map { $0.addingCalendarMonths(continuationMonths) }
    }

    /// True when the special procedure applies on `day`: from the start through the declared end
    /// and the continuation after it.
    public func covers(_ day: Day, continuationMonths: Int) -> Bool {
        guard start <= day else { return false }
        guard let last = lastDay(continuationMonths: continuationMonths) else { return true }
        return day <= last
    }

    /// Checks an end declared on `today`: not before the start, and not so far back that the
    /// continuation after it ended before today — steps towns have already taken under the
    /// special procedure would fall outside it (§4.4: the end is announced as it happens).
    ///
    /// - Throws: ``ModelError`` saying which end may be declared.
    public func checkEnd(_ end: Day, declaredOn today: Day, continuationMonths: Int) throws(ModelError) {
        guard start <= end else {
            throw ModelError(.invalidValue, field: "declaredEnd", "the end \(end) is before the start \(start): declare an end on or after the start")
        }
        let last = end.addingCalendarMonths(continuationMonths)
        guard today <= last else {
            throw ModelError(.invalidValue, field: "declaredEnd",
                             "an end on \(end) would have closed the special procedure on \(last), before today (\(today)): towns may have approved under it since; declare the end no earlier than \(today.addingCalendarMonths(-continuationMonths))")
        }
    }

    /// True when `day` falls in the continuation after the declared end (延续期), not in the period itself.
    public func isContinuation(_ day: Day, continuationMonths: Int) -> Bool {
        guard let end = declaredEnd else { return false }
        return day > end && covers(day, continuationMonths: continuationMonths)
    }
}

extension SpecialPeriod: ValidatedRecord {
    /// Checks the declaration: a district, a title and basis, an end not before the start and
    /// declared with its own basis.
    public func validate() throws(ModelError) {
        try requireDistrict(district)
        try requireText(title, "title", "the period's title (e.g. 新冠肺炎疫情防控期间)")
        try requireText(basis, "basis", "the document the declaration rests on (依据文件)")
        try TextRules.check(title, field: "title")
        try TextRules.check(basis, field: "basis")
        if let end = declaredEnd {
            guard start <= end else {
                throw ModelError(.invalidValue, field: "declaredEnd", "the end \(end) is before the start \(start): declare an end on or after the start")
            }
            try requireText(endBasis ?? "", "endBasis", "the document declaring the end (结束依据)")
            if let endBasis { try TextRules.check(endBasis, field: "endBasis") }
        } else if endBasis != nil {
            throw ModelError(.invalidValue, field: "endBasis", "is given without a declared end: give declaredEnd too, or leave endBasis empty")
        }
    }
}

extension Day {
    /// The same day `months` calendar months later (earlier when negative); a day past the
    /// target month's length falls back to its last day (31 May + 1 month = 30 June).
    public func addingCalendarMonths(_ months: Int) -> Day {
        let target = yearMonth.adding(months: months)
        return Day(unchecked: target.year, target.month, Swift.min(day, Day.daysIn(year: target.year, month: target.month)))
    }
}
