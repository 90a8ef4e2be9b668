package dev.tokenstore.h2;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.TokenStores;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.jdbc.JdbcTokenStore;
import dev.tokenstore.testing.TestRecords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

/** What the H2 backend does differently from the engine's defaults, checked against a real H2 database. */
class H2DialectTest extends H2Fixture {

    @Test
    void providerIsFoundForH2UrlsAndHasAnEmbeddedDefault() {
        TokenStoreProvider provider = TokenStores.providers().stream().filter(p -> p.name().equals("h2"))
                .findFirst().orElseThrow();
        assertInstanceOf(H2TokenStoreProvider.class, provider);
        assertTrue(provider.accepts("jdbc:h2:./x"));
        assertTrue(provider.accepts("jdbc:h2:mem:x"));
        assertFalse(provider.accepts("jdbc:sqlite:x.db"));
        assertFalse(provider.accepts(null));
        assertEquals(Optional.of("jdbc:h2:./tokenstore"), provider.embeddedDefaultUrl());
        TokenStore store = open();
        assertInstanceOf(JdbcTokenStore.class, store);
        assertTrue(((JdbcTokenStore) store).name().contains("h2"), ((JdbcTokenStore) store).name());
    }

    @Test
    void mergeReplacesTheRowButAnotherSessionsTokenStillFails() throws SQLException {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        store.storeSession(rotated);
        assertEquals(1, count("TOKENSTORE_SESSIONS"), "MERGE replaced the row");
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(rotated), store.loadSessionByAccessToken(rotated.accessToken()));

        StoredSession thief =
                TestRecords.withTokens(data.session("eve"), "at-" + TestRecords.token(), rotated.refreshToken());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of(data.session("bob"), thief)));
        assertTrue(e.getMessage().contains("refreshToken"), e.getMessage());
        assertEquals(1, count("TOKENSTORE_SESSIONS"), "nothing of the failed batch was written");
    }

    @Test
    void textColumnsAreVaryingCharactersNotClobs() throws SQLException {
        open();
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME LIKE 'TOKENSTORE_%'")) {
            java.util.Set<String> types = new java.util.TreeSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            assertTrue(types.contains("CHARACTER VARYING") && types.contains("BIGINT"), "the query sees the tables: " + types);
            assertTrue(java.util.Set.of("CHARACTER VARYING", "BIGINT", "INTEGER").containsAll(types), types.toString());
        }
    }

    @Test
    void cleanupDeletesInBoundedChunksWithFetchFirst() throws SQLException {
        TokenStore store = open(b -> b.property("jdbc.cleanupChunkSize", "4"));
        for (int i = 0; i < 11; i++) {
            store.storeState(data.state(Duration.ofMinutes(1)));
            store.storeAuthCode(data.code(Duration.ofMinutes(1)));
            store.storeSession(data.session("s" + i, "u", Duration.ofMinutes(1), null));
        }
        store.storeState(data.state(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(new CleanupResult(11, 11, 11), store.cleanupExpired());
        assertEquals(1, count("TOKENSTORE_STATES"));
        assertEquals(0, count("TOKENSTORE_AUTH_CODES"));
    }

    @Test
    void noTokenOrSecretIsStoredInTheClear() throws SQLException {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        var client = data.client("app");
        store.storeClient(client);
        var state = data.state(Duration.ofMinutes(5));
        store.storeState(state);
        StringBuilder dump = new StringBuilder();
        try (Connection c = jdbc(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SCRIPT")) {
            while (rs.next()) {
                dump.append(rs.getString(1)).append('\n');
            }
        }
        String all = dump.toString();
        assertTrue(all.contains("TOKENSTORE_SESSIONS"), "the dump holds the tables");
        for (String secret : List.of(s.accessToken(), s.refreshToken(), s.providerAccessToken(),
                s.providerRefreshToken(), client.clientSecret(), state.state(), state.providerCodeVerifier())) {
            assertFalse(all.contains(secret), "a secret is in the clear");
        }
    }

    @Test
    void anUnnamedInMemoryDatabaseIsPrivateToItsStore() {
        TokenStore a = open(b -> b.url("jdbc:h2:mem:"));
        TokenStore b = open(o -> o.url("jdbc:h2:mem:"));
        StoredSession s = data.session("ada");
        a.storeSession(s);
        assertEquals(Optional.of(s), a.loadSessionById(s.sessionId()));
        assertEquals(Optional.empty(), b.loadSessionById(s.sessionId()));
    }

    @Test
    void aNamedInMemoryDatabaseLivesAsLongAsAStoreOnItIsOpen() {
        String url = "jdbc:h2:mem:lifetime-" + TestRecords.token().substring(0, 8);
        TokenStore first = TokenStores.open(options().url(url).build());
        StoredSession s = data.session("ada");
        first.storeSession(s);
        TokenStore second = TokenStores.open(options().url(url).build());
        try {
            assertEquals(Optional.of(s), second.loadSessionById(s.sessionId()), "shared while open");
            first.close();
            assertEquals(Optional.of(s), second.loadSessionById(s.sessionId()), "kept while one store is open");
        } finally {
            second.close();
        }
        TokenStore third = open(o -> o.url(url));
        assertEquals(Optional.empty(), third.loadSessionById(s.sessionId()), "gone once every store closed");
    }

    @Test
    void aCallersDataSourceIsUsedAsGivenAndNotClosed() throws SQLException {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url(), "", "");
        try {
            TokenStore store = open(b -> b.url(null).dataSource(pool));
            StoredSession s = data.session("ada");
            store.storeSession(s);
            store.close();
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM TOKENSTORE_SESSIONS")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the pool still works after the store closed");
            }
        } finally {
            pool.dispose();
        }
    }

    @Test
    void settingsAddALockTimeoutUnlessTheUrlHasOneAndRejectBadValues() {
        TokenStoreOptions.Builder b = TokenStoreOptions.builder().url("jdbc:h2:./x");
        assertEquals("jdbc:h2:./x;LOCK_TIMEOUT=10000", H2Settings.from(b.build()).url);
        assertEquals("jdbc:h2:./x;LOCK_TIMEOUT=250",
                H2Settings.from(b.property("h2.lockTimeoutMillis", "250").build()).url);
        assertEquals("jdbc:h2:./x;lock_timeout=5",
                H2Settings.from(TokenStoreOptions.builder().url("jdbc:h2:./x;lock_timeout=5").build()).url);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> H2Settings.from(TokenStoreOptions.builder().url("jdbc:h2:./x")
                        .property("h2.lockTimeoutMillis", "-1").build()));
        assertTrue(e.getMessage().contains("h2.lockTimeoutMillis"), e.getMessage());
        assertTrue(H2Settings.from(TokenStoreOptions.builder().url("jdbc:h2:mem:;DB_CLOSE_DELAY=0").build()).url
                .matches("jdbc:h2:mem:tokenstore-[0-9a-f-]{36};DB_CLOSE_DELAY=0;LOCK_TIMEOUT=10000"));
    }

    @Test
    void h2LockErrorsAreRetryableAndConnectionErrorsAreLost() {
        H2Dialect dialect = new H2Dialect();
        assertTrue(dialect.isRetryable(new SQLException("Timeout trying to lock table", "HYT00", 50200)));
        assertTrue(dialect.isRetryable(new SQLException("Concurrent update", "90131", 90131)));
        assertTrue(dialect.isRetryable(new SQLException("Deadlock detected", "40001", 40001)));
        assertFalse(dialect.isRetryable(new SQLException("Unique index violation", "23505", 23505)));
        assertTrue(dialect.isUniqueViolation(new SQLException("Unique index violation", "23505", 23505)));
        assertTrue(dialect.isConnectionLost(new SQLException("Connection is broken", "90067", 90067)));
        assertFalse(dialect.isConnectionLost(new SQLException("Syntax error", "42000", 42000)));
    }

    private long count(String table) throws SQLException {
        try (Connection c = jdbc(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
