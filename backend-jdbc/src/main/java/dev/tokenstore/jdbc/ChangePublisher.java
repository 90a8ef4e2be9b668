package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.SQLException;

/**
 * Records a change inside the writing transaction, so it reaches the change feed exactly when the
 * write commits: a row in the change-log table ({@link ChangeLogPublisher}), or a payload on a
 * {@link ChangeChannel} ({@link ChannelPublisher}).
 */
interface ChangePublisher {

    /** Records {@code event} in the transaction of {@code tx}; does nothing for an empty event. */
    void publish(Tx tx, ChangeEvent event) throws SQLException;
}
