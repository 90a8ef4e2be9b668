package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What differs between SQL databases, for {@link JdbcTokenStore}. Every method has a default
 * that is standard SQL (or the common {@code INSERT … ON CONFLICT} form shared by PostgreSQL
 * and SQLite), so a backend overrides only what its database does differently.
 *
 * <p>Identifiers handed to the hooks (table and column names) are validated by the engine
 * ({@code [A-Za-z0-9_]} only) and may be concatenated into SQL; values are always bound as
 * parameters. Bound values are {@link String}, {@link Long} or {@code null}; see {@link Column}.
 *
 * <p>Implementations must be stateless or thread-safe: one dialect instance serves every
 * thread of a store.
 */
public interface SqlDialect {

    /** Short name for messages, e.g. {@code "sqlite"}. */
    String name();

    // ---------------------------------------------------------------- column types (DDL)

    /** Type of key columns that are indexed (ids, hashes): default {@code VARCHAR(1024)}. */
    default String keyType() {
        return "VARCHAR(1024)";
    }

    /** Type of unbounded text (encrypted values, JSON): default {@code TEXT}. */
    default String textType() {
        return "TEXT";
    }

    /** Type of epoch-millisecond columns: default {@code BIGINT}. */
    default String bigintType() {
        return "BIGINT";
    }

    /** Type of the schema version number: default {@code INTEGER}. */
    default String intType() {
        return "INTEGER";
    }

    // ---------------------------------------------------------------- setup and transactions

    /**
     * Called once when a store opens, on a write connection in auto-commit mode, before the
     * schema is migrated: check the server version, set database-wide options that persist
     * (e.g. SQLite's WAL journal). Default: nothing.
     */
    default void prepareDatabase(Connection connection) throws SQLException {
    }

    /**
     * Called inside the migration transaction before the schema version is read, e.g. to take
     * an advisory lock so two processes do not migrate at once. Default: nothing.
     */
    default void lockForMigration(Connection connection) throws SQLException {
    }

    /**
     * Starts a write transaction on an auto-commit connection. Default:
     * {@code setAutoCommit(false)}. SQLite overrides it with {@code BEGIN IMMEDIATE} so the write
     * lock is taken up front and two processes never deadlock on lock upgrade.
     */
    default void beginWrite(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
    }

    /** Commits what {@link #beginWrite} started and leaves the connection in auto-commit mode. */
    default void commit(Connection connection) throws SQLException {
        connection.commit();
        connection.setAutoCommit(true);
    }

    /** Rolls back what {@link #beginWrite} started and leaves the connection in auto-commit mode. */
    default void rollback(Connection connection) throws SQLException {
        connection.rollback();
        connection.setAutoCommit(true);
    }

    // ---------------------------------------------------------------- cleanup coordination

    /**
     * True if store instances over the same database take turns cleaning up through
     * {@link #tryLockCleanup}; then {@link JdbcTokenStore#cleanupIfNoOtherInstanceIs} holds that
     * lock on one connection while the cleanup runs. Default: false (cleanup runs at once).
     */
    default boolean locksCleanup() {
        return false;
    }

    /**
     * Tries, without waiting, to take the cleanup lock of the tables with this prefix, held by
     * {@code connection} (in auto-commit mode) across transactions until {@link #unlockCleanup};
     * true if taken. Called only when {@link #locksCleanup()} is true. Default: true.
     */
    default boolean tryLockCleanup(Connection connection, String tablePrefix) throws SQLException {
        return true;
    }

    /** Releases what {@link #tryLockCleanup} took on this connection. Default: nothing. */
    default void unlockCleanup(Connection connection, String tablePrefix) throws SQLException {
    }

    // ---------------------------------------------------------------- statements

    /**
     * An insert-or-update statement with one {@code ?} per column, in column order, that
     * replaces every non-key column of the row with the same key. Default:
     * {@code INSERT INTO t (c…) VALUES (?…) ON CONFLICT (k…) DO UPDATE SET c = excluded.c…}
     * (PostgreSQL, SQLite). A conflict on any other unique index must still fail.
     */
    default String upsertSql(String table, List<String> columns, List<String> keyColumns) {
        String updates = columns.stream().filter(c -> !keyColumns.contains(c))
                .map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT ("
                + String.join(", ", keyColumns) + ") DO UPDATE SET " + updates;
    }

    /**
     * The upsert statement with the columns' {@link java.sql.Types}; the engine builds every upsert
     * (single and {@link #upsertAll}) through this hook. Override it instead of {@link #upsertSql}
     * when the database cannot type a parameter from its context and would give it a default type:
     * in HSQLDB's {@code MERGE … USING (VALUES (?, …))} an untyped parameter becomes
     * {@code VARCHAR(32768)}, truncating longer values, so each is wrapped in a {@code CAST}.
     * Default: {@link #upsertSql} on the column names.
     */
    default String typedUpsertSql(String table, List<Column> columns, List<String> keyColumns) {
        return upsertSql(table, columns.stream().map(Column::name).collect(Collectors.toList()), keyColumns);
    }

    /**
     * True if {@code DELETE … RETURNING} is available; then a one-time consume is one statement.
     * Otherwise the engine selects and deletes in one transaction and lets only the caller whose
     * delete removed the row win. Default: false.
     */
    default boolean supportsDeleteReturning() {
        return false;
    }

    /**
     * Deletes at most {@code ?} rows matching {@code condition}, in one statement. The statement
     * gets the condition's parameters first, then the row limit as the last parameter.
     * Default: {@code DELETE FROM t WHERE k IN (SELECT k FROM t WHERE condition LIMIT ?)}.
     */
    default String deleteChunkSql(String table, String keyColumn, String condition) {
        return "DELETE FROM " + table + " WHERE " + keyColumn + " IN (SELECT " + keyColumn + " FROM " + table
                + " WHERE " + condition + " LIMIT ?)";
    }

    /** Most values in one {@code IN (…)} list of {@link #deleteWhereIn}. Default 500. */
    default int maxInListSize() {
        return 500;
    }

    /**
     * Executes {@link #typedUpsertSql} for every row, in order, inside the caller's transaction.
     * Rows may repeat a key (a later row replaces an earlier one); the outcome must be exactly
     * that of executing the rows one by one, including a unique violation
     * ({@link #isUniqueViolation}) when a row takes a unique value another row holds at that
     * point. Default: one prepared statement, {@code addBatch} per row, {@code executeBatch}.
     */
    default void upsertAll(Connection connection, String table, List<Column> columns, List<String> keyColumns,
                           List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(typedUpsertSql(table, columns, keyColumns))) {
            for (Object[] row : rows) {
                for (int i = 0; i < columns.size(); i++) {
                    bind(ps, i + 1, row[i], columns.get(i).sqlType());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Deletes the rows whose {@code column} equals one of {@code values}, inside the caller's
     * transaction, and returns how many were deleted. Default: {@code DELETE … WHERE column IN
     * (?, …)} in chunks of {@link #maxInListSize()}. PostgreSQL may bind one array
     * ({@code = ANY(?)}) instead.
     */
    default int deleteWhereIn(Connection connection, String table, String column, Collection<String> values)
            throws SQLException {
        List<String> all = new ArrayList<>(values);
        int chunkSize = Math.max(1, maxInListSize());
        int deleted = 0;
        for (int from = 0; from < all.size(); from += chunkSize) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + chunkSize));
            String sql = "DELETE FROM " + table + " WHERE " + column + " IN ("
                    + chunk.stream().map(v -> "?").collect(Collectors.joining(", ")) + ")";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                deleted += ps.executeUpdate();
            }
        }
        return deleted;
    }

    /** Binds a value the engine produced ({@link String}, {@link Long} or null) with its type. */
    default void bind(PreparedStatement ps, int index, Object value, int sqlType) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType);
        } else if (value instanceof Long) {
            ps.setLong(index, (Long) value);
        } else {
            ps.setString(index, (String) value);
        }
    }

    // ---------------------------------------------------------------- error classification

    /**
     * True if the failure is a unique-constraint violation. Default: SQLState {@code 23505}, or
     * any class-23 state whose message mentions "unique".
     */
    default boolean isUniqueViolation(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            String state = x.getSQLState();
            if ("23505".equals(state)) {
                return true;
            }
            if (state != null && state.startsWith("23") && SqlErrors.mentions(x, "unique")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if the connection is gone (network, server restart): the engine discards the
     * connection and retries a read once on a new one. Default: SQLState class {@code 08}.
     */
    default boolean isConnectionLost(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            String state = x.getSQLState();
            if (state != null && state.startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if the failure means the database cannot be reached at all (not that this call was
     * wrong): it counts towards opening the store's circuit breaker and surfaces as
     * {@link dev.tokenstore.DatabaseUnavailableException}. Must be false for bad input, data
     * errors, constraint violations and lock conflicts. Default: {@link #isConnectionLost}, SQLState
     * class {@code 08}, the JDBC connection exception types (a pool that timed out waiting for a
     * connection throws {@link java.sql.SQLTransientConnectionException}), or an
     * {@link java.io.IOException} among the causes (refused, reset, timed out).
     */
    default boolean isUnavailable(SQLException e) {
        if (isConnectionLost(e)) {
            return true;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            String state = x.getSQLState();
            if (state != null && state.startsWith("08")
                    || SqlErrors.isA(x, java.sql.SQLTransientConnectionException.class)
                    || SqlErrors.isA(x, java.sql.SQLNonTransientConnectionException.class)
                    || SqlErrors.isA(x, java.sql.SQLRecoverableException.class)) {
                return true;
            }
            int depth = 0;
            for (Throwable c = x.getCause(); c != null && depth < 16; c = c.getCause(), depth++) {
                if (SqlErrors.isA(c, java.io.IOException.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * True if the whole transaction may simply be run again (lock conflict, serialization
     * failure, deadlock victim): the engine retries a few times before failing. Default:
     * SQLState {@code 40001} or {@code 40P01}.
     */
    default boolean isRetryable(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            String state = x.getSQLState();
            if ("40001".equals(state) || "40P01".equals(state)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What retrying a failed operation can do. Default: {@link TokenStoreException.Kind#TRANSIENT}
     * if {@link #isConnectionLost} or {@link #isRetryable}, else the first SQLState of the chain
     * that {@link TokenStoreException.Kind#ofSqlState} can read (class 22/23 refused; 08, 40, 53,
     * 57, HYT0x transient), else unclassified. Dialects add vendor codes where their driver gives
     * no SQLState or a generic one.
     */
    default TokenStoreException.Kind classify(SQLException e) {
        if (isConnectionLost(e) || isRetryable(e)) {
            return TokenStoreException.Kind.TRANSIENT;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            TokenStoreException.Kind kind = TokenStoreException.Kind.ofSqlState(x.getSQLState());
            if (kind != TokenStoreException.Kind.UNCLASSIFIED) {
                return kind;
            }
        }
        return TokenStoreException.Kind.UNCLASSIFIED;
    }

    /**
     * Driver text with every value it may echo removed, for the causes the engine hands out and
     * logs. Default ({@link SqlErrors#withoutLiterals}): the first line only (drivers put details
     * such as "Key (x)=(value)" on later lines), every single-quoted SQL literal replaced by
     * {@code '?'}, and everything after a quote that does not close dropped.
     */
    default String redactMessage(String message) {
        return SqlErrors.withoutLiterals(message);
    }

    /** Runs one statement with no parameters (DDL, pragmas, transaction control). */
    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }
}
