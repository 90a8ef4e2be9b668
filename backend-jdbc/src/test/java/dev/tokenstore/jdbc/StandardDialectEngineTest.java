package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The engine with the {@link SqlDialect} defaults (no {@code RETURNING}: select + delete with a
 * row-count check; {@code setAutoCommit} transactions; {@code IN}-list deletes; {@code LIMIT}
 * cleanup chunks) over {@link DataSourceConnectionSource}, on a real database: SQLite through
 * xerial's plain {@link SQLiteDataSource}, a new connection per lease. Only the error
 * classification is SQLite's, because xerial reports no SQLState.
 */
class StandardDialectEngineTest {
    private static final byte[] KEY = "engine-test-key-of-exactly-32-b!".getBytes(StandardCharsets.US_ASCII);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** The key of every store this test opens, for writing the earlier formats. */
    private static final TokenStoreOptions KEYED = TokenStoreOptions.builder().encryptionKey(KEY).build();

    @TempDir
    Path dir;
    private final List<JdbcTokenStore> opened = new ArrayList<>();
    private final AtomicInteger sourcesClosed = new AtomicInteger();

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

    private SQLiteDataSource dataSource() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(10_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("engine.db"));
        return ds;
    }

    private JdbcTokenStore open(Clock clock, String... properties) {
        return open(TokenStoreOptions.builder().clock(clock).encryptionKey(KEY), properties);
    }

    private JdbcTokenStore open(TokenStoreOptions.Builder options, String... properties) {
        for (int i = 0; i < properties.length; i += 2) {
            options.property(properties[i], properties[i + 1]);
        }
        ConnectionSource source = new DataSourceConnectionSource(dataSource(), "engine.db",
                sourcesClosed::incrementAndGet);
        JdbcTokenStore store = JdbcTokenStore.builder(options.build(), new StandardDialect(), source).build();
        opened.add(store);
        return store;
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static StoredSession session(String id, String accessToken, String refreshToken, Duration access) {
        return new StoredSession(id, "github", UserInfo.of("github", "user-" + id), accessToken, refreshToken,
                "provider-at", null, null, T0.plus(access), refreshToken == null ? null : T0.plus(Duration.ofDays(1)),
                T0, T0);
    }

    @Test
    void selectAndDeleteConsumeIsOneTimeUnderSixteenThreads() throws Exception {
        JdbcTokenStore store = open(at(T0));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 5; round++) {
                StateRecord state = new StateRecord("state-" + UUID.randomUUID(), "c", "https://r", null, null,
                        "verifier", null, List.of(), T0.plusSeconds(60), T0);
                store.storeState(state);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.consumeState(state.state()).isPresent();
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, winners, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void defaultPathsRoundTripAndExpire() {
        JdbcTokenStore store = open(at(T0), "jdbc.cleanupChunkSize", "2", "jdbc.tablePrefix", "eng_");
        AuthCodeRecord code = new AuthCodeRecord("code-1", "sid", "c", "https://r", "challenge", "S256",
                List.of("openid"), T0.plusSeconds(30), T0);
        store.storeAuthCode(code);
        assertEquals(Optional.of(code), store.consumeAuthCode("code-1"));
        assertEquals(Optional.empty(), store.consumeAuthCode("code-1"));

        StoredSession a = session("a", "at-a", "rt-a", Duration.ofMinutes(5));
        StoredSession b = session("b", "at-b", null, Duration.ofMinutes(5));
        store.storeSession(a);
        store.storeSession(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.storeSession(session("c", "at-c", "rt-a", Duration.ofMinutes(5))));
        assertTrue(e.getMessage().contains("refreshToken"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> store.bulkStoreSessions(List.of(session("d", "at-d", null, Duration.ofMinutes(1)),
                        session("e", "at-a", null, Duration.ofMinutes(1)))));
        assertTrue(e.getMessage().contains("accessToken"), e.getMessage());
        assertEquals(Optional.empty(), store.loadSessionById("d"), "all or nothing");

        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            hashes.add(TokenHash.sha256Hex("unknown-" + i));
        }
        hashes.add(TokenHash.sha256Hex("at-b"));
        assertEquals(1, store.bulkDeleteSessionsByHash(hashes), "IN lists in chunks of 500");

        for (int i = 0; i < 5; i++) {
            store.storeState(new StateRecord("s" + i, "c", "https://r", null, null, null, null, List.of(),
                    T0.plusSeconds(10), T0));
        }
        store.storeSession(session("short", "at-short", null, Duration.ofSeconds(10)));
        JdbcTokenStore later = open(at(T0.plusSeconds(10)), "jdbc.cleanupChunkSize", "2", "jdbc.tablePrefix", "eng_");
        assertEquals(Optional.empty(), later.loadSessionById("short"));
        assertEquals(Optional.of(a), later.loadSessionById("a"));
        assertEquals(new CleanupResult(5, 0, 1), later.cleanupExpired());
        assertEquals(CleanupResult.NONE, later.cleanupExpired());
    }

    @Test
    void inTransactionWithSetAutoCommitCommitsOrRollsBack() {
        JdbcTokenStore store = open(at(T0));
        StoredSession a = session("a", "at-a", "rt-a", Duration.ofMinutes(5));
        store.inTransaction(tx -> {
            tx.storeSession(a);
            return null;
        });
        RuntimeException boom = new TokenStoreException("work failed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> store.inTransaction(tx -> {
            tx.deleteSessionById("a");
            throw boom;
        }));
        assertSame(boom, thrown, "the work's own exception, unwrapped");
        assertEquals(Optional.of(a), store.loadSessionByRefreshToken("rt-a"));
    }

    @Test
    void aTransactionPublishesItsChangesAsOneLogRowAndARolledBackOneNone() throws SQLException {
        JdbcTokenStore store = open(at(T0));
        StoredSession a = session("a", "at-a", "rt-a", Duration.ofMinutes(5));
        StoredSession b = session("b", "at-b", "rt-b", Duration.ofMinutes(5));
        StoredSession c = session("c", "at-c", "rt-c", Duration.ofMinutes(5));
        store.inTransaction(tx -> {
            tx.storeSession(a);
            tx.storeSession(b);
            tx.storeSession(c);
            tx.deleteSessionById("b");
            return null;
        });
        assertThrows(IllegalStateException.class, () -> store.inTransaction(tx -> {
            tx.deleteSessionById("a");
            throw new IllegalStateException("work failed");
        }));
        store.deleteSessionById("missing"); // touched nothing: publishes nothing
        List<String> payloads = new ArrayList<>();
        try (Connection conn = dataSource().getConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT payload FROM tokenstore_change_log ORDER BY seq")) {
            while (rs.next()) {
                payloads.add(rs.getString(1));
            }
        }
        assertEquals(1, payloads.size(), "one row for the committed unit of work, none for the rolled-back one: "
                + payloads);
        dev.tokenstore.ChangeEvent event = ChangeCodec.decode(payloads.get(0));
        assertEquals(java.util.Set.of(dev.tokenstore.ChangeEvent.keyOf("a"), dev.tokenstore.ChangeEvent.keyOf("b"),
                dev.tokenstore.ChangeEvent.keyOf("c")), event.sessionIdHashes());
        assertTrue(event.tokenHashes().containsAll(java.util.Set.of(TokenHash.sha256Hex("at-a"), TokenHash.sha256Hex("rt-c"))),
                "the tokens of every session the unit of work wrote");
    }

    @Test
    void migrationIsRecordedAndANewerDatabaseIsRefused() throws SQLException {
        JdbcTokenStore store = open(at(T0));
        assertEquals("tokenstore_", store.tablePrefix());
        store.close();
        assertEquals(1, sourcesClosed.get());
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT version, applied_at FROM tokenstore_schema_version ORDER BY version")) {
                assertTrue(rs.next(), "a fresh database is created at the current version directly");
                assertEquals(Schema.CURRENT_VERSION, rs.getInt(1));
                assertEquals(T0.toEpochMilli(), rs.getLong(2));
                assertFalse(rs.next(), "no earlier version was built on the way");
            }
            st.executeUpdate("INSERT INTO tokenstore_schema_version VALUES (" + (Schema.CURRENT_VERSION + 1) + ", 0)");
        }
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> open(at(T0)));
        assertTrue(e.getMessage().contains("schema version " + (Schema.CURRENT_VERSION + 1))
                && e.getMessage().contains("engine.db"),
                e.getMessage());
        assertEquals(2, sourcesClosed.get(), "a failed open closes the connection source");
    }

    @Test
    void aFreshDatabaseHasTheSchemaThatEveryStepFromVersionTwoBuilds() throws SQLException {
        open(at(T0)).close();
        List<String> baseline = schemaObjects();
        assertEquals(1, changeCounterRows(), "the change log's counter row");

        JdbcTokenStore writer = open(at(T0));
        PreviousFormat.writeVersion2(writer, KEYED, List.of(), List.of(), List.of(), List.of());
        writer.close();
        assertEquals(2, maxVersion());
        open(at(T0)).close();
        assertEquals(Schema.CURRENT_VERSION, maxVersion());
        assertEquals(baseline, schemaObjects(), "tables and indexes, with their DDL, as the steps leave them");
        assertEquals(1, changeCounterRows());
    }

    @Test
    void anEarlierReleasesFirstMigrationCutShortIsMigratedStepByStep() throws SQLException {
        Schema schema = new Schema("tokenstore_");
        try (Connection c = dataSource().getConnection()) {
            // version 1's tables committed, its version row not (where each DDL statement commits)
            SqlDialect.execute(c, schema.createVersionTable(new StandardDialect()));
            for (String statement : schema.migrationTo(1, new StandardDialect())) {
                SqlDialect.execute(c, statement);
            }
        }
        JdbcTokenStore store = open(at(T0));
        StoredSession s = session("sid-cut", "at-cut", "rt-cut", Duration.ofHours(1));
        store.storeSession(s);
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken("rt-cut"));
        assertEquals(Schema.CURRENT_VERSION, maxVersion());
        assertTrue(tableExists("tokenstore_sessions"), "the version-1 sessions table was replaced, not kept");
        assertEquals(1, changeCounterRows());
    }

    /** Every table and index of the store, with the DDL SQLite keeps for it, by name. */
    private List<String> schemaObjects() throws SQLException {
        List<String> objects = new ArrayList<>();
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT type, name, sql FROM sqlite_master "
                     + "WHERE name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (rs.next()) {
                objects.add(rs.getString(1) + " " + rs.getString(2) + ": " + rs.getString(3));
            }
        }
        assertTrue(objects.size() > 10, "tables and indexes found: " + objects);
        return objects;
    }

    private int changeCounterRows() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tokenstore_change_seq")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    @Test
    void aMissingKeyClosesTheSourceAndSaysWhatToDo() {
        ConnectionSource source = new DataSourceConnectionSource(dataSource(), "engine.db",
                sourcesClosed::incrementAndGet);
        // The options' environment is empty, whatever this JVM's TOKENSTORE_ENCRYPTION_KEY is.
        TokenStoreOptions noKey = TokenStoreOptions.builder().environment(name -> null).build();
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> JdbcTokenStore.builder(noKey, new StandardDialect(), source).build());
        assertTrue(e.getMessage().contains("encryption key"), e.getMessage());
        assertEquals(1, sourcesClosed.get());

        // the other branch: the same options with the key in their environment open, and encrypt with it
        TokenStoreOptions keyInEnv = TokenStoreOptions.builder().clock(at(T0)).environment(
                java.util.Map.of(TokenStoreOptions.ENCRYPTION_KEY_ENV, java.util.Base64.getEncoder().encodeToString(KEY))::get)
                .build();
        StoredSession s = session("env", "at-env", null, Duration.ofHours(1));
        try (JdbcTokenStore fromEnv = JdbcTokenStore.builder(keyInEnv, new StandardDialect(),
                new DataSourceConnectionSource(dataSource(), "engine.db", sourcesClosed::incrementAndGet)).build()) {
            fromEnv.storeSession(s);
        }
        assertEquals(Optional.of(s), open(at(T0)).loadSessionByAccessToken("at-env"), "the builder's copy of the key reads it");
    }

    @Test
    void aVersionTwoDatabaseMigratesThroughVersionThreeToTheCurrentVersion() throws Exception {
        StoredSession s = session("sid-old", "at-old", "rt-old", Duration.ofHours(1));
        ClientRecord client = client("secret-old");
        StateRecord state = new StateRecord("state-old", "app", "https://r", "challenge", "S256", "verifier", "cs",
                List.of(), T0.plusSeconds(60), T0);
        AuthCodeRecord code = code("code-old", "sid-old");
        JdbcTokenStore writer = open(at(T0));
        PreviousFormat.writeVersion2(writer, KEYED, List.of(s), List.of(client), List.of(state), List.of(code));
        writer.close();
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT session_id, user_id, access_token_enc FROM tokenstore_sessions")) {
            assertTrue(rs.next());
            assertEquals("sid-old", rs.getString(1), "version 2 kept the session id in the clear");
            assertTrue(rs.getString(3).startsWith("ts1:default:"), "format 1 values");
        }
        // the wrong key for the id is refused before anything is migrated
        TokenStoreException wrong = assertThrows(TokenStoreException.class, this::openWithAnotherKey);
        assertTrue(wrong.getMessage().contains("'default'"), wrong.getMessage());

        JdbcTokenStore migrated = open(at(T0));
        assertEquals(Optional.of(s), migrated.loadSessionByRefreshToken("rt-old"), "old rows survive");
        assertEquals(Optional.of(s), migrated.loadSessionById("sid-old"), "found by id (now by its hash)");
        assertEquals(Optional.of(client), migrated.loadClient("app"));
        assertEquals(Optional.of(state), migrated.consumeState("state-old"));
        assertEquals(Optional.of(code), migrated.consumeAuthCode("code-old"));
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT session_hash, session_id_enc, user_key, secrets_enc "
                     + "FROM tokenstore_sessions")) {
            assertTrue(rs.next());
            assertEquals(TokenHash.sha256Hex("sid-old"), rs.getString(1));
            for (int i = 2; i <= 4; i++) {
                assertFalse(rs.getString(i).contains("sid-old") || rs.getString(i).contains("user-sid-old"),
                        rs.getString(i));
            }
        }
        StoredSession next = session("sid-old", "at-new", "rt-new", Duration.ofHours(1));
        assertEquals(new Rotation.Rotated(s), migrated.rotateSession("rt-old", next), "rotation works");
        assertEquals(new Rotation.Reused("sid-old"), migrated.rotateSession("rt-old",
                session("sid-old", "at-x", "rt-x", Duration.ofHours(1))));
        assertEquals(0, migrated.deleteSessionsByUser("user-sid-old"), "reuse revoked it");
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(version) FROM tokenstore_schema_version")) {
            assertTrue(rs.next());
            assertEquals(Schema.CURRENT_VERSION, rs.getInt(1));
        }
    }

    @Test
    void aVersionThreeDatabaseMigratesToVersionFourWithOneSecretsValuePerSession() throws Exception {
        StoredSession s = session("sid-3", "at-three-access", "rt-three-refresh", Duration.ofHours(1));
        StoredSession noRefresh = session("sid-3b", "at-three-b", null, Duration.ofHours(1));
        ClientRecord client = client("secret-3");
        AuthCodeRecord code = code("code-3", "sid-3");
        JdbcTokenStore writer = open(at(T0));
        PreviousFormat.writeVersion3(writer, List.of(s, noRefresh), List.of(client), List.of(), List.of(code));
        writer.close();
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT access_token_enc, user_info_enc FROM tokenstore_sessions")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("ts2:default:"), "version 3 wrote format 2, one value a column");
        }
        // a wrong key fails at its check value, naming the key id, before anything is converted
        TokenStoreException wrong = assertThrows(TokenStoreException.class, this::openWithAnotherKey);
        assertTrue(wrong.getMessage().contains("'default'"), wrong.getMessage());
        assertEquals(3, maxVersion(), "nothing was migrated");

        JdbcTokenStore migrated = open(at(T0), "jdbc.unboundValues", "refuse");
        assertEquals(Optional.of(s), migrated.loadSessionByAccessToken("at-three-access"));
        assertEquals(Optional.of(s), migrated.loadSessionById("sid-3"));
        assertEquals(Optional.of(s), migrated.loadSessionByRefreshToken("rt-three-refresh"));
        assertEquals(Optional.of(noRefresh), migrated.loadSessionByAccessToken("at-three-b"));
        assertEquals(Optional.of(client), migrated.loadClient("app"));
        assertEquals(Optional.of(code), migrated.consumeAuthCode("code-3"));
        assertEquals(Schema.CURRENT_VERSION, maxVersion());
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT secrets_enc FROM tokenstore_sessions")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                String value = rs.getString(1);
                assertTrue(value.startsWith("ts2:default:"), "one format-2 value");
                for (String secret : List.of("at-three-access", "rt-three-refresh", "user-sid-3", "provider-at")) {
                    assertFalse(value.contains(secret), secret + " in the clear");
                }
            }
            assertEquals(2, rows);
        }
        assertFalse(tableExists("tokenstore_sessions_v3"), "the set-aside table is gone");
        assertEquals(1, migrated.deleteSessionsByUser("user-sid-3"), "the user index came along");
        assertEquals(Optional.of(noRefresh), migrated.loadSessionById("sid-3b"));
    }

    @Test
    void aPlaintextVersionThreeDatabaseMigratesAndStaysReadableWithoutAKey() {
        StoredSession s = session("sid-plain", "at-plain-token", "rt-plain-token", Duration.ofHours(1));
        TokenStoreOptions.Builder plaintext = TokenStoreOptions.builder().clock(at(T0))
                .environment(name -> null).allowPlaintext(true);
        JdbcTokenStore writer = open(plaintext);
        PreviousFormat.writeVersion3(writer, List.of(s), List.of(), List.of(), List.of());
        writer.close();
        JdbcTokenStore migrated = open(plaintext);
        assertEquals(Optional.of(s), migrated.loadSessionByRefreshToken("rt-plain-token"));
        assertEquals(1, migrated.deleteSessionsByUser("user-sid-plain"));
    }

    /** An app client with the given secret, as the migration tests store it. */
    private static ClientRecord client(String secret) {
        return new ClientRecord("app", secret, "client_secret_basic", List.of("https://r"),
                List.of("authorization_code"), List.of("code"), null, null, T0);
    }

    /** An auth code of the app client for {@code sessionId}, valid for a minute from T0. */
    private static AuthCodeRecord code(String code, String sessionId) {
        return new AuthCodeRecord(code, sessionId, "app", "https://r", "challenge", "S256", List.of(),
                T0.plusSeconds(60), T0);
    }

    /** Opens a store over the test database with a key the database was not written with. */
    private JdbcTokenStore openWithAnotherKey() {
        byte[] other = "another-engine-key-of-32-bytes!!".getBytes(StandardCharsets.US_ASCII);
        return JdbcTokenStore.builder(TokenStoreOptions.builder().clock(at(T0)).encryptionKey(other).build(),
                new StandardDialect(), new DataSourceConnectionSource(dataSource(), "engine.db",
                        sourcesClosed::incrementAndGet)).build();
    }

    private int maxVersion() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(version) FROM tokenstore_schema_version")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Whether a table with a session_hash column is there, by the metadata query the migrations use. */
    private boolean tableExists(String table) throws SQLException {
        try (Connection c = dataSource().getConnection()) {
            return TableCopy.hasColumn(c, table, "session_hash");
        }
    }

    @Test
    void aStoreSetToRefuseUnboundValuesRefusesFormatOneUntilReencrypted() {
        StoredSession s = session("sid-old", "at-old", "rt-old", Duration.ofHours(1));
        ClientRecord client = client("secret-old");
        JdbcTokenStore writer = open(at(T0));
        PreviousFormat.writeVersion2(writer, KEYED, List.of(s), List.of(client), List.of(), List.of());
        writer.close();
        assertEquals(Optional.of(s), open(at(T0)).loadSessionByAccessToken("at-old"),
                "by default format-1 values read back after the migration");

        JdbcTokenStore strict = open(at(T0), "jdbc.unboundValues", "refuse");
        TokenStoreException refused = assertThrows(TokenStoreException.class, () -> strict.loadClient("app"));
        assertTrue(refused.getMessage().contains("client_secret_enc")
                && refused.getMessage().contains("jdbc.unboundValues=refuse"), refused.getMessage());
        assertFalse(refused.getMessage().contains("secret-old"), "no value in the message");
        assertEquals(Optional.of(s), strict.loadSessionByAccessToken("at-old"),
                "the version-4 step re-encrypted the session's tokens and user JSON as one bound value");

        dev.tokenstore.KeyRotation.ReencryptionReport report = strict.reencrypt();
        assertTrue(report.rowsRewritten() >= 1, report.toString());
        assertEquals(Optional.of(s), strict.loadSessionByAccessToken("at-old"), "re-encryption made them bound");
        assertEquals(Optional.of(s), strict.loadSessionById("sid-old"));
        assertEquals(Optional.of(client), strict.loadClient("app"));
    }

    /**
     * The migration from version 2 (the version-3 and version-4 steps) cut short after any of its
     * statements, each committed on its own (as where DDL commits, H2 and HSQLDB; here even every DML
     * statement commits), then opened again: the step runs again from what it finds and every record
     * of version 2 reads back.
     */
    @Test
    void theVersionThreeStepCutShortAfterAnyStatementRunsAgain() throws Exception {
        StoredSession s = session("sid-old", "at-old", "rt-old", Duration.ofHours(1));
        StoredSession other = session("sid-other", "at-other", null, Duration.ofHours(1));
        ClientRecord client = client("secret-old");
        AuthCodeRecord code = code("code-old", "sid-old");
        TokenCipher cipher = TokenCipher.withKeys(java.util.Map.of(TokenStoreOptions.DEFAULT_KEY_ID, KEY),
                TokenStoreOptions.DEFAULT_KEY_ID);
        int cuts = 0;
        for (int cutAfter = 1; ; cutAfter++) {
            JdbcTokenStore writer = open(at(T0));
            PreviousFormat.writeVersion2(writer, KEYED, List.of(s, other), List.of(client), List.of(), List.of(code));
            writer.close();
            opened.remove(writer);
            Migrator migrator = new Migrator(new Schema("tokenstore_"), new StandardDialect(), at(T0), "cut short",
                    new Rows(cipher, false));
            boolean finished;
            try (Connection c = dataSource().getConnection()) {
                c.setAutoCommit(true);
                migrator.migrate(CutShort.after(c, cutAfter), migrator.peekVersion(c));
                finished = true;
            } catch (SQLException e) {
                assertEquals(CutShort.MESSAGE, e.getMessage());
                finished = false;
            }
            JdbcTokenStore reopened = open(at(T0));
            String at = "cut after statement " + cutAfter;
            assertEquals(Optional.of(s), reopened.loadSessionByRefreshToken("rt-old"), at);
            assertEquals(Optional.of(other), reopened.loadSessionById("sid-other"), at);
            assertEquals(Optional.of(client), reopened.loadClient("app"), at);
            assertEquals(Optional.of(code), reopened.consumeAuthCode("code-old"), at);
            try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tokenstore_sessions")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1), at + ": each session copied once");
            }
            assertEquals(2, reopened.deleteSessionsByUser("user-sid-old") + reopened.deleteSessionsByUser(
                    "user-sid-other"), at);
            reopened.close();
            opened.remove(reopened);
            if (finished) {
                break;
            }
            cuts++;
        }
        assertTrue(cuts > 20, "the step has its renames, creates, copies and drops to cut between: " + cuts);
    }

    /**
     * A fresh database's creation at the current version cut short after any of its statements, each
     * committed on its own, then opened again: it completes, and the store reads, writes and feeds
     * changes as one created in one go.
     */
    @Test
    void theBaselineCutShortAfterAnyStatementCompletesAtTheNextOpen() throws Exception {
        TokenCipher cipher = TokenCipher.withKeys(java.util.Map.of(TokenStoreOptions.DEFAULT_KEY_ID, KEY),
                TokenStoreOptions.DEFAULT_KEY_ID);
        int cuts = 0;
        for (int cutAfter = 1; ; cutAfter++) {
            for (String file : List.of("engine.db", "engine.db-wal", "engine.db-shm")) {
                java.nio.file.Files.deleteIfExists(dir.resolve(file));
            }
            Migrator migrator = new Migrator(new Schema("tokenstore_"), new StandardDialect(), at(T0), "cut short",
                    new Rows(cipher, false));
            boolean finished;
            try (Connection c = dataSource().getConnection()) {
                c.setAutoCommit(true);
                migrator.migrate(CutShort.after(c, cutAfter), -1);
                finished = true;
            } catch (SQLException e) {
                assertEquals(CutShort.MESSAGE, e.getMessage());
                finished = false;
            }
            JdbcTokenStore reopened = open(at(T0));
            String at = "cut after statement " + cutAfter;
            StoredSession s = session("sid-" + cutAfter, "at-" + cutAfter, "rt-" + cutAfter, Duration.ofHours(1));
            reopened.storeSession(s);
            assertEquals(Optional.of(s), reopened.loadSessionByRefreshToken("rt-" + cutAfter), at);
            assertEquals(Schema.CURRENT_VERSION, maxVersion(), at);
            assertEquals(1, changeCounterRows(), at);
            reopened.close();
            opened.remove(reopened);
            if (finished) {
                break;
            }
            cuts++;
        }
        assertTrue(cuts > 15, "the baseline has its creates and rows to cut between: " + cuts);
    }

    /** A connection whose statements fail with {@link #MESSAGE} from the n-th executed one on. */
    static final class CutShort {
        static final String MESSAGE = "cut short (test)";

        static Connection after(Connection c, int n) {
            AtomicInteger executed = new AtomicInteger();
            return proxy(Connection.class, c, (target, method, args) -> {
                Object result = method.invoke(target, args);
                if (result instanceof Statement st) {
                    Class<? extends Statement> type = st instanceof java.sql.PreparedStatement
                            ? java.sql.PreparedStatement.class : Statement.class;
                    return proxy(type, st, (t, m, a) -> {
                        if (m.getName().startsWith("execute") && executed.incrementAndGet() >= n) {
                            throw new SQLException(MESSAGE);
                        }
                        return m.invoke(t, a);
                    });
                }
                return result;
            });
        }

        @FunctionalInterface
        interface Call {
            Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable;
        }

        private static <T> T proxy(Class<T> type, Object target, Call call) {
            return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    (p, method, args) -> {
                        try {
                            return call.invoke(target, method, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }));
        }
    }

    @Test
    void aReaderWhoseRowsWerePrunedGetsAResetAndGoesOn() throws Exception {
        JdbcTokenStore writer = open(at(T0), "jdbc.changeLogRetentionSeconds", "1");
        writer.storeSession(session("sid-a", "at-a", "rt-a", Duration.ofHours(1)));
        writer.storeSession(session("sid-b", "at-b", "rt-b", Duration.ofHours(1)));
        // an hour later (by the store's clock) rows 1 and 2 are past retention; cleanup prunes row 1
        // and keeps row 2, the newest, so numbers never start over
        JdbcTokenStore later = open(at(T0.plus(Duration.ofHours(1))), "jdbc.changeLogRetentionSeconds", "1");
        later.cleanupExpired();
        later.storeSession(session("sid-c", "at-c", "rt-c", Duration.ofHours(2)));
        // The poller itself, on the pruned log: a reader positioned before the pruned rows gets a reset.
        List<String> received = new CopyOnWriteArrayList<>();
        ChangeChannel.Receiver receiver = recording(received, false);
        Statements sql = new Statements(new Schema("tokenstore_"), new StandardDialect());
        ConnectionSource source = new DataSourceConnectionSource(dataSource(), "engine.db", () -> { });
        PooledRunner runner = runnerWithoutBreaker(source);
        ChangeLogPoller poller = ChangeLogPoller.positionedAt(runner, sql, "test", receiver, 0);
        poller.pollOnce();
        assertEquals(List.of("reset", "payload", "payload"), received, "row 1 was pruned: a reset, then rows 2 and 3");
        received.clear();
        poller.pollOnce();
        assertEquals(List.of(), received, "nothing new");
        writer.storeSession(session("sid-d", "at-d", "rt-d", Duration.ofHours(2)));
        poller.pollOnce();
        assertEquals(List.of("payload"), received);
        source.close();
    }

    @Test
    void aPolledFeedResetsOnItsFirstReadAndAfterEveryFailedRead() throws Exception {
        JdbcTokenStore writer = open(at(T0));
        List<String> received = new CopyOnWriteArrayList<>();
        ChangeChannel.Receiver receiver = recording(received, true);
        Statements sql = new Statements(new Schema("tokenstore_"), new StandardDialect());
        ConnectionSource source = new DataSourceConnectionSource(dataSource(), "engine.db", () -> { });
        PooledRunner pooled = runnerWithoutBreaker(source);
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger failedReads = new java.util.concurrent.atomic.AtomicInteger();
        Runner flaky = new Runner() {
            @Override
            public <T> T read(String operation, SqlWork<T> work) {
                if (failing.get()) {
                    failedReads.incrementAndGet();
                    throw new dev.tokenstore.TokenStoreException("test: the database is away");
                }
                return pooled.read(operation, work);
            }

            @Override
            public <T> T write(String operation, SqlWork<T> work) {
                return pooled.write(operation, work);
            }
        };
        try (ChangeLogPoller poller = ChangeLogPoller.start(flaky, sql, 1_000_000L, "test", receiver)) {
            waitFor(() -> received.contains("caughtUp"), "the first poll");
            assertEquals("reset", received.get(0), "the first read delivers a reset before confirming anything");
            failing.set(true);
            waitFor(() -> failedReads.get() > 0, "a failed read");
            writer.storeSession(session("sid-gap", "at-gap", "rt-gap", Duration.ofHours(1)));
            received.clear();
            failing.set(false);
            waitFor(() -> received.contains("caughtUp"), "a poll after the failure");
            assertEquals(List.of("reset", "payload"), received.subList(0, 2),
                    "the first read after a failed one delivers a reset, then what was committed meanwhile");
        }
        source.close();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            Thread.sleep(2);
        }
    }

    /** A receiver noting "payload", "reset" and (if asked) "caughtUp" in order. */
    private static ChangeChannel.Receiver recording(List<String> received, boolean caughtUp) {
        return new ChangeChannel.Receiver() {
            @Override
            public void payload(String payload) {
                received.add("payload");
            }

            @Override
            public void reset(String reason) {
                received.add("reset");
            }

            @Override
            public void caughtUp(long nanos) {
                if (caughtUp && !received.contains("caughtUp")) {
                    received.add("caughtUp");
                }
            }
        };
    }

    private static PooledRunner runnerWithoutBreaker(ConnectionSource source) {
        BreakerSettings off = BreakerSettings.from(TokenStoreOptions.builder().encryptionKey(KEY)
                .property("jdbc.breaker.enabled", "false").build());
        return new PooledRunner(source, new StandardDialect(), new Failures("test", new StandardDialect()),
                0, new Lifecycle("test"), new CircuitGuard(off, new StandardDialect(), "test", at(T0)), ChangePublisher.OFF);
    }
}
