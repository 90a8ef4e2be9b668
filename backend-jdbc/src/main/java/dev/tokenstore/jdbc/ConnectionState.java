package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The JDBC-level state of a connection the store did not open (auto-commit, isolation, read-only):
 * {@link #takeOver} remembers what the connection came with and switches it to what the store's
 * work needs (auto-commit on, the given isolation, writable); {@link #restore} puts back what
 * was found, so the owner of the pool gets its connection as it lent it.
 */
public final class ConnectionState {
    private final boolean autoCommit;
    private final int isolation;
    private final boolean readOnly;
    private final boolean isolationChanged;

    private ConnectionState(boolean autoCommit, int isolation, boolean readOnly, boolean isolationChanged) {
        this.autoCommit = autoCommit;
        this.isolation = isolation;
        this.readOnly = readOnly;
        this.isolationChanged = isolationChanged;
    }

    /**
     * Switches {@code c} to auto-commit, {@code isolation} and read-write, and returns what it was.
     *
     * @param known what the connection is known to come with (a previous {@link #takeOver} of the
     *              same physical connection), or null to ask it: pgjdbc asks the server for the
     *              isolation (one round trip), H2 runs a query for read-only
     */
    public static ConnectionState takeOver(Connection c, int isolation, ConnectionState known) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.setAutoCommit(true);
        }
        int was = known != null ? known.isolation : c.getTransactionIsolation();
        boolean changed = was != isolation && isolation != Connection.TRANSACTION_NONE;
        if (changed) {
            c.setTransactionIsolation(isolation);
        }
        boolean readOnly = known != null ? known.readOnly : c.isReadOnly();
        if (readOnly) {
            c.setReadOnly(false);
        }
        return new ConnectionState(autoCommit, was, readOnly, changed);
    }

    /** True if {@link #restore} has anything to undo. */
    public boolean changed() {
        return !autoCommit || isolationChanged || readOnly;
    }

    /**
     * Puts back what {@link #takeOver} found. The connection must be in auto-commit mode (no
     * transaction open), as the engine leaves it.
     */
    public void restore(Connection c) throws SQLException {
        if (readOnly) {
            c.setReadOnly(true);
        }
        if (isolationChanged) {
            c.setTransactionIsolation(isolation);
        }
        if (!autoCommit) {
            c.setAutoCommit(false);
        }
    }

    @Override
    public String toString() {
        return "ConnectionState[autoCommit=" + autoCommit + ", isolation=" + isolation + ", readOnly=" + readOnly + "]";
    }
}
