package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ConnectionDiscard#ABORT}: aborts the physical connection, then closes the handle. */
final class AbortingDiscard implements ConnectionDiscard {
    private static final Logger LOG = LoggerFactory.getLogger(AbortingDiscard.class);

    @Override
    public void discard(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("aborting a connection failed", e);
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing an aborted connection failed", e);
        }
    }

    @Override
    public String toString() {
        return "ConnectionDiscard.ABORT";
    }
}
