package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.SQLException;

/**
 * Records changes inside the writing transaction, so they reach the change feed exactly when the
 * write commits. Store code calls {@link #publish} as it writes; the runner calls {@link #flush}
 * once, as the transaction's last step before it commits, with everything the transaction changed
 * merged into one event: one change-log row ({@link ChangeLogPublisher}) or one payload of a
 * {@link ChangeChannel} ({@link ChannelPublisher}) per transaction, however many records it
 * touched (a buffered batch, an {@code inTransaction} unit of work); and {@link #committed} once
 * the transaction committed.
 */
interface ChangePublisher {

    /** The publisher of a store whose change feed is off: records nothing. */
    ChangePublisher OFF = new ChangePublisher() {
        @Override
        public void publish(Tx tx, ChangeEvent event) {
        }

        @Override
        public void flush(Tx tx, ChangeEvent changes) {
        }

        @Override
        public boolean keepsLog() {
            return false;
        }

        @Override
        public int prune(Tx tx, long now, int limit) {
            return 0;
        }
    };

    /** Adds {@code event} to the changes of {@code tx}'s transaction; an empty event adds nothing. */
    default void publish(Tx tx, ChangeEvent event) {
        if (!event.isEmpty()) {
            tx.changed(event);
        }
    }

    /**
     * Writes {@code changes} (not empty) in the transaction of {@code tx}, as its last statement;
     * the runner commits right after. A {@link ChangeChannel} may commit the transaction itself in
     * the same round trip.
     */
    void flush(Tx tx, ChangeEvent changes) throws SQLException;

    /** Called after a transaction that {@linkplain #flush flushed} changes committed. Default: nothing. */
    default void committed() {
    }

    /** True if changes are kept in the change-log table, which {@link #prune} trims. */
    default boolean keepsLog() {
        return true;
    }

    /** Deletes at most {@code limit} change-log rows older than the retention; returns how many. */
    int prune(Tx tx, long now, int limit) throws SQLException;
}
