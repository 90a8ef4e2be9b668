package dev.tokenstore.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps WAL checkpoints off the write path. SQLite's automatic checkpoint runs inside the commit
 * that pushes the WAL past {@code wal_autocheckpoint} pages, so every few hundred commits one
 * writer pays for copying the WAL into the database file and syncing it. Here the writer's
 * automatic checkpoint is raised to a safety bound ({@link #WRITER_AUTOCHECKPOINT_PAGES}), and one
 * daemon thread ({@code tokenstore-sqlite-checkpoint-N}) runs {@code PRAGMA wal_checkpoint(PASSIVE)}
 * on a connection of its own after writes were committed, at most once per {@code intervalMillis}.
 * A passive checkpoint never blocks writers or readers; what it cannot copy yet (pages a reader
 * still needs) it copies next time. If the thread falls behind, the writer's own automatic
 * checkpoint still bounds the WAL. Failures are logged and retried on the next round; they never
 * reach a caller. {@link #close()} stops the thread and closes its connection.
 */
final class Checkpointer implements AutoCloseable {
    /** The writer's own automatic checkpoint: only if the WAL grows past this (about 40 MB of 4 KiB pages). */
    static final int WRITER_AUTOCHECKPOINT_PAGES = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private final Callable<Connection> opener;
    private final String description;
    private final long intervalNanos;
    private final Object signal = new Object();
    private final Thread thread;
    private volatile boolean dirty;
    private volatile boolean closed;

    Checkpointer(Callable<Connection> opener, String description, long intervalMillis) {
        this.opener = opener;
        this.description = description;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.thread = new Thread(this::run, "tokenstore-sqlite-checkpoint-" + THREAD_NUMBERS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** Tells the thread that a write transaction ended; cheap when it already knows. */
    void written() {
        if (!dirty) {
            synchronized (signal) {
                dirty = true;
                signal.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Connection connection = null;
        try {
            while (awaitWrites()) {
                try {
                    if (connection == null) {
                        connection = opener.call();
                    }
                    checkpoint(connection);
                } catch (Exception e) {
                    LOG.warn("background WAL checkpoint of {} failed; retrying after the next writes", description, e);
                    connection = closeQuietly(connection);
                }
                pause();
            }
        } finally {
            closeQuietly(connection);
        }
    }

    /** Waits until writes were committed since the last checkpoint; false once closed. */
    private boolean awaitWrites() {
        synchronized (signal) {
            while (!dirty && !closed) {
                try {
                    signal.wait();
                } catch (InterruptedException e) {
                    // close() interrupts; the loop condition decides
                }
            }
            dirty = false;
            return !closed;
        }
    }

    /** Lets writes gather for one interval, so one checkpoint covers many commits. */
    private void pause() {
        long deadline = System.nanoTime() + intervalNanos;
        synchronized (signal) {
            for (long left = intervalNanos; left > 0 && !closed; left = deadline - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    // close() interrupts; the loop condition decides
                }
            }
        }
    }

    private void checkpoint(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (rs.next() && LOG.isTraceEnabled()) {
                LOG.trace("checkpoint of {}: {} of {} WAL frames copied", description, rs.getInt(3), rs.getInt(2));
            }
        }
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the checkpoint connection failed", e);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "Checkpointer[" + description + "]";
    }
}
