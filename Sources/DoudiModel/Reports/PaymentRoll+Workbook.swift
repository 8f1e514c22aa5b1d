extension PaymentRoll {
    /// The roll as a workbook for Excel and the bank (written as `.xlsx` by DoudiField's
    /// `XLSXWriter`): no title rows inside the tables, so that each sheet sorts and filters.
    ///
    /// - 发放明细: the header row and one row per line (``lineColumns(masked:)``, the same
    ///   columns as the CSV);
    /// - 合计: the totals per town and programme and the 合计 row (``totalColumns``);
    /// - 说明: the title, 制表单位, 制表日期, 发放年月 and the roll's households, persons and amount.
    ///
    /// ID and account numbers are text cells, counts and amounts numbers.
    ///
    /// - Parameter masked: `true` masks the ID and account numbers, for review copies.
    public func workbook(masked: Bool = false) -> Workbook {
        let about = Sheet(name: "说明", header: ["项目", "内容"], rows: [
            [.text("标题"), .text(title)],
            [.text("制表单位"), .text(issuer)],
            [.text("制表日期"), .text(preparedOn.iso)],
            [.text("发放年月"), .text(ReportFormat.chinese(month))],
            [.text("户数"), .integer(households)],
            [.text("人数"), .integer(persons)],
            [.text("金额合计"), .yuan(grandTotal)],
        ])
        return Workbook(title: title, sheets: [
            Self.lineColumns(masked: masked).sheet(named: "发放明细", lines),
            Self.totalColumns.sheet(named: "合计", totalRows),
            about,
        ])
    }
}
