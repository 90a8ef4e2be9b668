package dev.tokenstore.jdbc;

/**
 * What the engine's own maintenance code (re-encryption, and the migration tests' earlier-format
 * writer) needs of an open store besides its public calls: transactions on its connections, its
 * SQL, dialect and row codec. Package-private: nothing outside the engine reaches the tables
 * around the store's checks.
 */
record EngineAccess(Runner runner, Statements statements, SqlDialect dialect, Rows rows) {

    /** One write transaction on the store's connections. */
    <T> T write(String operation, SqlWork<T> work) {
        return runner.write(operation, work);
    }

    /** One read on the store's connections. */
    <T> T read(String operation, SqlWork<T> work) {
        return runner.read(operation, work);
    }
}
