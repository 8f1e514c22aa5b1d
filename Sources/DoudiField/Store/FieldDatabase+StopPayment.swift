import GRDB

extension FieldDatabase {
    /// Stop-payment decisions (停保, migration `v8-stop-payment`): a decision may decide on
    /// enrolments instead of an application, so `decision.application` may be NULL, and the
    /// new `stopPayment` column holds the terms (JSON, NULL for a decision on an application).
    ///
    /// SQLite cannot drop a NOT NULL constraint: the table is rebuilt with every column it has
    /// (whatever earlier migrations added), rows copied, the index made again.
    static func registerStopPaymentMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-stop-payment") { db in
            let columns = try db.columns(in: "decision")
            try db.create(table: "decision_v8") { t in
                for c in columns {
                    if c.name == "id" { t.primaryKey("id", .text); continue }
                    let column = t.column(c.name, Database.ColumnType(rawValue: c.type))
                    if c.isNotNull && c.name != "application" { column.notNull() }
                }
                t.column("stopPayment", .text)
            }
            let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            try db.execute(sql: "INSERT INTO decision_v8(\(names)) SELECT \(names) FROM decision")
            try db.drop(table: "decision")
            try db.rename(table: "decision_v8", to: "decision")
            try db.create(index: "index_decision_on_application", on: "decision", columns: ["application"])
        }
    }
}
