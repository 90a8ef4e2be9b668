package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Publishes changes as rows of the change-log table, one row per transaction. Rows are numbered
 * so that they become visible in number order with no gaps (a rolled-back write takes its number
 * back), so a reader that finds a gap knows the log was pruned past it:
 * <ul>
 *   <li>where writers take turns ({@link SqlDialect#writersTakeTurns}, SQLite), a row is numbered
 *       one past the log's last row, and the log is all a write touches;</li>
 *   <li>elsewhere a row takes the next number from the one-row counter table, whose row lock is
 *       held until commit; the bump and the insert are one statement where the dialect can
 *       ({@link SqlDialect#insertChangeCountedSql}).</li>
 * </ul>
 * Pruning ({@link ChangeLogPruner}) never removes the newest row, so numbers never start over.
 */
final class ChangeLogPublisher implements ChangePublisher {
    private final Statements sql;
    private final Clock clock;
    private final ChangeLogPruner pruner;

    ChangeLogPublisher(Statements sql, Clock clock, ChangeLogPruner pruner) {
        this.sql = sql;
        this.clock = clock;
        this.pruner = pruner;
    }

    @Override
    public void flush(Tx tx, ChangeEvent changes) throws SQLException {
        long now = clock.millis();
        if (sql.bumpChangeSeq != null) {
            try (Tx.Prepared p = tx.prepare(sql.bumpChangeSeq)) {
                p.ps().executeUpdate();
            }
        }
        try (Tx.Prepared p = tx.prepare(sql.insertChange)) {
            PreparedStatement ps = p.ps();
            ps.setLong(1, now);
            ps.setString(2, ChangeCodec.encode(changes));
            ps.executeUpdate();
        }
        pruner.now(tx, now);
    }

    @Override
    public int prune(Tx tx, long now, int limit) throws SQLException {
        return pruner.prune(tx, now, limit);
    }
}
