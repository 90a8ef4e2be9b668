package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;

/**
 * The store's connection source while a connection is lent to it: the connection that holds the
 * cleanup lock ({@link CleanupLock}) serves the store's own calls whenever it is free, so the
 * cleanup's chunks (and a buffer's flush before them) run even when the pool has no other
 * connection (a pool of one). One call at a time uses the lent connection; a call that finds it
 * busy borrows from the pool as usual. Without a lent connection every call goes to the pool.
 */
final class LendingSource implements ConnectionSource {
    private final ConnectionSource pool;
    private final Semaphore free = new Semaphore(1);
    private volatile ConnectionSource.Lease lent;

    LendingSource(ConnectionSource pool) {
        this.pool = pool;
    }

    /** Lends {@code lease} to the store's calls until {@link #takeBack}. */
    void lend(ConnectionSource.Lease lease) {
        lent = lease;
    }

    /** Ends the loan, waiting for a call that is using the connection to give it back. */
    void takeBack() {
        free.acquireUninterruptibly();
        try {
            lent = null;
        } finally {
            free.release();
        }
    }

    @Override
    public Lease read() throws SQLException {
        Lease borrowed = borrowLent();
        return borrowed != null ? borrowed : pool.read();
    }

    @Override
    public Lease write() throws SQLException {
        Lease borrowed = borrowLent();
        return borrowed != null ? borrowed : pool.write();
    }

    private Lease borrowLent() {
        if (lent == null || !free.tryAcquire()) {
            return null;
        }
        ConnectionSource.Lease lease = lent;
        if (lease == null) {
            free.release();
            return null;
        }
        return new Borrowed(lease);
    }

    @Override
    public String description() {
        return pool.description();
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The lent connection for one call; closing it frees the connection for the next, not for the pool. */
    private final class Borrowed implements Lease {
        private final ConnectionSource.Lease lease;
        private boolean closed;

        Borrowed(ConnectionSource.Lease lease) {
            this.lease = lease;
        }

        @Override
        public Connection connection() {
            return lease.connection();
        }

        @Override
        public void markBroken() {
            lease.markBroken();
            lent = null; // a broken connection serves no further call
        }

        @Override
        public StatementCache statements() {
            return lease.statements();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                free.release();
            }
        }
    }
}
