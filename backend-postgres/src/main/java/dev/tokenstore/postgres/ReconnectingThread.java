package dev.tokenstore.postgres;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread working on a connection of the channel's own, which reconnects with back-off
 * (100 ms doubling to 5 s) after any failure until stopped, logging the first failure and the
 * recovery once each.
 */
abstract class ReconnectingThread implements Runnable {
    // logged under the channel's name, as operators know it
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeChannel.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long MIN_BACKOFF_NANOS = 100_000_000L;
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;
    private static final long STOP_WAIT_MILLIS = 2_000L;

    final Thread thread;
    volatile boolean stopped;
    private volatile ChannelConnection connection;
    private boolean failing;
    private long backoff = MIN_BACKOFF_NANOS;

    private final PostgresChangeChannel.ConnectionFactory connections;
    private final String description;

    ReconnectingThread(String threadName, PostgresChangeChannel.ConnectionFactory connections, String description) {
        this.connections = connections;
        this.description = description;
        this.thread = new Thread(this, threadName + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /** Works on {@code c} until stopped or it fails; calls {@link #connected} once set up. */
    abstract void session(ChannelConnection c) throws SQLException;

    /** What works again, for the log. */
    abstract String recovered();

    /** What failed and what that means meanwhile, for the log. */
    abstract String failed();

    /** Called after each failed attempt, with its failure. Default: nothing. */
    void attemptFailed(Exception e) {
    }

    final void connected() {
        if (failing) {
            LOG.info("{}: {}", description, recovered());
            failing = false;
        }
        backoff = MIN_BACKOFF_NANOS;
    }

    @Override
    public final void run() {
        while (!stopped) {
            ChannelConnection c = null;
            try {
                c = connections.open();
                connection = c;
                session(c);
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                attemptFailed(e);
                if (!failing) {
                    LOG.warn("{}: {} ({}, SQLState {})", description, failed(), e.getClass().getName(),
                            e instanceof SQLException sql ? sql.getSQLState() : "-");
                    failing = true;
                }
            } finally {
                connection = null;
                if (c != null) {
                    c.release(); // undoes what the session set before the pool gets it back
                }
            }
            if (!stopped) {
                LockSupport.parkNanos(this, backoff);
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
        }
    }

    /**
     * Stops the thread and waits for it; it puts its connection back as it found it. A thread
     * stuck in a reply that does not come (a server gone silent) has its connection discarded
     * after {@value #STOP_WAIT_MILLIS} ms, which wakes it.
     */
    final void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        if (!join(thread, STOP_WAIT_MILLIS)) {
            ChannelConnection c = connection;
            if (c != null) {
                c.discard();
            }
            join(thread, 5_000);
        }
    }

/** Waits up to {@code millis} for {@code thread} to end; true if it has (or is the caller). */
private static boolean join(Thread thread, long millis) {
    if (Thread.currentThread() == thread) {
        return true;
    }
    try {
        thread.join(millis);
    } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
}
}
