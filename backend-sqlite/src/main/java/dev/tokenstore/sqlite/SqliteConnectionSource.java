package dev.tokenstore.sqlite;

import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Connections to one SQLite file: a single write connection that writers of this process take
 * in turn (a lock, so they never contend inside SQLite), and up to {@code readers} read-only
 * connections ({@code PRAGMA query_only}) that WAL lets run alongside the writer. Every
 * connection has the busy timeout and {@code synchronous} level set. Other processes on the same
 * file are kept out by SQLite's own locks ({@code BEGIN IMMEDIATE} plus the busy timeout).
 */
final class SqliteConnectionSource implements ConnectionSource {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteConnectionSource.class);

    private final String url;
    private final String description;
    private final SqliteSettings settings;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Semaphore readPermits;
    private final Deque<Connection> idleReaders = new ArrayDeque<>();
    private Connection writer; // guarded by writeLock
    private volatile boolean closed;

    SqliteConnectionSource(String url, SqliteSettings settings) {
        this.url = url;
        this.settings = settings;
        this.description = settings.file.toString();
        this.readPermits = new Semaphore(settings.readers, true);
    }

    @Override
    public Lease write() throws SQLException {
        ensureOpen();
        try {
            if (!writeLock.tryLock(lockWaitMs(), TimeUnit.MILLISECONDS)) {
                throw new SQLException("timed out after " + lockWaitMs() + " ms waiting for this process's other "
                        + "writers of " + description);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to write to " + description, e);
        }
        try {
            ensureOpen();
            if (writer == null) {
                writer = open(false);
            }
            return new WriterLease(writer);
        } catch (SQLException | RuntimeException e) {
            writeLock.unlock();
            throw e;
        }
    }

    @Override
    public Lease read() throws SQLException {
        ensureOpen();
        try {
            if (!readPermits.tryAcquire(lockWaitMs(), TimeUnit.MILLISECONDS)) {
                throw new SQLException("timed out after " + lockWaitMs() + " ms waiting for a free read connection to "
                        + description + " (" + settings.readers + " in use)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to read from " + description, e);
        }
        try {
            Connection c;
            synchronized (idleReaders) {
                c = idleReaders.pollFirst();
            }
            if (c == null) {
                c = open(true);
            }
            return new ReaderLease(c);
        } catch (SQLException | RuntimeException e) {
            readPermits.release();
            throw e;
        }
    }

    @Override
    public String description() {
        return description;
    }

    /** Waits for a running write to finish (up to the busy timeout), then closes every idle connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean locked = false;
        try {
            locked = writeLock.tryLock(lockWaitMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (writer != null) {
                closeQuietly(writer);
                writer = null;
            }
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
        synchronized (idleReaders) {
            idleReaders.forEach(SqliteConnectionSource::closeQuietly);
            idleReaders.clear();
        }
    }

    @Override
    public String toString() {
        return "SqliteConnectionSource[" + description + "]";
    }

    private long lockWaitMs() {
        return Math.max(1_000L, settings.busyTimeoutMs * 2L);
    }

    private Connection open(boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(settings.busyTimeoutMs);
        config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(settings.synchronous));
        Connection c = config.createConnection(url);
        if (c == null) {
            throw new SQLException("the SQLite driver did not accept the URL of " + description);
        }
        try {
            if (readOnly) {
                SqlDialect.execute(c, "PRAGMA query_only = ON");
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private void ensureOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the connections to " + description + " are closed");
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a SQLite connection failed", e);
        }
    }

    private final class WriterLease implements Lease {
        private final Connection connection;
        private boolean broken;
        private boolean released;

        WriterLease(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public void markBroken() {
            broken = true;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                if (broken || closed) {
                    closeQuietly(connection);
                    writer = null;
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    private final class ReaderLease implements Lease {
        private final Connection connection;
        private boolean broken;
        private boolean released;

        ReaderLease(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public void markBroken() {
            broken = true;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                boolean keep = !broken && !closed;
                if (keep) {
                    synchronized (idleReaders) {
                        keep = !closed;
                        if (keep) {
                            idleReaders.addFirst(connection);
                        }
                    }
                }
                if (!keep) {
                    closeQuietly(connection);
                }
            } finally {
                readPermits.release();
            }
        }
    }
}
