import GRDB

extension FieldDatabase {
    /// Bank returns (银行回盘, migration `v9-bank-returns`): what the bank answered for each line
    /// of a payment roll, append-only, indexed by the line's reference (the result file names
    /// lines by it) and by the month whose roll pays a failure again.
    static func registerBankReturnMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-bank-returns") { db in
            try db.create(table: "bankReturn") { t in
                t.primaryKey("id", .text)
                t.column("household", .text).notNull().indexed()
                t.column("member", .text)
                t.column("programme", .text).notNull()
                t.column("rollMonth", .text).notNull()
                t.column("month", .text).notNull()
                t.column("reference", .text).notNull().indexed()
                t.column("amount", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("reason", .text)
                t.column("carryTo", .text).indexed()
                t.column("recordedOn", .text).notNull()
                t.column("batch", .text)
                t.column("voidReason", .text)
            }
        }
    }
}
