import DoudiModel
import Foundation

extension PaymentRoll {
    /// Writes the roll's workbook (``PaymentRoll/workbook(masked:)``: 发放明细, 合计, 说明) as an
    /// `.xlsx` file: ID and account numbers text cells, amounts numbers.
    ///
    /// ```swift
    /// try roll.writeXLSX(to: URL(fileURLWithPath: "roll-2026-12.xlsx"))
    /// ```
    ///
    /// - Parameter masked: `true` masks ID and account numbers (review copies); the full
    ///   numbers are for the roles that may see them (the caller checks).
    /// - Throws: ``SpreadsheetError`` (`write-failed`) naming the file.
    public func writeXLSX(to url: URL, masked: Bool = false) throws(SpreadsheetError) {
        try XLSXWriter.write(workbook(masked: masked), to: url)
    }
}

extension TownLedger {
    /// Writes the ledgers of one or more towns as one `.xlsx` workbook (``TownLedger/workbook(_:)``:
    /// one sheet per table, a 乡镇 column first).
    ///
    /// - Throws: ``SpreadsheetError`` (`write-failed`) naming the file.
    public static func writeXLSX(_ ledgers: [TownLedger], to url: URL) throws(SpreadsheetError) {
        try XLSXWriter.write(workbook(ledgers), to: url)
    }
}
