import GRDB

extension FieldDatabase {
    /// §3.7: the district's registry of social organisations, their aid projects and the
    /// volunteer pool (district records, read-only below the district), and the needs villages
    /// report. One column per top-level field, nested values as JSON text.
    static func registerSocialOrganisationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-social-organisations") { db in
            try db.create(table: "socialOrganisation") { t in
                t.primaryKey("id", .text)
                t.column("district", .text).notNull()
                t.column("name", .text).notNull()
                t.column("creditCode", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("registeredOn", .text).notNull()
                t.column("annualReports", .text).notNull()
                t.column("evaluationGrade", .integer)
                t.column("charityRecognisedOn", .text)
                t.column("publicFundraising", .boolean).notNull()
                t.column("charitableTrusts", .text).notNull()
                t.column("contact", .text)
                t.column("voidReason", .text)
            }
            try db.create(table: "aidProject") { t in
                t.primaryKey("id", .text)
                t.column("district", .text).notNull()
                t.column("organisation", .text).notNull()
                t.column("title", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("areas", .text).notNull()
                t.column("start", .text).notNull()
                t.column("end", .text)
                t.column("funds", .text)
                t.column("summary", .text).notNull()
                t.column("voidReason", .text)
            }
            try db.create(table: "villageNeed") { t in
                t.primaryKey("id", .text)
                t.column("village", .text).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("households", .integer).notNull()
                t.column("recordedOn", .text).notNull()
                t.column("source", .text)
                t.column("project", .text)
                t.column("voidReason", .text)
            }
            try db.create(table: "volunteer") { t in
                t.primaryKey("id", .text)
                t.column("district", .text).notNull()
                t.column("name", .text).notNull()
                t.column("phone", .text)
                t.column("skills", .text).notNull()
                t.column("villages", .text).notNull()
                t.column("organisation", .text)
                t.column("registeredOn", .text).notNull()
                t.column("voidReason", .text)
            }
        }
    }
}
