import Foundation

/// §3.7 社会组织: a social organisation registered with the district civil-affairs bureau, with
/// what the bureau keeps on it — registration, annual reports (年度报告) due and received, the
/// evaluation grade (评估等级), charity recognition (慈善组织认定), the public-fundraising
/// qualification (公开募捐资格) and the charitable trusts filed (慈善信托备案).
///
/// A district record: written by the district, kept under the district's code and synced
/// read-only to every town and village laptop of the district (``EntityKind/isDistrictRecord``).
public struct SocialOrganisation: Identifiable, Hashable, Sendable, Codable {
    public var id: UUID
    /// The district whose bureau registered it.
    public var district: OrgCode
    /// 名称
    public var name: String
    /// 统一社会信用代码 (18 characters).
    public var creditCode: String
    /// 类型: 社会团体, 民办非企业单位 (社会服务机构), 基金会.
    public var kind: SocialOrganisationKind
    /// 登记日期
    public var registeredOn: Day
    /// 年度报告: one entry per year, with its due day and, once in, the day received.
    public var annualReports: [AnnualReport]
    /// 评估等级 (1A–5A), if evaluated.
    public var evaluationGrade: Int?
    /// 认定为慈善组织的日期, if recognised.
    public var charityRecognisedOn: Day?
    /// 具有公开募捐资格
    public var publicFundraising: Bool
    /// 慈善信托备案: the charitable trusts filed with the bureau.
    public var charitableTrusts: [CharitableTrust]
    /// 联系人 and 联系电话 (one line).
    public var contact: String?

    /// An organisation as registered; reports, grade, recognition and trusts are added later.
    public init(id: UUID, district: OrgCode, name: String, creditCode: String, kind: SocialOrganisationKind, registeredOn: Day,
                annualReports: [AnnualReport] = [], evaluationGrade: Int? = nil, charityRecognisedOn: Day? = nil,
                publicFundraising: Bool = false, charitableTrusts: [CharitableTrust] = [], contact: String? = nil) {
        self.id = id; self.district = district; self.name = name; self.creditCode = creditCode; self.kind = kind
        self.registeredOn = registeredOn; self.annualReports = annualReports; self.evaluationGrade = evaluationGrade
        self.charityRecognisedOn = charityRecognisedOn; self.publicFundraising = publicFundraising
        self.charitableTrusts = charitableTrusts; self.contact = contact
    }

    /// The evaluation grade as printed, e.g. 4A; 未评估 when none.
    public var gradeText: String { evaluationGrade.map { "\($0)A" } ?? "未评估" }

    /// The annual reports due on or before `day` and not yet received, oldest first.
    public func reportsOutstanding(by day: Day) -> [AnnualReport] {
        annualReports.filter { $0.received == nil && $0.due <= day }.sorted { $0.year < $1.year }
    }
}

/// 社会组织类型
public enum SocialOrganisationKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// 社会团体
    case association
    /// 民办非企业单位（社会服务机构）
    case serviceOrganisation
    /// 基金会
    case foundation

    public var chineseName: String {
        switch self {
        case .association: "社会团体"
        case .serviceOrganisation: "社会服务机构"
        case .foundation: "基金会"
        }
    }
}

/// 年度报告: the report of one year, due by a day, received or not.
public struct AnnualReport: Hashable, Sendable, Codable {
    /// The year reported on.
    public var year: Int
    /// 报送截止日期
    public var due: Day
    /// 报送日期, once received.
    public var received: Day?

    public init(year: Int, due: Day, received: Day? = nil) { self.year = year; self.due = due; self.received = received }

    /// The usual due day of the report on `year`: 31 May of the next year (the bureaus' annual
    /// inspection calendar; the district may set another day on each report).
    public static func usualDue(year: Int) -> Day {
        Day(unchecked: year + 1, 5, 31)
    }
}

/// 慈善信托备案: a charitable trust filed with the bureau.
public struct CharitableTrust: Hashable, Sendable, Codable {
    /// 信托名称
    public var name: String
    /// 备案日期
    public var filedOn: Day

    public init(name: String, filedOn: Day) { self.name = name; self.filedOn = filedOn }
}

extension SocialOrganisation: ValidatedRecord {
    /// Checks the registration: a district, a name, an 18-character credit code, a grade 1–5,
    /// one report per year with a due day after the year, no receipt before the year ended.
    public func validate() throws(ModelError) {
        try requireDistrict(district)
        try requireText(name, "name", "the organisation's name")
        let code = creditCode.trimmingWhitespace()
        guard code.count == 18, code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
            throw ModelError(.invalidValue, field: "creditCode", "\(creditCode) is not a 统一社会信用代码: give its 18 characters (digits and capital letters)")
        }
        if let grade = evaluationGrade, !(1...5).contains(grade) {
            throw ModelError(.invalidValue, field: "evaluationGrade", "grades are 1A–5A, not \(grade)A")
        }
        var years = Set<Int>()
        for (i, report) in annualReports.enumerated() {
            guard years.insert(report.year).inserted else {
                throw ModelError(.duplicate, field: "annualReports[\(i)].year", "the report on \(report.year) is listed twice")
            }
            guard report.due.year > report.year else {
                throw ModelError(.invalidValue, field: "annualReports[\(i)].due", "the report on \(report.year) is due after the year ends, not on \(report.due)")
            }
            if let received = report.received, received.year <= report.year {
                throw ModelError(.invalidValue, field: "annualReports[\(i)].received", "a report on \(report.year) cannot be received on \(received), before the year ended")
            }
        }
        for (i, trust) in charitableTrusts.enumerated() { try requireText(trust.name, "charitableTrusts[\(i)].name", "the trust's name") }
    }
}

/// A district record must name a district code.
func requireDistrict(_ district: OrgCode) throws(ModelError) {
    guard district.level == .district else {
        throw ModelError(.invalidValue, field: "district", "\(district) is not a district code: use the 6-digit code, e.g. 511011")
    }
}

/// The towns or villages a district record serves must lie inside its district.
func requireWithin(_ district: OrgCode, _ areas: [OrgCode], field: String) throws(ModelError) {
    for (i, area) in areas.enumerated() where !district.contains(area) || area == district {
        throw ModelError(.invalidValue, field: "\(field)[\(i)]", "\(area) is not a town or village of district \(district): name the towns or villages it serves (none: the whole district)")
    }
}
