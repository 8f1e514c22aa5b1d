extension PostgresConnectionURL {
    /// True when a database location names PostgreSQL (`postgres://…` or `postgresql://…`)
    /// rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }
}
