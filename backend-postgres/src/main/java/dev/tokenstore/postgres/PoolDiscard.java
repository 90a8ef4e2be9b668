package dev.tokenstore.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.tokenstore.jdbc.ConnectionDiscard;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discards a connection of a given data source: a HikariCP pool (or a data source that unwraps to
 * one) evicts its own connection handles, so they are closed rather than handed out again; any other
 * connection is aborted ({@link ConnectionDiscard#ABORT}): its server session ends, and with it
 * every lock and setting it held.
 */
final class PoolDiscard implements ConnectionDiscard {
    private static final Logger LOG = LoggerFactory.getLogger(PoolDiscard.class);

    private final HikariDataSource hikari;

    private PoolDiscard(HikariDataSource hikari) {
        this.hikari = hikari;
    }

    static ConnectionDiscard of(DataSource dataSource) {
        try {
            if (dataSource instanceof HikariDataSource h) {
                return new PoolDiscard(h);
            }
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                return new PoolDiscard(dataSource.unwrap(HikariDataSource.class));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not tell whether the data source is a HikariCP pool", e);
        }
        return ConnectionDiscard.ABORT;
    }

    @Override
    public void discard(Connection connection) {
        if (!connection.getClass().getName().startsWith("com.zaxxer.hikari.")) {
            // a wrapper around the pool's handle: HikariCP would not know it, so cut the connection itself
            ConnectionDiscard.ABORT.discard(connection);
            return;
        }
        try {
            hikari.evictConnection(connection);
        } catch (RuntimeException e) {
            LOG.debug("evicting a connection failed; aborting it", e);
            ConnectionDiscard.ABORT.discard(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing an evicted connection failed", e);
        }
    }
}
