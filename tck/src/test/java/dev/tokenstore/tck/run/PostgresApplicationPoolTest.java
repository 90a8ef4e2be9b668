package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.jdbc.JdbcTokenStore;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.Eventually;
import dev.tokenstore.tck.MutableClock;
import dev.tokenstore.tck.TestData;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The postgres backend over an application's own pool, opened as the starter opens it
 * ({@code TokenStores.open} with only the data source): the store leaves every connection of that
 * pool as it found it, and the pool's transaction defaults (auto-commit off, REPEATABLE READ) do
 * not reach the store's transactions or its change feed.
 */
class PostgresApplicationPoolTest {
    private static final byte[] KEY = "app-pool-test-key-of-32-bytes!!!".getBytes(StandardCharsets.US_ASCII);

    private final MutableClock clock = MutableClock.startingNow();
    private final TestData data = new TestData(clock);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private PostgresTestServer server;
    private TestSchema schema;

    @BeforeEach
    void createSchema() {
        server = PostgresTestServer.shared();
        schema = server.createSchema();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        schema.close();
    }

    private HikariDataSource appPool(int size) {
        HikariDataSource pool = AppPool.start(server.jdbcUrl(), server.user(), server.password(), schema.name(), size);
        opened.add(pool);
        return pool;
    }

    private TokenStore openOver(DataSource pool) {
        TokenStore store = TokenStores.open(TokenStoreOptions.builder().clock(clock).encryptionKey(KEY)
                .dataSource(pool).build());
        opened.add(store);
        return store;
    }

    @Test
    @DisplayName("only a data source: the backend comes from its metadata")
    void theDataSourcePicksTheBackend() {
        TokenStore store = openOver(appPool(2));
        assertTrue(store instanceof JdbcTokenStore j && j.name().startsWith("tokenstore postgres"), store.toString());
        StoredSession s = data.session();
        store.storeSession(s);
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
    }

    @ParameterizedTest(name = "auto-commit and READ COMMITTED (Spring Boot''s defaults): {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("after the store is closed every connection of the application's pool is as the pool lent it")
    void everyConnectionComesBackAsLent(boolean springDefaults) throws Exception {
        HikariDataSource pool = AppPool.start(server.jdbcUrl(), server.user(), server.password(), schema.name(), 4, 4,
                springDefaults);
        opened.add(pool);
        List<Map<String, String>> before = AppPool.inspectEvery(pool);
        assertEquals("on", before.get(0).get("synchronous_commit"), "the pool's own setting, not the server's");
        assertEquals(Boolean.toString(springDefaults), before.get(0).get("autoCommit"));
        assertEquals(Integer.toString(springDefaults ? Connection.TRANSACTION_READ_COMMITTED
                : Connection.TRANSACTION_REPEATABLE_READ), before.get(0).get("isolation"));
        assertEquals(4, before.size());

        TokenStore store = openOver(pool);
        CachingTokenStore cached = CachingTokenStore.builder(store).clock(clock).build();
        assertTrue(cached.followsChangeFeed());
        StoredSession s = data.session();
        cached.storeSession(s);
        assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
        assertTrue(cached.deleteSessionById(s.sessionId()));
        store.storeState(data.state());
        clock.advance(Duration.ofHours(1));
        assertTrue(((CleanupCoordination) store).cleanupIfNoOtherInstanceIs(store::cleanupExpired).isPresent());
        // the feed's listener reads and its notifier has sent a wake-up on connections of this pool
        Eventually.within(Duration.ofSeconds(20), "the notifier sent a wake-up", () -> lastQueryLike("%pg_notify%"));
        Eventually.within(Duration.ofSeconds(20), "the listener read the log", () -> lastQueryLike("%pg_snapshot_xmin%"));

        cached.close();
        store.close();
        assertEquals(before, AppPool.inspectEvery(pool), "each of the pool's connections after the store closed");
    }

    @Test
    @DisplayName("a REPEATABLE READ pool does not hold the listener in one snapshot: B stops serving what A revoked")
    void repeatableReadPoolFeedSeesNewCommits() {
        TokenStore a = openOver(appPool(3));
        TokenStore rawB = openOver(appPool(3));
        CachingTokenStore b = CachingTokenStore.builder(rawB).clock(clock).build();
        opened.add(b);
        for (int round = 0; round < 3; round++) {
            StoredSession s = data.session();
            a.storeSession(s);
            assertEquals(Optional.of(s), b.loadSessionByAccessToken(s.accessToken()));
            assertTrue(a.deleteSessionById(s.sessionId()));
            Eventually.within(Eventually.FEED_DEADLINE, "B stops serving the revoked session",
                    () -> b.loadSessionByAccessToken(s.accessToken()).isEmpty());
        }
    }

    @Test
    @DisplayName("a pool that resets nothing on return still gets auto-commit, isolation and read-only back")
    void aPoolThatResetsNothingGetsItsSettingsBack() throws Exception {
        TrustingPool pool = new TrustingPool();
        opened.add(pool);
        TokenStore store = openOver(pool.dataSource());
        CachingTokenStore cached = CachingTokenStore.builder(store).clock(clock).build();
        StoredSession s = data.session();
        cached.storeSession(s);
        assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
        assertEquals(1, cached.deleteSessionsByUser(s.userInfo().userId()));
        Eventually.within(Duration.ofSeconds(20), "the notifier sent a wake-up", () -> lastQueryLike("%pg_notify%"));
        cached.close();
        store.close();
        assertTrue(pool.connections.size() >= 2, "the store and its feed used several connections");
        assertEquals(pool.connections.size(), pool.idle.size(), "every connection was given back");
        for (Connection c : pool.connections) {
            assertEquals(false, c.getAutoCommit());
            assertEquals(Connection.TRANSACTION_REPEATABLE_READ, c.getTransactionIsolation());
            assertEquals(true, c.isReadOnly());
            try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('synchronous_commit'), "
                    + "current_setting('plan_cache_mode'), (SELECT count(*) FROM pg_listening_channels())");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals("on", rs.getString(1));
                assertEquals("auto", rs.getString(2));
                assertEquals(0, rs.getInt(3), "listening on nothing");
            }
            c.rollback();
        }
    }

    /** True if some session of the server last ran a query like {@code pattern} (the store's own work). */
    private boolean lastQueryLike(String pattern) {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid() "
                        + "AND application_name NOT LIKE 'tokenstore%'")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The simplest pool there is: physical connections set up once (auto-commit off, REPEATABLE
     * READ, read-only, {@code synchronous_commit} on) and handed out again as the last borrower
     * left them, trusting borrowers to give them back as they found them.
     */
    private final class TrustingPool implements AutoCloseable {
        final List<Connection> connections = new ArrayList<>();
        final Deque<Connection> idle = new ArrayDeque<>();

        DataSource dataSource() {
            ClassLoader loader = getClass().getClassLoader();
            return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (p, m, args) -> {
                switch (m.getName()) {
                    case "getConnection":
                        return handle(borrow());
                    case "isWrapperFor":
                        return false;
                    case "getLogWriter":
                        return new PrintWriter(System.err);
                    case "toString":
                        return "TrustingPool";
                    default:
                        throw new UnsupportedOperationException(m.getName());
                }
            });
        }

        private synchronized Connection borrow() throws SQLException {
            Connection c = idle.poll();
            if (c != null) {
                return c;
            }
            Properties props = new Properties();
            if (server.user() != null) {
                props.setProperty("user", server.user());
            }
            if (server.password() != null) {
                props.setProperty("password", server.password());
            }
            props.setProperty("currentSchema", schema.name());
            props.setProperty("options", "-c synchronous_commit=on");
            c = DriverManager.getConnection(server.jdbcUrl(), props);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            connections.add(c);
            return c;
        }

        private synchronized void giveBack(Connection c) {
            idle.push(c);
        }

        /** A handle whose close gives the connection back without touching it. */
        private Connection handle(Connection physical) {
            boolean[] closed = {false};
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (p, m, args) -> {
                        if (m.getName().equals("close")) {
                            if (!closed[0]) {
                                closed[0] = true;
                                giveBack(physical);
                            }
                            return null;
                        }
                        if (m.getName().equals("isClosed")) {
                            return closed[0];
                        }
                        return invoke(m, physical, args);
                    });
        }

        @Override
        public synchronized void close() throws SQLException {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
