extension PaymentRoll {
    /// The columns of a line, as the bank and auditors expect them (FORMS.md): the one
    /// description the CSV (``csv(masked:)``) and the workbook (``workbook(masked:)``) are both
    /// written from. A column added here appears in both.
    ///
    /// ID and account numbers are text cells (full, or masked when `masked`); counts and
    /// amounts are numbers (yuan with two decimals, exact).
    public static func lineColumns(masked: Bool) -> [TableColumn<Line>] {
        [
            TableColumn("序号") { .integer($0.number) },
            TableColumn("乡镇") { .text($0.townName) },
            TableColumn("村") { .text($0.villageName) },
            TableColumn("领款人姓名") { .text($0.payeeName) },
            TableColumn("身份证号") { .optionalText($0.residentIDText(masked: masked)) },
            TableColumn("一卡通账号") { .optionalText($0.accountNumberText(masked: masked)) },
            TableColumn("账户名") { .optionalText($0.account?.accountName ?? "") },
            TableColumn("开户行") { .optionalText($0.account?.bank ?? "") },
            TableColumn("补贴项目") { .text($0.itemName) },
            TableColumn("保障人数") { .integer($0.persons) },
            TableColumn("基本金") { .yuan($0.basic) },
            TableColumn("分类施保") { .yuan($0.classifiedAid) },
            TableColumn("金额合计") { .yuan($0.total) },
            TableColumn("发放年月") { .text(ReportFormat.chinese($0.month)) },
            TableColumn("备注") { .optionalText($0.remark) },
            TableColumn("银行回盘状态") { .optionalText($0.bankStatus) },
            TableColumn("业务流水号") { .text($0.reference) },
        ]
    }

    /// The column titles of a line (``lineColumns(masked:)``).
    public static var columns: [String] { lineColumns(masked: false).titles() }

    /// One row of the totals: a town and programme, or the roll's 合计.
    public struct TotalRow: Sendable, Hashable {
        /// 乡镇, or `合计` for the roll's total.
        public var townName: String
        /// 补贴项目; empty on the 合计 row.
        public var item: String
        public var households: Int
        public var persons: Int
        public var amount: Money
    }

    /// The columns of the totals (one description for the CSV and the workbook).
    public static let totalColumns: [TableColumn<TotalRow>] = [
        TableColumn("乡镇") { .text($0.townName) },
        TableColumn("补贴项目") { .optionalText($0.item) },
        TableColumn("户数") { .integer($0.households) },
        TableColumn("人数") { .integer($0.persons) },
        TableColumn("金额合计") { .yuan($0.amount) },
    ]

    /// The totals per town and programme, then the 合计 row with the roll's households,
    /// persons (each counted once) and amount.
    public var totalRows: [TotalRow] {
        totals.map { TotalRow(townName: $0.townName, item: $0.programme.chineseName, households: $0.households,
                              persons: $0.persons, amount: $0.amount) }
            + [TotalRow(townName: "合计", item: "", households: households, persons: persons, amount: grandTotal)]
    }

    /// The roll as CSV text for people to open in Excel (UTF-8 with a BOM, CRLF, RFC 4180
    /// quoting, ID and account numbers kept text as `="…"`; see ``CSVText``).
    ///
    /// Layout: the title `2026年12月社会救助资金发放明细`, 制表单位 and 制表日期 rows, the
    /// header row, one row per line, a blank row, then the totals per town and programme
    /// and a 合计 row with the roll's households, persons (each counted once) and amount.
    /// Amounts are yuan with two decimals. A bank's batch file is another format, written
    /// without the `="…"` protection.
    ///
    /// - Parameter masked: `false` (the default) writes the full resident ID and account
    ///   numbers. `true` masks both, for listings and review copies.
    public func csv(masked: Bool = false) -> String {
        var csv = CSVText()
        csv.append([title])
        csv.append(["制表单位", issuer])
        csv.append(["制表日期", preparedOn.iso])
        csv.append(table: lines, columns: Self.lineColumns(masked: masked))
        csv.appendBlankRow()
        csv.append(table: totalRows, columns: Self.totalColumns)
        return csv.text
    }
}
