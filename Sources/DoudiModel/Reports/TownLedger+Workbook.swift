extension TownLedger {
    /// The ledgers of one or more towns as one workbook (written as `.xlsx` by DoudiField's
    /// `XLSXWriter`): one sheet per table, each with a header row and a 乡镇 column first, the
    /// towns one after another — no title rows inside the tables, so that each sorts and filters.
    ///
    /// - 分类台账: the group table (``groupColumns``);
    /// - 项目汇总: the programme summary (``programmeColumns``);
    /// - 困境儿童: the children in difficulty against the district's target (``childrenColumns``);
    /// - 说明: each town's title and as-of day.
    ///
    /// The columns are those of the CSV; counts and amounts are numbers, shares text (`37.5%`, `—`).
    public static func workbook(_ ledgers: [TownLedger]) -> Workbook {
        func withTown<Row>(_ columns: [TableColumn<Row>], _ rows: (TownLedger) -> [Row], named name: String) -> Sheet {
            Sheet(name: name, header: ["乡镇"] + columns.titles(),
                  rows: ledgers.flatMap { ledger in rows(ledger).map { [.text(ledger.townName)] + columns.cells($0) } })
        }
        let title = ledgers.count == 1 ? ledgers[0].title : "社会救助对象分类台账"
        return Workbook(title: title, sheets: [
            withTown(groupColumns, \.groups, named: "分类台账"),
            withTown(programmeColumns, \.programmes, named: "项目汇总"),
            withTown(childrenColumns, { [$0.childrenInDifficulty] }, named: "困境儿童"),
            Sheet(name: "说明", header: ["乡镇", "标题", "截至"],
                  rows: ledgers.map { [.text($0.townName), .text($0.title), .text($0.asOf.iso)] }),
        ])
    }

    /// This town's ledger as a workbook (``workbook(_:)`` of one ledger).
    public func workbook() -> Workbook { Self.workbook([self]) }
}
