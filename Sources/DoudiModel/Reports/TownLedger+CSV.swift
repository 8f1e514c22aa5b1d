extension TownLedger {
    /// The columns of the group table: 类别, 户数, 人数, 月收入合计, then one share per
    /// ``IncomeKind`` (工资性收入占比, …; `—` when the group has no income). The one description
    /// the CSV (``csv()``) and the workbook (``workbook(_:)``) are written from.
    public static let groupColumns: [TableColumn<GroupRow>] = [
        TableColumn("类别") { .text($0.group.chineseName) },
        TableColumn("户数") { .integer($0.households) },
        TableColumn("人数") { .integer($0.persons) },
        TableColumn("月收入合计") { .yuan($0.monthlyIncomeRounded) },
    ] + IncomeKind.allCases.map { kind in TableColumn("\(kind.chineseName)占比") { .text($0.share(of: kind) ?? "—") } }

    /// The columns of the programme summary.
    public static let programmeColumns: [TableColumn<ProgrammeRow>] = [
        TableColumn("项目") { .text($0.programme.chineseName) },
        TableColumn("户数") { .integer($0.households) },
        TableColumn("人数") { .integer($0.persons) },
        TableColumn("月发放金额") { .yuan($0.monthlyAmount) },
        TableColumn("已到账") { .yuan($0.bankPaid) },
        TableColumn("未到账") { .yuan($0.bankUnpaid) },
    ]

    /// The columns of the children in difficulty (§3.3.1): the town's count, by reason, and the district's target.
    public static let childrenColumns: [TableColumn<ChildrenInDifficulty>] = [
        TableColumn("人数") { .integer($0.total) },
    ] + ChildrenInDifficulty.Reason.allCases.map { reason in TableColumn(reason.chineseName) { .integer($0.byReason[reason] ?? 0) } }
      + [TableColumn("全区目标人数") { .integer($0.target) }]

    /// The ledger as CSV text (UTF-8 with a BOM, CRLF, RFC 4180 quoting; see ``CSVText``).
    ///
    /// Layout: the title, the group table (a share is `—` when the group has no income),
    /// a blank row, the programme summary, a blank row, then the town's children in difficulty
    /// against the district's target (§3.3.1), labelled `困境儿童（§3.3.1）` / `本镇`. Amounts
    /// are yuan with two decimals.
    public func csv() -> String {
        var csv = CSVText()
        csv.append([title])
        csv.append(table: groups, columns: Self.groupColumns)
        csv.appendBlankRow()
        csv.append(table: programmes, columns: Self.programmeColumns)
        csv.appendBlankRow()
        csv.append(["困境儿童（§3.3.1）"] + Self.childrenColumns.titles())
        csv.append(cells: [.text("本镇")] + Self.childrenColumns.cells(childrenInDifficulty))
        return csv.text
    }
}
