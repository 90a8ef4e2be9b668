package dev.tokenstore.jdbc;

import java.util.List;

/**
 * Schema version 2: the change log read by other store instances (a one-row counter whose lock orders
 * the rows where writers overlap, and the rows; no index on created_at, which pruning does not
 * need since rows are in time order), and refresh tokens retired by rotation.
 */
final class SchemaVersion2 extends SchemaStep {
    SchemaVersion2(Schema schema, SqlDialect dialect) {
        super(2, schema, dialect);
    }

    @Override
    List<String> ddl() {
        SqlDialect d = dialect;
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return Schema.concat(schema.changeLogTables(d), List.of(
                // Guarded: where DDL commits (HSQLDB), a cut-short migration may have committed this row.
                "INSERT INTO " + schema.changeSeq + " (id, seq) SELECT 1, 0 FROM " + schema.version + " WHERE version = 1 "
                        + "AND NOT EXISTS (SELECT 1 FROM " + schema.changeSeq + " WHERE id = 1)",
                "CREATE TABLE IF NOT EXISTS " + schema.retiredTokens + " ("
                        + "token_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "session_id " + k + " NOT NULL, "
                        + "successor_hash " + k + ", "
                        + "retired_at " + b + " NOT NULL, "
                        + "expires_at " + b + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + schema.retiredTokens + "_expires_at_idx ON " + schema.retiredTokens
                        + " (expires_at)"));
    }
}
