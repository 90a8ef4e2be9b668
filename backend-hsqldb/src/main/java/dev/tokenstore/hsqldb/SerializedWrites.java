package dev.tokenstore.hsqldb;

import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.StatementCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ConnectionSource} whose write leases take the database's {@link DatabaseWriteLock}
 * first and hold it until they are given back; reads go straight to the underlying source. With
 * every write transaction on a database taking turns, two writers never meet on a row: no MVCC
 * write conflict, no {@code MERGE} racing another's insert of the same key.
 */
final class SerializedWrites implements ConnectionSource {
    private final ConnectionSource source;
    private final DatabaseWriteLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    SerializedWrites(ConnectionSource source, DatabaseWriteLock lock) {
        this.source = source;
        this.lock = lock;
    }

    @Override
    public Lease read() throws SQLException {
        return source.read();
    }

    @Override
    public Lease write() throws SQLException {
        lock.lock();
        try {
            return new LockedLease(source.write());
        } catch (SQLException | RuntimeException | Error e) {
            lock.unlock();
            throw e;
        }
    }

    @Override
    public String description() {
        return source.description();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                source.close();
            } finally {
                lock.release();
            }
        }
    }

    @Override
    public String toString() {
        return "SerializedWrites[" + source.description() + "]";
    }

    /** The underlying lease; giving it back releases the lock (once). */
    private final class LockedLease implements Lease {
        private final Lease lease;
        private boolean released;

        LockedLease(Lease lease) {
            this.lease = lease;
        }

        @Override
        public Connection connection() {
            return lease.connection();
        }

        @Override
        public void markBroken() {
            lease.markBroken();
        }

        @Override
        public StatementCache statements() {
            return lease.statements();
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                lease.close();
            } finally {
                lock.unlock();
            }
        }
    }
}
