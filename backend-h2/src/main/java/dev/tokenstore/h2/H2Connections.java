package dev.tokenstore.h2;

import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.DataSourceConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ConnectionSource} of an H2 store: H2's own {@link JdbcConnectionPool}
 * (at most {@link TokenStoreOptions#poolSize()} connections) plus one connection held open for
 * the store's lifetime, so the database is not closed and reopened between calls and an
 * in-memory database lives exactly as long as the store. A caller's data source is used as
 * given and not closed.
 */
final class H2Connections {
    private static final Logger LOG = LoggerFactory.getLogger(H2Connections.class);

    private H2Connections() {
    }

    static ConnectionSource open(TokenStoreOptions options, H2Settings settings) {
        if (options.dataSource() != null) {
            return new DataSourceConnectionSource(options.dataSource(), settings.description, null);
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create(settings.url,
                options.user() == null ? "" : options.user(), options.password() == null ? "" : options.password());
        pool.setMaxConnections(options.poolSize());
        Connection keeper;
        try {
            keeper = pool.getConnection();
        } catch (SQLException e) {
            pool.dispose();
            throw new TokenStoreException("tokenstore h2 " + settings.description + ": cannot open the database: "
                    + e.getMessage(), e);
        }
        // The keeper holds one of the pool's slots; the pool gets one more so poolSize stay usable.
        pool.setMaxConnections(options.poolSize() + 1);
        return new DataSourceConnectionSource(pool, settings.description, () -> {
            try {
                keeper.close();
            } catch (SQLException e) {
                LOG.debug("closing the keeper connection of {} failed", settings.description, e);
            }
            pool.dispose();
        });
    }
}
