import Foundation

extension PolicyWhatIf {
    /// The column titles of the caseload table (terminal and CSV).
    public static let caseloadColumns = ["乡镇", "项目", "现行户数", "现行人数", "现行月金额",
                                         "草案户数", "草案人数", "草案月金额", "增减户数", "增减人数", "增减月金额"]

    /// The column titles of the list of households that gain or lose (CSV; the terminal
    /// leaves 说明 out).
    public static let changeColumns = ["变化", "乡镇", "村(社区)", "户短号", "户主姓名", "享受人", "项目",
                                       "现行月金额", "草案月金额", "增减月金额", "依据", "说明"]

    /// `草案 dongxing-2027 与现行 dongxing-2020 对比测算（2026年12月，按 2026-12-31 评估）`
    public var title: String {
        "草案 \(draftPolicy) 与现行 \(currentPolicy) 对比测算（\(ReportFormat.chinese(month))，按 \(asOf.iso) 评估）"
    }

    /// The cells of a caseload row as printed: counts, yuan with two decimals, `—` for the
    /// persons of a total row.
    ///
    /// - Parameter plusSign: differences above zero with a `+` (`+40.00`) for the terminal; the
    ///   CSV leaves it out, since Excel would read a cell starting with `+` as a formula.
    public static func cells(_ row: Row, plusSign: Bool) -> [String] {
        func signedText(_ n: Int) -> String { plusSign ? Self.signedText(n) : String(n) }
        func signedText(_ m: Money) -> String { plusSign ? Self.signedText(m) : m.yuanText }
        func persons(_ n: Int?, signed: Bool = false) -> String { n.map { signed ? signedText($0) : String($0) } ?? "—" }
        let d = row.difference
        return [row.townName, row.programmeName,
                String(row.current.households), persons(row.current.persons), row.current.monthlyAmount.yuanText,
                String(row.draft.households), persons(row.draft.persons), row.draft.monthlyAmount.yuanText,
                signedText(d.households), persons(d.persons, signed: true), signedText(d.monthlyAmount)]
    }

    /// The cells of a change as printed (every ``changeColumns`` column): a side that does not
    /// qualify is `—`; `plusSign` as for a caseload row.
    public static func cells(_ change: Change, shortID: (UUID) -> String, plusSign: Bool) -> [String] {
        [change.kind.chineseName, change.townName, change.villageName, shortID(change.household), change.headName,
         change.memberName ?? "（全户）", change.programme.chineseName,
         change.before?.yuanText ?? "—", change.after?.yuanText ?? "—", plusSign ? signedText(change.difference) : change.difference.yuanText,
         change.clause.map { "§\($0)" } ?? "", change.reason]
    }

    /// `+3`, `-1`, `0`
    public static func signedText(_ n: Int) -> String { n > 0 ? "+\(n)" : String(n) }

    /// `+40.00`, `-12.50`, `0.00`
    public static func signedText(_ m: Money) -> String { m.fen > 0 ? "+" + m.yuanText : m.yuanText }

    /// The comparison as CSV text (UTF-8 with a BOM, CRLF, RFC 4180 quoting; see ``CSVText``).
    ///
    /// Layout: the title, the caseload table (``caseloadColumns``), a blank row, a note that
    /// temporary aid is left out, a blank row, then the households that gain or lose
    /// (``changeColumns``). Amounts are yuan per month with two decimals, a decrease with its
    /// minus sign, an increase without a plus sign (it would read as a formula); resident ID
    /// numbers are not written.
    ///
    /// - Parameter shortID: the household's short id as the user types it (`FieldStore.shortID`).
    public func csv(shortID: (UUID) -> String) -> String {
        var csv = CSVText()
        csv.append([title])
        csv.append(Self.caseloadColumns)
        for row in rows { csv.append(Self.cells(row, plusSign: false)) }
        csv.appendBlankRow()
        csv.append([Self.note])
        csv.appendBlankRow()
        csv.append(Self.changeColumns)
        for change in changes { csv.append(Self.cells(change, shortID: shortID, plusSign: false)) }
        return csv.text
    }

    /// What the figures count, printed under the table.
    public static let note = "口径：全部在册户按两版政策分别测算的应享受对象（非现有在保名单）；临时救助为一次性救助，不计入月金额 §3.6"
}
