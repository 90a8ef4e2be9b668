package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes changes as rows of the change-log table, one row per transaction. Each row takes the next number from the
 * one-row counter table, whose row lock is held until commit: rows therefore become visible in
 * number order with no gaps (a rolled-back write rolls its number back too), so a reader that
 * finds a gap knows the log was pruned past it. One write in {@value #PRUNE_EVERY} also deletes
 * up to {@value #PRUNE_CHUNK} rows older than the retention, so the log stays bounded even if
 * nobody runs {@code cleanupExpired()}.
 */
final class ChangeLogPublisher implements ChangePublisher {
    static final int PRUNE_EVERY = 1024;
    static final int PRUNE_CHUNK = 1000;

    private final Statements sql;
    private final Clock clock;
    private final long retentionMillis;
    private final AtomicInteger writes = new AtomicInteger();

    ChangeLogPublisher(Statements sql, Clock clock, long retentionMillis) {
        this.sql = sql;
        this.clock = clock;
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void flush(Tx tx, ChangeEvent changes) throws SQLException {
        long now = clock.millis();
        try (Tx.Prepared p = tx.prepare(sql.bumpChangeSeq)) {
            p.ps().executeUpdate();
        }
        try (Tx.Prepared p = tx.prepare(sql.insertChange)) {
            PreparedStatement ps = p.ps();
            ps.setLong(1, now);
            ps.setString(2, ChangeCodec.encode(changes));
            ps.executeUpdate();
        }
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
