package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.UserInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * What the engine's tests over a real SQLite database share: the database file in a fresh
 * temporary directory, stores opened with the {@link SqlDialect} defaults over
 * {@link DataSourceConnectionSource} (closed after each test), a fixed clock, and records.
 */
abstract class EngineTestSupport {
    static final byte[] KEY = "engine-test-key-of-exactly-32-b!".getBytes(StandardCharsets.US_ASCII);
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** The key of every store this test opens, for writing the earlier formats. */
    static final TokenStoreOptions KEYED = TokenStoreOptions.builder().encryptionKey(KEY).build();

    @TempDir
    Path dir;
    final List<JdbcTokenStore> opened = new ArrayList<>();
    final AtomicInteger sourcesClosed = new AtomicInteger();

    /** Standard SQL defaults; SQLite's error codes only (xerial sets no SQLState). */
    static final class StandardDialect implements SqlDialect {
        @Override
        public String name() {
            return "standard";
        }

        @Override
        public boolean isUniqueViolation(SQLException e) {
            return SqlErrors.chain(e).stream().anyMatch(x -> SqlErrors.mentions(x, "UNIQUE constraint failed"));
        }

        @Override
        public boolean isRetryable(SQLException e) {
            return SqlErrors.chain(e).stream().anyMatch(x -> (x.getErrorCode() & 0xff) == 5
                    || (x.getErrorCode() & 0xff) == 6);
        }
    }

    @AfterEach
    void closeAll() {
        opened.forEach(JdbcTokenStore::close);
    }

    SQLiteDataSource dataSource() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(10_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("engine.db"));
        return ds;
    }

    JdbcTokenStore open(Clock clock, String... properties) {
        return open(TokenStoreOptions.builder().clock(clock).encryptionKey(KEY), properties);
    }

    JdbcTokenStore open(TokenStoreOptions.Builder options, String... properties) {
        for (int i = 0; i < properties.length; i += 2) {
            options.property(properties[i], properties[i + 1]);
        }
        ConnectionSource source = new DataSourceConnectionSource(dataSource(), "engine.db",
                sourcesClosed::incrementAndGet);
        JdbcTokenStore store = JdbcTokenStore.builder(options.build(), new StandardDialect(), source).build();
        opened.add(store);
        return store;
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    static StoredSession session(String id, String accessToken, String refreshToken, Duration access) {
        return new StoredSession(id, "github", UserInfo.of("github", "user-" + id), accessToken, refreshToken,
                "provider-at", null, null, T0.plus(access), refreshToken == null ? null : T0.plus(Duration.ofDays(1)),
                T0, T0);
    }

    /** An app client with the given secret, as the migration tests store it. */
    static ClientRecord client(String secret) {
        return new ClientRecord("app", secret, "client_secret_basic", List.of("https://r"),
                List.of("authorization_code"), List.of("code"), null, null, T0);
    }

    /** An auth code of the app client for {@code sessionId}, valid for a minute from T0. */
    static AuthCodeRecord code(String code, String sessionId) {
        return new AuthCodeRecord(code, sessionId, "app", "https://r", "challenge", "S256", List.of(),
                T0.plusSeconds(60), T0);
    }

    /** Opens a store over the test database with a key the database was not written with. */
    JdbcTokenStore openWithAnotherKey() {
        byte[] other = "another-engine-key-of-32-bytes!!".getBytes(StandardCharsets.US_ASCII);
        return JdbcTokenStore.builder(TokenStoreOptions.builder().clock(at(T0)).encryptionKey(other).build(),
                new StandardDialect(), new DataSourceConnectionSource(dataSource(), "engine.db",
                        sourcesClosed::incrementAndGet)).build();
    }

    int maxVersion() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(version) FROM tokenstore_schema_version")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Whether a table with a session_hash column is there, by the metadata query the migrations use. */
    boolean tableExists(String table) throws SQLException {
        try (Connection c = dataSource().getConnection()) {
            return TableCopy.hasColumn(c, table, "session_hash");
        }
    }
}
