extension TownLedger {
    /// The column titles of the group table: 类别, 户数, 人数, 月收入合计, then one
    /// share per ``IncomeKind`` (工资性收入占比, 经营净收入占比, …).
    public static let groupColumns = ["类别", "户数", "人数", "月收入合计"] + IncomeKind.allCases.map { "\($0.chineseName)占比" }

    /// The column titles of the children-in-difficulty row (§3.3.1): the town's count, by reason, and the district's target.
    public static let childrenColumns = ["困境儿童（§3.3.1）", "人数"] + ChildrenInDifficulty.Reason.allCases.map(\.chineseName) + ["全区目标人数"]

    /// The column titles of the programme summary.
    public static let programmeColumns = ["项目", "户数", "人数", "月发放金额"]

    /// The ledger as CSV text (UTF-8 with a BOM, CRLF, RFC 4180 quoting; see ``CSVText``).
    ///
    /// Layout: the title, the group table (a share is `—` when the group has no income),
    /// a blank row, the programme summary, a blank row, then the town's children in difficulty
    /// against the district's target (§3.3.1). Amounts are yuan with two decimals.
    public func csv() -> String {
        var csv = CSVText()
        csv.append([title])
        csv.append(Self.groupColumns)
        for row in groups {
            csv.append([row.group.chineseName, String(row.households), String(row.persons), row.monthlyIncomeRounded.yuanText]
                       + IncomeKind.allCases.map { row.share(of: $0) ?? "—" })
        }
        csv.appendBlankRow()
        csv.append(Self.programmeColumns)
        for row in programmes {
            csv.append([row.programme.chineseName, String(row.households), String(row.persons), row.monthlyAmount.yuanText])
        }
        csv.appendBlankRow()
        csv.append(Self.childrenColumns)
        let children = childrenInDifficulty
        csv.append(["本镇", String(children.total)] + ChildrenInDifficulty.Reason.allCases.map { String(children.byReason[$0] ?? 0) }
                   + [String(children.target)])
        return csv.text
    }
}
