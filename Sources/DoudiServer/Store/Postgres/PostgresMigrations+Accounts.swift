extension PostgresMigrations {
    /// `v2-accounts` (SPEC §5.2, §11): devices bound to one user, disabled users, password
    /// resets, failed-login counts and the audit log.
    ///
    /// Devices already in use are bound to the user of their earliest token (the device's
    /// first login), with what the ledger accepted from them; their push time is not known.
    static let accounts = Migration(name: "v2-accounts", statements: [
        "ALTER TABLE app_user ADD COLUMN disabled boolean NOT NULL DEFAULT false",
        "ALTER TABLE app_user ADD COLUMN must_change_password boolean NOT NULL DEFAULT false",
        "ALTER TABLE token ADD COLUMN password_change_only boolean NOT NULL DEFAULT false",
        """
        CREATE TABLE device (
            id text PRIMARY KEY,
            user_name text NOT NULL REFERENCES app_user(name),
            first_seen_at bigint NOT NULL,
            last_login_at bigint NOT NULL,
            last_sequence bigint NOT NULL DEFAULT 0,
            last_push_at bigint,
            revoked_at bigint)
        """,
        "CREATE INDEX device_user ON device(user_name)",
        """
        INSERT INTO device(id, user_name, first_seen_at, last_login_at, last_sequence)
        SELECT DISTINCT ON (t.device) t.device, t.user_name, t.issued_at,
               (SELECT max(issued_at) FROM token l WHERE l.device = t.device),
               COALESCE((SELECT max(sequence) FROM change_set_log c WHERE c.device = t.device), 0)
        FROM token t ORDER BY t.device, t.issued_at, t.hash
        """,
        // failed logins per account, keyed by the SHA-256 of the name typed (LoginThrottle.accountKey)
        """
        CREATE TABLE login_throttle (
            account text PRIMARY KEY,
            failures integer NOT NULL,
            last_failure_at bigint NOT NULL,
            next_attempt_at bigint NOT NULL,
            locked_at bigint)
        """,
        """
        CREATE TABLE auth_event (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at bigint NOT NULL,
            event text NOT NULL,
            user_name text,
            org text COLLATE "C",
            device text,
            address text,
            actor text,
            detail text)
        """,
        "CREATE INDEX auth_event_user ON auth_event(user_name, id)",
        "CREATE INDEX auth_event_device ON auth_event(device, id)",
    ])
}
