import GRDB

extension FieldDatabase {
    /// Special periods (§4.4): the district's declarations, a policy record like the policy
    /// versions, with one column per field; and the policy versions' `specialProcedure` setting
    /// (NULL for a version stored before it existed).
    static func registerSpecialPeriodMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-special-periods") { db in
            try db.alter(table: "policyVersion") { t in
                t.add(column: "specialProcedure", .text)
            }
            try db.create(table: "specialPeriod") { t in
                t.primaryKey("id", .text)
                t.column("district", .text).notNull()
                t.column("title", .text).notNull()
                t.column("basis", .text).notNull()
                t.column("start", .text).notNull()
                t.column("declaredEnd", .text)
                t.column("endBasis", .text)
                t.column("voidReason", .text)
            }
        }
    }
}
