package dev.tokenstore.sqlite;

import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.SqlDialect;
import dev.tokenstore.jdbc.StatementCache;
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
 * connection has the busy timeout, {@code synchronous} level and page cache size set (the
 * writer's cache is large so a 1000-row batch of random-key index inserts does not spill). Other processes on the same
 * file are kept out by SQLite's own locks ({@code BEGIN IMMEDIATE} plus the busy timeout). WAL
 * checkpoints run on a background thread of their own ({@link Checkpointer}), not inside commits.
 */
final class SqliteConnectionSource implements ConnectionSource {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteConnectionSource.class);
    /** More than the engine's distinct statements, so nothing it uses is evicted. */
    private static final int STATEMENTS_PER_CONNECTION = 64;
    /** At most one background WAL checkpoint per this many milliseconds (see {@link Checkpointer}). */
    private static final long CHECKPOINT_INTERVAL_MS = 50;

    private final String url;
    private final String description;
    private final SqliteSettings settings;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Semaphore readPermits;
    private final Deque<Handle> idleReaders = new ArrayDeque<>();
    private final Checkpointer checkpointer;
    private Handle writer; // guarded by writeLock
    private volatile boolean closed;

    SqliteConnectionSource(String url, SqliteSettings settings) {
        this.url = url;
        this.settings = settings;
        this.description = settings.file.toString();
        this.readPermits = new Semaphore(settings.readers, true);
        // the checkpoint connection reads little through its own page cache: a reader's size will do
        this.checkpointer = new Checkpointer(() -> connect(true), description, CHECKPOINT_INTERVAL_MS);
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
            Handle h;
            synchronized (idleReaders) {
                h = idleReaders.pollFirst();
            }
            if (h == null) {
                h = open(true);
            }
            return new ReaderLease(h);
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
        checkpointer.close();
        boolean locked = false;
        try {
            locked = writeLock.tryLock(lockWaitMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (writer != null) {
                writer.close();
                writer = null;
            }
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
        synchronized (idleReaders) {
            idleReaders.forEach(Handle::close);
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

    private Handle open(boolean readOnly) throws SQLException {
        Connection c = connect(readOnly);
        try {
            if (readOnly) {
                SqlDialect.execute(c, "PRAGMA query_only = ON");
            } else {
                // checkpoints run in the background; the writer checkpoints only if the WAL runs away
                SqlDialect.execute(c, "PRAGMA wal_autocheckpoint = " + Checkpointer.WRITER_AUTOCHECKPOINT_PAGES);
            }
            return new Handle(c, new StatementCache(c, STATEMENTS_PER_CONNECTION));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * A new connection with the busy timeout, {@code synchronous} level and page cache size set
     * (a reader's size when {@code readerSized}); {@code query_only} is the caller's business.
     */
    private Connection connect(boolean readerSized) throws SQLException {
        SqliteFiles.createPrivate(settings.file); // owner-only before SQLite creates it (and its -wal, -shm)
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(settings.busyTimeoutMs);
        config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(settings.synchronous));
        // a negative cache_size is in KiB; readers, being many, get at most a quarter of the writer's
        config.setCacheSize(-(readerSized ? Math.max(2_048, settings.cacheSizeKb / 4) : settings.cacheSizeKb));
        Connection c = config.createConnection(url);
        if (c == null) {
            throw new SQLException("the SQLite driver did not accept the URL of " + description);
        }
        return c;
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

    /** A connection and the statements kept on it; closed together. */
    private record Handle(Connection connection, StatementCache statements) {
        void close() {
            statements.close();
            closeQuietly(connection);
        }
    }

    /** A lease on one handle: released once, however often it is closed. */
    private abstract static class HandleLease implements Lease {
        final Handle handle;
        private boolean broken;
        private boolean released;

        HandleLease(Handle handle) {
            this.handle = handle;
        }

        @Override
        public Connection connection() {
            return handle.connection();
        }

        @Override
        public StatementCache statements() {
            return handle.statements();
        }

        @Override
        public void markBroken() {
            broken = true;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(broken);
            }
        }

        /** Gives the handle back, or closes it when {@code broken}. */
        abstract void release(boolean broken);
    }

    private final class WriterLease extends HandleLease {
        WriterLease(Handle handle) {
            super(handle);
        }

        @Override
        void release(boolean broken) {
            try {
                if (broken || closed) {
                    handle.close();
                    writer = null;
                }
            } finally {
                writeLock.unlock();
                checkpointer.written();
            }
        }
    }

    private final class ReaderLease extends HandleLease {
        ReaderLease(Handle handle) {
            super(handle);
        }

        @Override
        void release(boolean broken) {
            try {
                boolean keep = !broken && !closed;
                if (keep) {
                    synchronized (idleReaders) {
                        keep = !closed;
                        if (keep) {
                            idleReaders.addFirst(handle);
                        }
                    }
                }
                if (!keep) {
                    handle.close();
                }
            } finally {
                readPermits.release();
            }
        }
    }
}
