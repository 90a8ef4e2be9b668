package dev.tokenstore.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the change-log table bounded: {@link #prune} deletes rows older than the retention (a
 * chunk at a time, never the newest row), and {@link #now} does so for up to {@value #PRUNE_CHUNK}
 * rows in one write of {@value #PRUNE_EVERY}, so the log stays bounded even if nobody runs
 * {@code cleanupExpired()}.
 */
final class ChangeLogPruner {
    static final int PRUNE_EVERY = 1024;
    static final int PRUNE_CHUNK = 1000;

    private final Statements sql;
    private final long retentionMillis;
    private final AtomicInteger writes = new AtomicInteger();

    ChangeLogPruner(Statements sql, long retentionMillis) {
        this.sql = sql;
        this.retentionMillis = retentionMillis;
    }

    /** Counts a write in {@code tx}; every {@value #PRUNE_EVERY}th also prunes a chunk. */
    void now(Tx tx, long now) throws SQLException {
        if (writes.incrementAndGet() % PRUNE_EVERY == 0) {
            prune(tx, now, PRUNE_CHUNK);
        }
    }

    /** Deletes at most {@code limit} rows older than the retention; returns how many. */
    int prune(Tx tx, long now, int limit) throws SQLException {
        try (Tx.Prepared p = tx.prepare(sql.pruneChanges)) {
            PreparedStatement ps = p.ps();
            ps.setLong(1, now - retentionMillis);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }
}
