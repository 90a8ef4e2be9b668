package dev.tokenstore.jdbc;

import java.util.List;

/**
 * Schema version 5, revocations are final: a tombstone per revoked session (keyed by its
 * {@code session_hash}, kept until the session would have expired anyway), so no late or stale
 * write brings a revoked session back. Its table is the current one
 * ({@link Schema#revokedSessionsTable}); nothing to copy.
 */
final class SchemaVersion5 extends SchemaStep {
    SchemaVersion5(Schema schema, SqlDialect dialect) {
        super(5, schema, dialect);
    }

    @Override
    List<String> ddl() {
        return schema.revokedSessionsTable(dialect);
    }
}
