package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where a {@link JdbcTokenStore} gets its connections. Reads and writes are asked for
 * separately so a backend can treat them differently: SQLite serializes writers in-process on
 * one write connection while readers use their own connections; a server database hands both
 * out of one pool.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>every connection handed out is in auto-commit mode, read-write, at the isolation the
 *   backend's transactions need (READ COMMITTED for {@link DataSourceConnectionSource}) and fully
 *   set up (pragmas, session settings), whatever the defaults of the pool it comes from — the
 *   engine does not configure connections; a source over a pool it does not own puts back what it
 *   changed before returning a connection;</li>
 *   <li>the engine gives each lease back with {@link Lease#close()}, in auto-commit mode again,
 *   on the thread that took it; after {@link Lease#markBroken()} the connection must not be
 *   handed out again;</li>
 *   <li>{@link #write()} may block (e.g. to serialize writers); {@link #read()} should not
 *   block on writers;</li>
 *   <li>thread-safe; {@link #close()} releases everything and is idempotent.</li>
 * </ul>
 */
public interface ConnectionSource extends AutoCloseable {

    /** A connection for one read (a single statement in auto-commit). */
    Lease read() throws SQLException;

    /** A connection for one write transaction; may wait for other writers of this source. */
    Lease write() throws SQLException;

    /**
     * Where the data lives, safe to show in messages and logs (a file path, or a URL passed
     * through {@link dev.tokenstore.Urls#redact}); never a password.
     */
    String description();

    /** Closes every connection (and the pool, if this source owns it). Idempotent. */
    @Override
    void close();

    /** A borrowed connection; close it to give it back. */
    interface Lease extends AutoCloseable {

        /** The connection, valid until {@link #close()}. */
        Connection connection();

        /** Marks the connection unusable (lost, or left in an unknown state): it is discarded on close. */
        void markBroken();

        /**
         * Statements the engine may keep on this connection across leases, or null (the default)
         * to prepare them on every use. Give one only if the connection outlives many leases and
         * its driver does not cache prepared statements itself (SQLite); pools and drivers that
         * cache (pgjdbc, H2) should keep the default.
         */
        default StatementCache statements() {
            return null;
        }

        /** Gives the connection back (or discards it if broken). Never throws. */
        @Override
        void close();
    }
}
