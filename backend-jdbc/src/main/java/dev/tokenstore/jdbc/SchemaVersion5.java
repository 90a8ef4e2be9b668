package dev.tokenstore.jdbc;

import java.util.List;

/**
 * Schema version 5, revocations are final: a tombstone per revoked session (keyed by its
 * {@code session_hash}, kept until the session would have expired anyway), so no late or stale
 * write brings a revoked session back. Its table is the current one
 * ({@link Schema#revokedSessionsTable}); nothing to copy.
 */
final class SchemaVersion5 implements SchemaStep {
    private final Schema schema;
    private final SqlDialect dialect;

    SchemaVersion5(Schema schema, SqlDialect dialect) {
        this.schema = schema;
        this.dialect = dialect;
    }

    @Override
    public int version() {
        return 5;
    }

    @Override
    public List<String> ddl() {
        return schema.revokedSessionsTable(dialect);
    }
}
