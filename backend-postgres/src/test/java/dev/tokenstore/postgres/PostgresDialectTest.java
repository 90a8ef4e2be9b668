package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.TokenStores;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.jdbc.JdbcTokenStore;
import dev.tokenstore.testing.ConsumeRace;
import dev.tokenstore.testing.TestRecords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the PostgreSQL backend does differently from the engine's defaults, on a real server. */
class PostgresDialectTest extends PostgresFixture {

    @Test
    void providerIsFoundForPostgresUrlsAndHasNoEmbeddedDefault() {
        TokenStoreProvider provider = TokenStores.providers().stream().filter(p -> p.name().equals("postgres"))
                .findFirst().orElseThrow();
        assertInstanceOf(PostgresTokenStoreProvider.class, provider);
        assertTrue(provider.accepts("jdbc:postgresql://db:5432/app"));
        assertFalse(provider.accepts("jdbc:h2:./x"));
        assertFalse(provider.accepts(null));
        assertEquals(Optional.empty(), provider.embeddedDefaultUrl());
        JdbcTokenStore store = (JdbcTokenStore) open();
        assertTrue(store.name().contains("postgres") && store.name().contains(schema.name()), store.name());
    }

    @Test
    void aServerBefore13IsRefusedNamingItsVersionAndWhatNeeds13() {
        dev.tokenstore.TokenStoreException e = assertThrows(dev.tokenstore.TokenStoreException.class,
                () -> PostgresDialect.requireSupported(12, "12.19 (Debian 12.19-1)"));
        assertTrue(e.getMessage().contains("12.19 (Debian 12.19-1)"), e.getMessage());
        assertTrue(e.getMessage().contains("PostgreSQL 13 or later"), e.getMessage());
        assertTrue(e.getMessage().contains("pg_current_xact_id") && e.getMessage().contains("pg_snapshot_xmin"),
                e.getMessage());
        assertThrows(dev.tokenstore.TokenStoreException.class, () -> PostgresDialect.requireSupported(9, "9.6.24"));
        assertDoesNotThrow(() -> PostgresDialect.requireSupported(13, "13.0"));
        assertDoesNotThrow(() -> PostgresDialect.requireSupported(17, "17.2"));
        open(); // the server this runs on (17) opens: the check reads the real version through the same method
    }

    @Test
    void upsertReplacesTheRowAndConsumeIsOneDeleteReturning() throws SQLException {
        assertTrue(new PostgresDialect(null).supportsDeleteReturning());
        TokenStore store = open();
        StateRecord state = data.state(Duration.ofMinutes(5));
        StateRecord replacement = new StateRecord(state.state(), "client-2", "https://other.example/cb", null, null,
                null, null, List.of(), state.expiresAt(), state.createdAt());
        store.storeState(state);
        store.storeState(replacement);
        assertEquals(1, count("tokenstore_states"));
        assertEquals(Optional.of(replacement), store.consumeState(state.state()));
        assertEquals(Optional.empty(), store.consumeState(state.state()));
        assertEquals(0, count("tokenstore_states"));
    }

    @Test
    void bulkStoreThroughUnnestEndsExactlyLikeLoopingSingleCalls() throws SQLException {
        TokenStore bulk = open();
        TokenStore loop;
        try (var loopSchema = server.createSchema()) {
            loop = TokenStores.open(loopSchema.configure(TokenStoreOptions.builder()).clock(clock).encryptionKey(KEY)
                    .build());
            try {
                List<StoredSession> existing = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    existing.add(data.session("user" + (i % 3)));
                }
                existing.forEach(bulk::storeSession);
                existing.forEach(loop::storeSession);

                // distinct ids: one unnest statement; replaces one existing session and hands its old
                // access token to a new session later in the same batch
                List<StoredSession> batch = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    batch.add(data.session("user" + (i % 4)));
                }
                StoredSession replaced = data.rotated(existing.get(5));
                batch.add(replaced);
                StoredSession heir = TestRecords.withTokens(data.session("heir"), existing.get(5).accessToken(), null);
                batch.add(heir);
                ((BulkSessionStore) bulk).bulkStoreSessions(batch);
                batch.forEach(loop::storeSession);
                assertEquals(Optional.of(heir), bulk.loadSessionByAccessToken(existing.get(5).accessToken()));

                // a repeated id: the batch path, later write wins
                StoredSession first = data.session("dup");
                StoredSession firstAgain = data.rotated(first);
                List<StoredSession> withRepeat = List.of(first, data.session("other"), firstAgain);
                ((BulkSessionStore) bulk).bulkStoreSessions(withRepeat);
                withRepeat.forEach(loop::storeSession);
                assertEquals(Optional.of(firstAgain), bulk.loadSessionById(first.sessionId()));
                assertEquals(Optional.empty(), bulk.loadSessionByAccessToken(first.accessToken()));

                List<StoredSession> all = new ArrayList<>(existing);
                all.addAll(batch);
                all.addAll(withRepeat);
                for (StoredSession s : all) {
                    assertEquals(loop.loadSessionById(s.sessionId()), bulk.loadSessionById(s.sessionId()));
                    assertEquals(loop.loadSessionByAccessToken(s.accessToken()),
                            bulk.loadSessionByAccessToken(s.accessToken()));
                    if (s.refreshToken() != null) {
                        assertEquals(loop.loadSessionByRefreshToken(s.refreshToken()),
                                bulk.loadSessionByRefreshToken(s.refreshToken()));
                    }
                }
                assertEquals(20 + 30 + 1 + 2, count("tokenstore_sessions"), "existing, batch, heir, dup and other");
            } finally {
                loop.close();
            }
        }
    }

    @Test
    void bulkStoreWithinOneStatementStillRefusesATakenTokenAndWritesNothing() throws SQLException {
        TokenStore store = open();
        StoredSession holder = data.session("ada");
        store.storeSession(holder);
        StoredSession good = data.session("bob");
        StoredSession thief =
                TestRecords.withTokens(data.session("eve"), "at-" + TestRecords.token(), holder.refreshToken());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of(good, thief)));
        assertTrue(e.getMessage().contains("refreshToken"), e.getMessage());
        StoredSession one = data.session("x");
        StoredSession two = TestRecords.withTokens(data.session("y"), one.accessToken(), null);
        e = assertThrows(IllegalArgumentException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of(one, two)));
        assertTrue(e.getMessage().contains("accessToken"), e.getMessage());
        assertEquals(1, count("tokenstore_sessions"));
    }

    @Test
    void largeBulkStoreAndBulkDeleteSpanSeveralArrays() throws SQLException {
        TokenStore store = open();
        List<StoredSession> many = new ArrayList<>();
        for (int i = 0; i < PostgresDialect.ARRAY_CHUNK + 123; i++) {
            many.add(data.session("sid-" + i, "u" + (i % 10), Duration.ofHours(1), null));
        }
        ((BulkSessionStore) store).bulkStoreSessions(many);
        assertEquals(many.size(), count("tokenstore_sessions"));
        assertEquals(Optional.of(many.get(PostgresDialect.ARRAY_CHUNK + 7)),
                store.loadSessionByAccessToken(many.get(PostgresDialect.ARRAY_CHUNK + 7).accessToken()));
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < many.size(); i += 2) {
            hashes.add(many.get(i).accessTokenHash());
        }
        hashes.add(TokenHash.sha256Hex("never-stored"));
        int expected = (many.size() + 1) / 2;
        assertEquals(expected, ((BulkSessionStore) store).bulkDeleteSessionsByHash(hashes));
        assertEquals(many.size() - expected, count("tokenstore_sessions"));
        assertEquals(0, ((BulkSessionStore) store).bulkDeleteSessionsByHash(hashes));
    }

    @Test
    void tablesLiveInTheConfiguredSchemaWhichIsCreatedIfMissing() throws Exception {
        String fresh = "TS_Created_" + TestRecords.token().replaceAll("[^A-Za-z0-9]", "").substring(0, 8);
        String folded = fresh.toLowerCase(java.util.Locale.ROOT);
        try {
            TokenStore store = open(b -> b.property("postgres.schema", fresh));
            StoredSession s = data.session("ada");
            store.storeSession(s);
            try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE 'tokenstore_%'")) {
                ps.setString(1, folded);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(10, rs.getInt(1), "states, codes, sessions, clients, retired refresh tokens, "
                            + "revoked sessions, change log and its counter, key checks, and the version table");
                }
            }
            try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = ?")) {
                ps.setString(1, schema.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "nothing went to the fixture's schema");
                }
            }
            TokenStore again = open(b -> b.property("postgres.schema", folded));
            assertEquals(Optional.of(s), again.loadSessionById(s.sessionId()), "an existing schema is reused");
        } finally {
            closeStoresAndDropSchema();
            schema = server.createSchema();
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + folded + " CASCADE");
            }
        }
    }

    @Test
    void twoStoresOpeningANewSchemaAtOnceMigrateItOnce() throws Exception {
        List<Throwable> failures = ConsumeRace.run("pg-race", 4, t -> open(b -> b.poolSize(2)));
        assertEquals(List.of(), failures);
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema.name() + ".tokenstore_schema_version")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "created once: one record, the current version");
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheProperty() {
        for (String bad : List.of("1abc", "a-b", "x;drop", "a b", "x".repeat(64))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> open(b -> b.property("postgres.schema", bad)));
            assertTrue(e.getMessage().contains("postgres.schema"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(b -> b.property("postgres.connectTimeoutSeconds", "0")));
        assertTrue(e.getMessage().contains("postgres.connectTimeoutSeconds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> open(b -> b.property("postgres.socketTimeoutSeconds", "-1")));
        assertTrue(e.getMessage().contains("postgres.socketTimeoutSeconds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> open(b -> b.dataSource(new org.postgresql.ds.PGSimpleDataSource())));
        assertTrue(e.getMessage().contains("postgres.schema"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PostgresTokenStoreProvider()
                .open(TokenStoreOptions.builder().url("jdbc:h2:./x").build()));
        assertTrue(e.getMessage().contains("url"), e.getMessage());
    }

    @Test
    void thePoolIsNamedAndHoldsAtMostPoolSizeConnections() throws Exception {
        TokenStore store = open(b -> b.poolSize(3));
        StoredSession s = data.session("ada");
        store.storeSession(s);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("tokenstore-postgres-") && t.isDaemon()),
                "Hikari's threads carry the pool name and are daemons");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger most = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tokenstore'")) {
                while (!done.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        most.accumulateAndGet(rs.getInt(1), Math::max);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "pool-sampler");
        sampler.setDaemon(true);
        sampler.start();
        List<Throwable> failures = ConsumeRace.run("pg-race", 16, t -> {
            for (int i = 0; i < 50; i++) {
                assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
            }
        });
        done.set(true);
        sampler.join();
        assertEquals(List.of(), failures);
        assertTrue(most.get() >= 1 && most.get() <= 3, "connections seen: " + most.get());
    }

    @Test
    void aCallersDataSourceIsUsedAsGivenAndNotClosed() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.addDataSourceProperty("currentSchema", schema.name());
        config.setMaximumPoolSize(2);
        config.setPoolName("callers-pool");
        try (HikariDataSource ds = new HikariDataSource(config)) {
            // the URL still picks the backend; the data source is what the store uses
            TokenStore store = open(b -> b.property("postgres.schema", null).dataSource(ds));
            StoredSession s = data.session("ada");
            store.storeSession(s);
            store.close();
            assertFalse(ds.isClosed(), "the store does not close a caller's data source");
            assertEquals(1, count("tokenstore_sessions"));
        }
    }

    @Test
    void noTokenOrSecretIsStoredInTheClear() throws SQLException {
        TokenStore store = open();
        // a user id long enough not to turn up by chance in hex hashes or base64 ("ada" is hex: it did)
        StoredSession s = data.session("ada-lovelace@example.org");
        store.storeSession(s);
        var client = data.client("app");
        store.storeClient(client);
        StateRecord state = data.state(Duration.ofMinutes(5));
        store.storeState(state);
        StringBuilder dump = new StringBuilder();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            for (String table : List.of("states", "auth_codes", "sessions", "clients")) {
                try (ResultSet rs = st.executeQuery("SELECT t::text FROM " + schema.name() + ".tokenstore_" + table + " t")) {
                    while (rs.next()) {
                        dump.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        String all = dump.toString();
        assertTrue(all.contains(s.accessTokenHash()), "the dump holds the rows");
        for (String secret : List.of(s.sessionId(), s.userId(), s.accessToken(), s.refreshToken(), s.providerAccessToken(),
                s.providerRefreshToken(), client.clientSecret(), state.state(), state.providerCodeVerifier())) {
            assertFalse(all.contains(secret), "a secret is in the clear: " + secret);
        }
    }

    @Test
    void errorsAreClassifiedForRetryAndReconnect() {
        PostgresDialect dialect = new PostgresDialect(null);
        assertTrue(dialect.isConnectionLost(new SQLException("An I/O error occurred", "08006")));
        assertTrue(dialect.isConnectionLost(new SQLException("terminating connection due to administrator command",
                "57P01")));
        assertFalse(dialect.isConnectionLost(new SQLTransientConnectionException("pool timed out", "08001")),
                "a pool timeout already waited the whole connect timeout");
        assertFalse(dialect.isConnectionLost(new SQLException("syntax error", "42601")));
        assertTrue(dialect.isRetryable(new SQLException("could not serialize", "40001")));
        assertTrue(dialect.isRetryable(new SQLException("deadlock detected", "40P01")));
        assertTrue(dialect.isUniqueViolation(new SQLException("duplicate key value", "23505")));
    }
}
