package dev.tokenstore.h2;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.DataSourceConnectionSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ConnectionSource} of an H2 store: a HikariCP pool of at most
 * {@link TokenStoreOptions#poolSize()} connections named {@code tokenstore-h2-N} (H2's own
 * {@code JdbcConnectionPool} costs about 60–100 µs per borrow, ten times an indexed read), plus
 * one connection held open for the store's lifetime, so the database is never closed and
 * reopened between calls and an in-memory database lives exactly as long as the store. A
 * caller's data source is used as given and not closed.
 */
final class H2Connections {
    private static final Logger LOG = LoggerFactory.getLogger(H2Connections.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private H2Connections() {
    }

    static ConnectionSource open(TokenStoreOptions options, H2Settings settings) {
        if (options.dataSource() != null) {
            return new DataSourceConnectionSource(options.dataSource(), settings.description, null);
        }
        String user = options.user() == null ? "" : options.user();
        String password = options.password() == null ? "" : options.password();
        Connection keeper;
        try {
            keeper = DriverManager.getConnection(settings.url, user, password);
        } catch (SQLException e) {
            throw new TokenStoreException("tokenstore h2 " + settings.description + ": cannot open the database: "
                    + e.getMessage(), e);
        }
        String name = "tokenstore-h2-" + COUNTER.incrementAndGet();
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.url);
        config.setDriverClassName("org.h2.Driver");
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(options.poolSize());
        config.setMinimumIdle(0);
        config.setIdleTimeout(0);
        config.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            closeQuietly(keeper, settings.description);
            throw new TokenStoreException("tokenstore h2 " + settings.description + ": cannot open the database: "
                    + e.getMessage(), e);
        }
        return new DataSourceConnectionSource(pool, settings.description + " (pool " + name + ")", () -> {
            pool.close();
            closeQuietly(keeper, settings.description);
        });
    }

    private static void closeQuietly(Connection keeper, String description) {
        try {
            keeper.close();
        } catch (SQLException e) {
            LOG.debug("closing the keeper connection of {} failed", description, e);
        }
    }
}
