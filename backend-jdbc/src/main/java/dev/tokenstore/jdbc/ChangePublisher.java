package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.SQLException;

/**
 * Records changes inside the writing transaction, so they reach the change feed exactly when the
 * write commits. Store code calls {@link #publish} as it writes; the runner calls {@link #flush}
 * once, as the transaction's last step before it commits, with everything the transaction changed
 * merged into one event: one change-log row ({@link ChangeLogPublisher}) or one notification
 * ({@link ChannelPublisher}) per transaction, however many records it touched (a buffered batch,
 * an {@code inTransaction} unit of work).
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
}
