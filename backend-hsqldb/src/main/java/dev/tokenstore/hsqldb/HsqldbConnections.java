package dev.tokenstore.hsqldb;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.DataSourceConnectionSource;
import dev.tokenstore.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ConnectionSource} of an HSQLDB store: a HikariCP pool of at most
 * {@link TokenStoreOptions#poolSize()} connections named {@code tokenstore-hsqldb-N}, plus one
 * connection held for the store's lifetime (the URL carries {@code shutdown=true}, so the
 * database stays open exactly while a store on it is, and is checkpointed when the last one
 * closes), with writes serialized per database ({@link SerializedWrites}). A caller's data source
 * is used as given and not closed; its writers share a lock per data source object.
 */
final class HsqldbConnections {
    private static final Logger LOG = LoggerFactory.getLogger(HsqldbConnections.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private HsqldbConnections() {
    }

    static ConnectionSource open(TokenStoreOptions options, HsqldbSettings settings) {
        if (options.dataSource() != null) {
            ConnectionSource given = new DataSourceConnectionSource(options.dataSource(), settings.description, null);
            return serialized(given, options.dataSource(), settings);
        }
        String user = options.user() == null ? "SA" : options.user();
        String password = options.password() == null ? "" : options.password();
        Connection keeper;
        try {
            keeper = DriverManager.getConnection(settings.url, user, password);
        } catch (SQLException e) {
            throw cannotOpen(settings, e);
        }
        String name = "tokenstore-hsqldb-" + COUNTER.incrementAndGet();
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.url);
        config.setDriverClassName("org.hsqldb.jdbc.JDBCDriver");
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
            throw cannotOpen(settings, e);
        }
        ConnectionSource pooled = new DataSourceConnectionSource(pool, settings.description + " (pool " + name + ")",
                () -> {
                    pool.close();
                    closeQuietly(keeper, settings.description);
                });
        return serialized(pooled, settings.databaseKey, settings);
    }

    /** Writes take turns per database; the write delay, if set, is applied once through a write lease. */
    private static ConnectionSource serialized(ConnectionSource source, Object databaseKey, HsqldbSettings settings) {
        SerializedWrites serialized = new SerializedWrites(source, DatabaseWriteLock.of(databaseKey));
        if (settings.writeDelayMillis >= 0 && !settings.inMemory) {
            try (ConnectionSource.Lease lease = serialized.write()) {
                SqlDialect.execute(lease.connection(), "SET FILES WRITE DELAY " + settings.writeDelayMillis + " MILLIS");
            } catch (SQLException | RuntimeException e) {
                serialized.close();
                throw cannotOpen(settings, e);
            }
        }
        return serialized;
    }

    private static TokenStoreException cannotOpen(HsqldbSettings settings, Exception e) {
        return new TokenStoreException("tokenstore hsqldb " + settings.description + ": cannot open the database: "
                + e.getMessage(), e);
    }

    private static void closeQuietly(Connection keeper, String description) {
        try {
            keeper.close();
        } catch (SQLException e) {
            LOG.debug("closing the keeper connection of {} failed", description, e);
        }
    }
}
