package dev.tokenstore.h2;

import dev.tokenstore.jdbc.SqlDialect;
import dev.tokenstore.jdbc.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * What H2 (2.x, MVStore) does differently: {@code MERGE INTO … KEY (…)} for upserts, bounded
 * {@code DELETE … FETCH FIRST ? ROWS ONLY} for cleanup chunks, {@code CHARACTER VARYING} instead
 * of {@code TEXT} (which H2 turns into a CLOB), and H2's lock errors (lock timeout, concurrent
 * update, deadlock) treated as retryable. A one-time consume is a select and a delete in one
 * transaction; the caller whose delete removes the row wins.
 *
 * <p>H2 commits at every DDL statement, so no transaction or row lock can keep two stores that
 * open a new database at once from migrating it together. An H2 database is open in one process
 * (its file lock; {@code AUTO_SERVER} serves other processes through that one), so migrations of
 * one database take turns on a lock of this JVM, held from {@link #lockForMigration} until the
 * migration's transaction ends.
 */
final class H2Dialect implements SqlDialect {
    /** One lock per database (its JDBC URL): who migrates it now. */
    private static final ConcurrentMap<String, ReentrantLock> MIGRATIONS = new ConcurrentHashMap<>();
    /** The migration lock this thread holds, released when its transaction commits or rolls back. */
    private final ThreadLocal<ReentrantLock> migrating = new ThreadLocal<>();
    /** H2 error codes (org.h2.api.ErrorCode) for which running the transaction again is right. */
    private static final Set<Integer> RETRYABLE_CODES = Set.of(
            40001, // DEADLOCK_1
            50200, // LOCK_TIMEOUT_1
            90131, // CONCURRENT_UPDATE_1
            90143); // ROW_NOT_FOUND_IN_PRIMARY_INDEX (a row removed under a concurrent reader)
    /** H2 error codes meaning the connection or database is gone. */
    private static final Set<Integer> LOST_CODES = Set.of(
            90067, // CONNECTION_BROKEN_1
            90121, // DATABASE_CALLED_AT_SHUTDOWN
            90098); // DATABASE_IS_CLOSED
    /** H2 error codes meaning the database file cannot be read or written. */
    private static final Set<Integer> IO_CODES = Set.of(
            90028, // IO_EXCEPTION_1
            90031); // IO_EXCEPTION_2

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public void lockForMigration(Connection connection) throws SQLException {
        ReentrantLock lock = MIGRATIONS.computeIfAbsent(connection.getMetaData().getURL(), url -> new ReentrantLock());
        lock.lock();
        migrating.set(lock);
    }

    @Override
    public void commit(Connection connection) throws SQLException {
        try {
            SqlDialect.super.commit(connection);
        } finally {
            endMigration();
        }
    }

    @Override
    public void rollback(Connection connection) throws SQLException {
        try {
            SqlDialect.super.rollback(connection);
        } finally {
            endMigration();
        }
    }

    private void endMigration() {
        ReentrantLock lock = migrating.get();
        if (lock != null) {
            migrating.remove();
            lock.unlock();
        }
    }

    @Override
    public String textType() {
        return "CHARACTER VARYING";
    }

    @Override
    public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
        return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keyColumns)
                + ") VALUES (" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public String deleteChunkSql(String table, String keyColumn, String condition) {
        return "DELETE FROM " + table + " WHERE " + condition + " FETCH FIRST ? ROWS ONLY";
    }

    /** H2 reads the updated counter back from a data change delta table: one statement, not two. */
    @Override
    public String insertChangeCountedSql(String logTable, String counterTable) {
        return "INSERT INTO " + logTable + " (seq, created_at, payload) SELECT seq, ?, ? FROM FINAL TABLE (UPDATE "
                + counterTable + " SET seq = seq + 1 WHERE id = 1)";
    }

    @Override
    public boolean isRetryable(SQLException e) {
        if (SqlDialect.super.isRetryable(e)) {
            return true;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            if (RETRYABLE_CODES.contains(x.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isConnectionLost(SQLException e) {
        if (SqlDialect.super.isConnectionLost(e)) {
            return true;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            if (LOST_CODES.contains(x.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Unavailable: the connection or database is gone ({@link #isConnectionLost}: broken, shut down,
     * closed — H2 closes a database after a fatal write error such as a full disk) or the file
     * cannot be read or written ({@code IO_EXCEPTION_1/2}). Lock timeouts, a full disk on one write
     * and data errors do not count.
     */
    @Override
    public boolean isUnavailable(SQLException e) {
        if (isConnectionLost(e)) {
            return true;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            if (IO_CODES.contains(x.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "H2Dialect";
    }
}
