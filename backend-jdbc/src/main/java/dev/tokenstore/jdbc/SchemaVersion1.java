package dev.tokenstore.jdbc;

import java.util.List;

/**
 * Schema version 1, the first: states, auth codes, sessions (ids, user ids and user JSON in the
 * clear, each token in a column of its own) and clients. Its sessions and auth codes tables are
 * frozen here as they were; version 3 replaced them.
 */
final class SchemaVersion1 extends SchemaStep {
    SchemaVersion1(Schema schema, SqlDialect dialect) {
        super(1, schema, dialect);
    }

    @Override
    List<String> ddl() {
        SqlDialect d = dialect;
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return Schema.concat(schema.statesTable(d), List.of(
                "CREATE TABLE IF NOT EXISTS " + schema.authCodes + " ("
                        + "code_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "session_id " + k + " NOT NULL, "
                        + "client_id " + t + " NOT NULL, "
                        + "redirect_uri " + t + " NOT NULL, "
                        + "code_challenge_enc " + t + ", "
                        + "code_challenge_method " + t + ", "
                        + "scopes_json " + t + " NOT NULL, "
                        + "expires_at " + b + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + schema.authCodes + "_expires_at_idx ON " + schema.authCodes + " (expires_at)",
                "CREATE TABLE IF NOT EXISTS " + schema.sessions + " ("
                        + "session_id " + k + " NOT NULL PRIMARY KEY, "
                        + "provider " + t + " NOT NULL, "
                        + "user_id " + k + " NOT NULL, "
                        + "user_info_json " + t + " NOT NULL, "
                        + "access_token_hash " + k + " NOT NULL, "
                        + "access_token_enc " + t + " NOT NULL, "
                        + "refresh_token_hash " + k + ", "
                        + "refresh_token_enc " + t + ", "
                        + "provider_access_token_enc " + t + ", "
                        + "provider_refresh_token_enc " + t + ", "
                        + "provider_expires_at " + b + ", "
                        + "access_expires_at " + b + " NOT NULL, "
                        + "refresh_expires_at " + b + ", "
                        + "purge_after " + b + " NOT NULL, "
                        + "issued_at " + b + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)",
                "CREATE UNIQUE INDEX IF NOT EXISTS " + schema.sessions + "_access_token_hash_uq ON " + schema.sessions
                        + " (access_token_hash)",
                "CREATE UNIQUE INDEX IF NOT EXISTS " + schema.sessions + "_refresh_token_hash_uq ON " + schema.sessions
                        + " (refresh_token_hash)",
                "CREATE INDEX IF NOT EXISTS " + schema.sessions + "_user_id_idx ON " + schema.sessions + " (user_id)",
                "CREATE INDEX IF NOT EXISTS " + schema.sessions + "_purge_after_idx ON " + schema.sessions + " (purge_after)"), schema.clientsTable(d));
    }
}
