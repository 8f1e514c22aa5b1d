import Foundation

/// The public-notice sheet (张榜公示) a town posts before it approves (§3.6.3, FORMS.md
/// "Public notice"): one row per application on notice, printable on A4.
///
/// Never prints a resident ID number in full: an ``Entry`` keeps only the masked form.
/// Temporary-aid rows show the application's short hardship summary, which by rule
/// names no disease and no cost. Every text is HTML-escaped in ``html()``.
///
/// ```swift
/// let entry = NoticeSheet.Entry(application: app, householdCase: c, assessment: assessment)
/// let sheet = NoticeSheet(town: "椑木镇", office: "椑木镇人民政府", phone: "0832-1234567",
///                         from: start, through: start.adding(days: 6), entries: [entry], org: org)
/// let page = sheet.html()
/// ```
public struct NoticeSheet: Sendable, Hashable {
    /// The town (镇/街道) giving notice.
    public var town: String
    /// 公示单位
    public var office: String
    /// 监督电话
    public var phone: String
    /// 公示期: first and last day.
    public var from: Day
    public var through: Day
    /// The rows, in the order given; 序号 counts from 1.
    public var entries: [Entry]
    /// 村(组) per entry, resolved from the org tree when the sheet was made.
    public var places: [String]

    /// Makes a sheet.
    ///
    /// - Parameters:
    ///   - town: the town's name, e.g. 椑木镇.
    ///   - office: 公示单位.
    ///   - phone: 监督电话.
    ///   - from: first day of the notice period.
    ///   - through: last day; objections reach the town by this day.
    ///   - entries: the rows, in order.
    ///   - org: village names (the code is printed where a name is missing).
    public init(town: String, office: String, phone: String, from: Day, through: Day, entries: [Entry], org: OrgTree) {
        self.town = town; self.office = office; self.phone = phone; self.from = from; self.through = through
        self.entries = entries
        places = entries.map { e in (org[e.village]?.name ?? e.village.value) + (e.group ?? "") }
    }

    /// `椑木镇社会救助对象公示`
    public var title: String { "\(town)社会救助对象公示" }

    /// `公示期：2026年12月1日至2026年12月7日`
    public var periodText: String { "公示期：\(ReportFormat.chinese(from))至\(ReportFormat.chinese(through))" }

    /// The closing line: where and by when objections go.
    public var footer: String {
        "对以上公示对象如有异议，请于\(ReportFormat.chinese(through))前向\(town)反映，监督电话：\(phone)。"
    }

    /// The column titles.
    public static let columns = ["序号", "户主姓名", "身份证号", "村(组)", "家庭人口", "保障人口", "救助类型", "建议金额", "困难情况"]

    /// The cells of each row, as printed.
    public var rows: [[String]] {
        zip(entries, places).enumerated().map { i, pair in
            let (e, place) = pair
            return [String(i + 1), e.headName, e.maskedResidentID, place, String(e.familySize), String(e.coveredPersons),
                    e.assistanceType, e.amountText, e.hardshipSummary ?? ""]
        }
    }
}

extension NoticeSheet {
    /// One household's row on the notice.
    public struct Entry: Sendable, Hashable {
        /// The application on notice.
        public var application: UUID
        public var household: UUID
        /// 户主姓名 (in full, as posted).
        public var headName: String
        /// 身份证号, masked (`511011********1234`); the full number is never kept here.
        public var maskedResidentID: String
        /// The village.
        public var village: OrgCode
        /// 组 taken from the address (`3组`), if it names one.
        public var group: String?
        /// 家庭人口: members living in the household.
        public var familySize: Int
        /// 保障人口: persons the proposed amount is for.
        public var coveredPersons: Int
        public var programme: Programme
        /// 急难型 / 支出型, for temporary aid.
        public var temporaryAidType: TemporaryAidType?
        /// 建议金额: monthly for monthly programmes, one-off for temporary aid; `nil` when
        /// the assessment found no amount (printed 待定).
        public var proposedAmount: Money?
        /// 困难情况: the application's summary, for temporary aid only.
        public var hardshipSummary: String?

        /// Builds a row from an application on notice, its household and the assessment
        /// (the proposed amount: for temporary aid the application's amountPerPerson ×
        /// persons; for dibao the assessment's household dibao monthlyAmount and
        /// coveredPersons; for per-person programmes the member's determination amount for
        /// that programme).
        public init(application: Application, householdCase: HouseholdCase, assessment: Assessment) {
            let c = householdCase
            let living = c.members.filter { $0.personStatus == .normal }
            let head = living.first { $0.relation == .head } ?? c.members.first { $0.relation == .head } ?? living.first ?? c.members.first
            self.application = application.id
            household = c.household.id
            headName = head?.name ?? ""
            maskedResidentID = head?.residentID.masked ?? ""
            village = c.household.village
            group = Self.group(in: c.household.address)
            familySize = living.count
            programme = application.programme
            temporaryAidType = application.programme == .temporaryAid ? (application.temporaryAidType ?? .expenditure) : nil
            hardshipSummary = application.programme == .temporaryAid ? application.summary : nil
            let found = assessment.household == c.household.id
                ? assessment.determination(application.programme, member: application.member) : nil
            switch application.programme {
            case .temporaryAid:
                let persons = application.persons ?? found?.temporaryAid?.persons ?? living.count
                coveredPersons = persons
                proposedAmount = application.amountPerPerson.map { $0 * persons }
            case .dibao:
                coveredPersons = found?.coveredPersons ?? (application.member == nil ? living.count : 1)
                proposedAmount = found.flatMap { $0.status.qualifies ? $0.monthlyAmount : nil }
            default:
                coveredPersons = 1
                proposedAmount = found.flatMap { $0.status.qualifies ? $0.monthlyAmount : nil }
            }
        }

        /// True for temporary aid, whose amount is paid once.
        public var isOneOff: Bool { programme == .temporaryAid }

        /// 救助类型: `农村低保`, `临时救助（急难型）`.
        public var assistanceType: String {
            programme.chineseName + (temporaryAidType.map { "（\($0.chineseName)）" } ?? "")
        }

        /// 建议金额: `480.00元/月`, `1440.00元（一次性）` or `待定`.
        public var amountText: String {
            guard let amount = proposedAmount else { return "待定" }
            return amount.yuanText + (isOneOff ? "元（一次性）" : "元/月")
        }

        /// The 组 an address names: `五星村3组12号` → `3组`, `二组` → `二组`.
        static func group(in address: String) -> String? {
            let chars = Array(address)
            guard let i = chars.firstIndex(of: "组") else { return nil }
            var j = i
            while j > 0, chars[j - 1].isASCIIDigit || "一二三四五六七八九十".contains(chars[j - 1]) { j -= 1 }
            return j < i ? String(chars[j...i]) : nil
        }
    }
}

extension NoticeSheet {
    /// A printable A4 HTML page: title, notice period, office and phone, the table and
    /// the closing line; UTF-8, every text escaped.
    public func html() -> String {
        let e = HTMLText.escape
        var h = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>\(e(title))</title>
        <style>
        body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt; margin: 2em; }
        h1 { text-align: center; font-size: 18pt; margin: 0 0 0.5em; }
        p.meta { margin: 0.2em 0; }
        table { border-collapse: collapse; width: 100%; margin: 1em 0; }
        th, td { border: 1px solid #000; padding: 4px 6px; text-align: center; vertical-align: middle; word-break: keep-all; }
        th { white-space: nowrap; }
        th { background: #eee; }
        td.text { text-align: left; }
        td.amount { text-align: right; white-space: nowrap; }
        p.footer { margin-top: 1em; }
        div.sign { margin-top: 2em; display: flex; justify-content: flex-end; gap: 3em; align-items: flex-end; }
        div.sign p { margin: 0.4em 0; }
        div.seal { width: 42mm; height: 42mm; border: 1px dashed #999; color: #999; display: flex; align-items: center; justify-content: center; }
        @page { size: A4 landscape; margin: 15mm; }
        @media print {
          body { margin: 0; }
          th { background: none; }
          tr { page-break-inside: avoid; }
          thead { display: table-header-group; }
        }
        </style>
        </head>
        <body>
        <h1>\(e(title))</h1>
        <p class="meta">\(e(periodText))</p>
        <p class="meta">公示单位：\(e(office))</p>
        <p class="meta">监督电话：\(e(phone))</p>
        <table>
        <thead><tr>
        """
        h += Self.columns.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        let classes = ["", "", "", "text", "", "", "text", "amount", "text"]
        for row in rows {
            h += "<tr>" + zip(row, classes).map { cell, cls in
                cls.isEmpty ? "<td>\(e(cell))</td>" : "<td class=\"\(cls)\">\(e(cell))</td>"
            }.joined() + "</tr>\n"
        }
        if rows.isEmpty { h += "<tr><td colspan=\"\(Self.columns.count)\">（无）</td></tr>\n" }
        h += """
        </tbody>
        </table>
        <p class="footer">\(e(footer))</p>
        <div class="sign">
        <div>
        <p>公示单位（盖章）：\(e(office))</p>
        <p>负责人（签字）：________________</p>
        <p>日期：\(e(ReportFormat.chinese(from)))</p>
        </div>
        <div class="seal">盖章处</div>
        </div>
        </body>
        </html>

        """
        return h
    }

    /// The sheet as CSV text (UTF-8 with a BOM, CRLF, RFC 4180 quoting; see ``CSVText``):
    /// title, 公示期, 公示单位, 监督电话, the header and rows, a blank row and the closing line.
    public func csv() -> String {
        var csv = CSVText()
        csv.append([title])
        csv.append(["公示期", "\(ReportFormat.chinese(from))至\(ReportFormat.chinese(through))"])
        csv.append(["公示单位", office])
        csv.append(["监督电话", phone])
        csv.append(Self.columns)
        for row in rows { csv.append(row) }
        csv.appendBlankRow()
        csv.append([footer])
        return csv.text
    }
}
