package dev.tokenstore.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.Urls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The HikariCP pool a PostgreSQL store owns: {@link TokenStoreOptions#poolSize()} connections at
 * most, named {@code tokenstore-postgres-N}, every wait bounded. A new connection (and a caller
 * waiting for one) gives up after the connect timeout; a query whose reply does not come gives
 * up after the socket timeout; connections that failed with a connection error are evicted by
 * Hikari, idle ones are validated before use, and new ones are made on demand, so the pool heals
 * as soon as the server is back.
 * The tables' schema is set per connection at connect time ({@code currentSchema}); the driver's
 * {@code logServerErrorDetail} is off, so error messages do not carry the values of the row.
 */
final class PostgresPool implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final HikariDataSource dataSource;
    private final String description;

    private PostgresPool(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    static PostgresPool start(TokenStoreOptions options, PostgresSettings settings) {
        String name = "tokenstore-postgres-" + COUNTER.incrementAndGet();
        long connectMillis = settings.connectTimeoutSeconds() * 1000L;
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(options.url());
        config.setDriverClassName("org.postgresql.Driver");
        if (options.user() != null) {
            config.setUsername(options.user());
        }
        if (options.password() != null) {
            config.setPassword(options.password());
        }
        config.setMaximumPoolSize(options.poolSize());
        // Grow on demand and keep what was opened (idleTimeout 0). No idle minimum: a pool that must
        // refill to a minimum keeps retrying in the background while the server is down, with a
        // back-off that grows to 5 s, and would still be asleep when the server comes back. On
        // demand, each waiting call starts from a short back-off, so the first call after the
        // server returns gets a connection.
        config.setMinimumIdle(0);
        config.setIdleTimeout(0);
        config.setConnectionTimeout(connectMillis);
        // An idle connection is checked (isValid) before it is handed out; a blackholed server fails
        // that check within a second and the pool makes a new connection instead, within connectTimeout.
        config.setValidationTimeout(Math.min(connectMillis, 1_000L));
        // Idle connections are pinged every minute, so dead ones are dropped before a caller gets them.
        config.setKeepaliveTime(60_000L);
        config.setAutoCommit(true);
        // Driver settings; the same settings given in the URL win over these.
        config.addDataSourceProperty("connectTimeout", settings.connectTimeoutSeconds());
        config.addDataSourceProperty("loginTimeout", settings.connectTimeoutSeconds());
        config.addDataSourceProperty("socketTimeout", settings.socketTimeoutSeconds());
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "tokenstore");
        // Server error details ("Key (user_id)=(...)") and bound values stay out of exception messages.
        config.addDataSourceProperty("logServerErrorDetail", false);
        if (settings.schema() != null) {
            config.addDataSourceProperty("currentSchema", settings.schema());
        }
        String description = Urls.redact(options.url())
                + (settings.schema() == null ? "" : " schema " + settings.schema()) + " (pool " + name + ")";
        try {
            return new PostgresPool(new HikariDataSource(config), description);
        } catch (HikariPool.PoolInitializationException e) {
            throw new TokenStoreException("tokenstore postgres " + description + ": cannot connect: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /**
     * A connection of its own, outside the pool, with the pool's driver settings (the change
     * listener's; application name {@code tokenstore-changes}).
     */
    static Connection connectDirectly(TokenStoreOptions options, PostgresSettings settings) throws SQLException {
        Properties props = new Properties();
        if (options.user() != null) {
            props.setProperty("user", options.user());
        }
        if (options.password() != null) {
            props.setProperty("password", options.password());
        }
        props.setProperty("connectTimeout", Integer.toString(settings.connectTimeoutSeconds()));
        props.setProperty("loginTimeout", Integer.toString(settings.connectTimeoutSeconds()));
        props.setProperty("socketTimeout", Integer.toString(settings.socketTimeoutSeconds()));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "tokenstore-changes");
        return DriverManager.getConnection(options.url(), props);
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Where the data lives, without a password. */
    String description() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
