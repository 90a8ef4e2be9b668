package dev.tokenstore.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the change-log table on a daemon thread every poll interval and hands new rows to a
 * {@link ChangeChannel.Receiver}. Each poll first reads the one-row counter (a primary-key
 * lookup); only when it moved does it read the new rows. A poll that completes confirms
 * "caught up" as of its start. Because numbers have no gaps (see {@link ChangeLogPublisher}), a
 * gap before the first new row, or a counter that went back, means rows were pruned or the
 * database replaced: the receiver gets a reset. A failing poll is logged once and retried with
 * growing pauses (up to one second); the position is kept. The first poll that works after the
 * start and after any failed one also delivers a reset, as the PostgreSQL listener does after a
 * (re)connect: what a reader cached while its feed was not reading (a breaker's probe, a load
 * before the first poll) may have missed a change committed in that gap. A poll that failed for
 * want of a connection tells the receiver the database is
 * {@linkplain ChangeChannel.Receiver#unreachable unreachable}.
 */
final class ChangeLogPoller implements ChangeChannel.Listening, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeLogPoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Rows read per query; a poll reads on until it has reached the counter. */
    static final int BATCH = 500;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final Runner runner;
    private final Statements sql;
    private final long intervalNanos;
    private final String storeName;
    private final ChangeChannel.Receiver receiver;
    private final Thread thread;
    private volatile boolean closed;
    private long position = -1;
    /** True until a poll works after the start or after a failed poll: that poll delivers a reset. */
    private boolean gap = true;

    private ChangeLogPoller(Runner runner, Statements sql, long intervalNanos, String storeName,
                            ChangeChannel.Receiver receiver) {
        this.runner = runner;
        this.sql = sql;
        this.intervalNanos = intervalNanos;
        this.storeName = storeName;
        this.receiver = receiver;
        this.thread = new Thread(this, "tokenstore-changes-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /** Starts polling for {@code receiver}. */
    static ChangeLogPoller start(Runner runner, Statements sql, long intervalNanos, String storeName,
                                 ChangeChannel.Receiver receiver) {
        ChangeLogPoller poller = new ChangeLogPoller(runner, sql, intervalNanos, storeName, receiver);
        poller.thread.start();
        return poller;
    }

    /** A poller that has not started, whose last seen row is {@code position} (for tests of {@link #pollOnce}). */
    static ChangeLogPoller positionedAt(Runner runner, Statements sql, String storeName,
                                        ChangeChannel.Receiver receiver, long position) {
        ChangeLogPoller poller = new ChangeLogPoller(runner, sql, 1, storeName, receiver);
        poller.position = position;
        poller.gap = false;
        return poller;
    }

    @Override
    public void run() {
        boolean failing = false;
        long backoff = intervalNanos;
        while (!closed) {
            long started = System.nanoTime();
            long pause = intervalNanos;
            try {
                pollOnce();
                receiver.caughtUp(started);
                if (failing) {
                    LOG.info("{}: reading the change log works again", storeName);
                    failing = false;
                }
                backoff = intervalNanos;
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                gap = true;
                if (e instanceof dev.tokenstore.DatabaseUnavailableException) {
                    receiver.unreachable();
                }
                if (!failing) {
                    LOG.warn("{}: reading the change log failed; the feed is behind until it works again ({})",
                            storeName, e.getClass().getName());
                    failing = true;
                }
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                pause = backoff;
            }
            LockSupport.parkNanos(this, pause);
        }
    }

    /** Reads everything committed since the last poll. */
    void pollOnce() {
        long counter = runner.read("read the change log", this::counter);
        if (gap) {
            receiver.reset(position < 0 ? "the change feed started reading" : "reading the change log failed and works again");
            gap = false;
        }
        if (position < 0) {
            position = counter; // first poll: start at the present
            return;
        }
        if (counter == position) {
            return;
        }
        if (counter < position) {
            receiver.reset("the change-log counter went back (database replaced or restored)");
            position = counter;
            return;
        }
        while (position < counter) {
            List<Row> rows = runner.read("read the change log", tx -> rowsAfter(tx, position));
            if (rows.isEmpty() || rows.get(0).seq() > position + 1) {
                receiver.reset("the change log was pruned past this reader");
                if (rows.isEmpty()) {
                    position = counter;
                    return;
                }
            }
            for (Row row : rows) {
                receiver.payload(row.payload());
                position = row.seq();
            }
            if (rows.size() < BATCH) {
                return;
            }
        }
    }

    private long counter(Tx tx) throws SQLException {
        try (Tx.Prepared p = tx.prepare(sql.changeSeq); ResultSet rs = p.ps().executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    private List<Row> rowsAfter(Tx tx, long after) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Tx.Prepared p = tx.prepare(sql.changesAfter)) {
            PreparedStatement ps = p.ps();
            ps.setLong(1, after);
            ps.setMaxRows(BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2)));
                }
            } finally {
                ps.setMaxRows(0);
            }
        }
        return rows;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Row(long seq, String payload) {
    }
}
