package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStoreException;
import dev.tokenstore.jdbc.SqlDialect;
import dev.tokenstore.jdbc.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * SQLite for the JDBC engine: WAL journal set once per database, write transactions started
 * with {@code BEGIN IMMEDIATE} (the write lock is taken up front, so two processes never
 * deadlock upgrading a read lock), {@code DELETE … RETURNING} (SQLite 3.35+) and
 * {@code INSERT … ON CONFLICT DO UPDATE}. {@code SQLITE_BUSY}/{@code SQLITE_LOCKED} are
 * retryable (transient); the driver gives no SQLState, so {@code SQLITE_CONSTRAINT},
 * {@code SQLITE_TOOBIG}, {@code SQLITE_MISMATCH} and {@code SQLITE_RANGE} mark a refused record.
 */
final class SqliteDialect implements SqlDialect {
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_TOOBIG = 18;
    private static final int SQLITE_MISMATCH = 20;
    private static final int SQLITE_RANGE = 25;

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String keyType() {
        return "TEXT";
    }

    @Override
    public String bigintType() {
        return "INTEGER";
    }

    /**
     * Switches the database to WAL (persistent in the file) and checks that it took. Changing the
     * journal mode needs the file to itself and SQLite answers {@code SQLITE_BUSY} at once, without
     * its busy handler, while another connection (another store opening the same new file) holds a
     * lock; so the switch is retried for up to {@link #WAL_SWITCH_PATIENCE_MS}. A file already in WAL
     * is left alone.
     */
    @Override
    public void prepareDatabase(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + WAL_SWITCH_PATIENCE_MS * 1_000_000L;
        for (int attempt = 1; ; attempt++) {
            try {
                if (!"wal".equals(pragma(connection, "PRAGMA journal_mode"))) {
                    String mode = pragma(connection, "PRAGMA journal_mode = WAL");
                    if (!"wal".equals(mode)) {
                        throw new SQLException("could not switch the database to WAL journal mode (it is in '" + mode + "')");
                    }
                }
                return;
            } catch (SQLException e) {
                if (!isRetryable(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                pause(Math.min(100L, 5L * attempt));
            }
        }
    }

    private static final long WAL_SWITCH_PATIENCE_MS = 10_000L;

    private static String pragma(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            String value = rs.next() ? rs.getString(1) : null;
            return value == null ? null : value.toLowerCase(Locale.ROOT);
        }
    }

    private static void pause(long millis) throws SQLException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to switch the database to WAL", e);
        }
    }

    @Override
    public void beginWrite(Connection connection) throws SQLException {
        SqlDialect.execute(connection, "BEGIN IMMEDIATE");
    }

    @Override
    public void commit(Connection connection) throws SQLException {
        SqlDialect.execute(connection, "COMMIT");
    }

    @Override
    public void rollback(Connection connection) throws SQLException {
        SqlDialect.execute(connection, "ROLLBACK");
    }

    @Override
    public boolean supportsDeleteReturning() {
        return true;
    }

    /**
     * Chunks by {@code rowid}: the subquery then reads only the expiry index (it holds the rowid),
     * and the delete goes straight to the rows.
     */
    @Override
    public String deleteChunkSql(String table, String keyColumn, String condition) {
        return "DELETE FROM " + table + " WHERE rowid IN (SELECT rowid FROM " + table + " WHERE " + condition
                + " LIMIT ?)";
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            if (SqlErrors.mentions(x, "UNIQUE constraint failed")
                    || (x.getErrorCode() & 0xff) == SQLITE_CONSTRAINT && SqlErrors.mentions(x, "unique")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isRetryable(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            int primary = x.getErrorCode() & 0xff;
            if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || SqlErrors.mentions(x, "SQLITE_BUSY")
                    || SqlErrors.mentions(x, "database is locked")) {
                return true;
            }
        }
        return false;
    }

    /** Busy/locked is transient; constraint, too big, type mismatch and range errors refuse the record. */
    @Override
    public TokenStoreException.Kind classify(SQLException e) {
        if (isRetryable(e)) {
            return TokenStoreException.Kind.TRANSIENT;
        }
        for (SQLException x : SqlErrors.chain(e)) {
            int primary = x.getErrorCode() & 0xff;
            if (primary == SQLITE_CONSTRAINT || primary == SQLITE_TOOBIG || primary == SQLITE_MISMATCH
                    || primary == SQLITE_RANGE) {
                return TokenStoreException.Kind.REFUSED;
            }
        }
        return SqlDialect.super.classify(e);
    }

    /** An embedded file has no connection to lose. */
    @Override
    public boolean isConnectionLost(SQLException e) {
        return false;
    }

    /**
     * For a file there is no connection to lose; the database is unavailable when the file cannot
     * be read or written at all: {@code SQLITE_IOERR} (the device failing, the file gone under an
     * NFS mount) and {@code SQLITE_CANTOPEN}. Not counted: {@code SQLITE_BUSY}/{@code SQLITE_LOCKED}
     * past the busy timeout (another writer holds the lock: contention, retried, and readers in WAL
     * mode are not affected), {@code SQLITE_FULL} and {@code SQLITE_READONLY} (they fail only writes,
     * at once, while reads keep working, so failing reads fast would be wrong).
     */
    @Override
    public boolean isUnavailable(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            int primary = x.getErrorCode() & 0xff;
            if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) {
                return true;
            }
        }
        return false;
    }
}
