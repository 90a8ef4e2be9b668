package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine's schema migrations over a real SQLite database: a fresh database created at the
 * current version, earlier formats (schema versions 2 and 3) migrated with their data, wrong keys
 * refused before anything changes, and migrations and the fresh creation cut short after any of
 * their statements completing at the next open.
 */
class MigrationTest extends EngineTestSupport {

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
            for (String statement : new SchemaVersion1(schema, new StandardDialect()).ddl()) {
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
            boolean finished = migrateCutShort(cipher, cutAfter, false);
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
            boolean finished = migrateCutShort(cipher, cutAfter, true);
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

    /**
     * Migrates the test database over a connection that commits every statement on its own and
     * fails from the {@code cutAfter}-th on; true if the migration finished before that.
     */
    private boolean migrateCutShort(TokenCipher cipher, int cutAfter, boolean fresh) throws SQLException {
        Migrator migrator = new Migrator(new Schema("tokenstore_"), new StandardDialect(), at(T0), "cut short",
                new Rows(cipher, false));
        try (Connection c = dataSource().getConnection()) {
            c.setAutoCommit(true);
            migrator.migrate(CutShort.after(c, cutAfter), fresh ? -1 : migrator.peekVersion(c));
            return true;
        } catch (SQLException e) {
            assertEquals(CutShort.MESSAGE, e.getMessage());
            return false;
        }
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
}
