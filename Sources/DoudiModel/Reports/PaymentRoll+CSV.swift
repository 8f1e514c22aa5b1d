extension PaymentRoll {
    /// The column titles of a line, as the bank and auditors expect them (FORMS.md).
    public static let columns = [
        "序号", "乡镇", "村", "领款人姓名", "身份证号", "一卡通账号", "账户名", "开户行", "补贴项目",
        "保障人数", "基本金", "分类施保", "金额合计", "发放年月", "备注", "银行回盘状态",
    ]

    /// The column titles of the totals block.
    public static let totalColumns = ["乡镇", "补贴项目", "户数", "人数", "金额合计"]

    /// The roll as CSV text (UTF-8 with a BOM, CRLF, RFC 4180 quoting; see ``CSVText``).
    ///
    /// Layout: the title `2026年12月社会救助资金发放明细`, 制表单位 and 制表日期 rows, the
    /// header row, one row per line, a blank row, then the totals per town and programme
    /// and a 合计 row with the roll's households, persons (each counted once) and amount.
    /// Amounts are yuan with two decimals.
    ///
    /// - Parameter masked: `false` (the default) writes the full resident ID and account
    ///   numbers: the file is the bank's payment instruction. `true` masks both, for
    ///   listings and review copies.
    public func csv(masked: Bool = false) -> String {
        var csv = CSVText()
        csv.append([title])
        csv.append(["制表单位", issuer])
        csv.append(["制表日期", preparedOn.iso])
        csv.append(Self.columns)
        for line in lines {
            csv.append([
                String(line.number), line.townName, line.villageName, line.payeeName,
                line.residentIDText(masked: masked), line.accountNumberText(masked: masked),
                line.account?.accountName ?? "", line.account?.bank ?? "", line.itemName,
                String(line.persons), line.basic.yuanText, line.classifiedAid.yuanText, line.total.yuanText,
                ReportFormat.chinese(line.month), line.remark, line.bankStatus,
            ])
        }
        csv.appendBlankRow()
        csv.append(Self.totalColumns)
        for t in totals {
            csv.append([t.townName, t.programme.chineseName, String(t.households), String(t.persons), t.amount.yuanText])
        }
        csv.append(["合计", "", String(households), String(persons), grandTotal.yuanText])
        return csv.text
    }
}
