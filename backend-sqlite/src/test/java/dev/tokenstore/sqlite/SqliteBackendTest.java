package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.TokenStores;
import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.JdbcTokenStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What is particular to SQLite: pragmas, the file, discovery, faults, locks and schema migration. */
class SqliteBackendTest extends SqliteFixture {

    @Test
    void discoveryOpensTheFileWithEveryPragmaInForce() throws SQLException {
        TokenStore store = open();
        assertInstanceOf(JdbcTokenStore.class, store);
        assertTrue(Files.isRegularFile(file()), "the database file is created");
        TokenStoreProvider provider = TokenStores.providers().stream().filter(p -> p.name().equals("sqlite"))
                .findFirst().orElseThrow();
        assertTrue(provider.accepts("jdbc:sqlite:/tmp/x.db"));
        assertEquals(Optional.of("jdbc:sqlite:./tokenstore.db"), provider.embeddedDefaultUrl());
        assertEquals("wal", pragma(url(), "journal_mode"));

        SqliteSettings defaults = SqliteSettings.from(options().build());
        try (SqliteConnectionSource source = new SqliteConnectionSource(url(), defaults)) {
            try (ConnectionSource.Lease w = source.write()) {
                assertEquals("1", pragma(w.connection(), "synchronous"), "NORMAL by default");
                assertEquals("5000", pragma(w.connection(), "busy_timeout"));
                assertEquals("0", pragma(w.connection(), "query_only"));
                assertEquals("wal", pragma(w.connection(), "journal_mode"));
                assertEquals("-65536", pragma(w.connection(), "cache_size"), "64 MiB for the writer");
            }
            try (ConnectionSource.Lease r = source.read()) {
                assertEquals("1", pragma(r.connection(), "query_only"), "readers cannot write");
                assertEquals("5000", pragma(r.connection(), "busy_timeout"));
                assertEquals("-16384", pragma(r.connection(), "cache_size"));
            }
        }
        SqliteSettings full = SqliteSettings.from(options().property("sqlite.synchronous", "full")
                .property("sqlite.busyTimeoutMs", "1234").property("sqlite.cacheSizeKb", "4096").build());
        try (SqliteConnectionSource source = new SqliteConnectionSource(url(), full);
             ConnectionSource.Lease w = source.write()) {
            assertEquals("2", pragma(w.connection(), "synchronous"), "FULL by option");
            assertEquals("1234", pragma(w.connection(), "busy_timeout"));
            assertEquals("-4096", pragma(w.connection(), "cache_size"));
        }
        TokenStore fullStore = open(b -> b.property("sqlite.synchronous", "FULL"));
        StoredSession s = data.session("ada");
        fullStore.storeSession(s);
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
    }

    @Test
    void walCheckpointsRunInTheBackgroundNotInsideCommits() throws Exception {
        SqliteSettings defaults = SqliteSettings.from(options().build());
        try (SqliteConnectionSource source = new SqliteConnectionSource(url(), defaults)) {
            try (ConnectionSource.Lease w = source.write()) {
                assertEquals(String.valueOf(Checkpointer.WRITER_AUTOCHECKPOINT_PAGES),
                        pragma(w.connection(), "wal_autocheckpoint"), "the writer checkpoints only if the WAL runs away");
            }
        }
        long others = checkpointThreads(); // stores other tests may have left open
        TokenStore store = open();
        assertEquals(others + 1, checkpointThreads(), "a store has one named daemon checkpoint thread");
        long before = Files.size(file());
        for (int i = 0; i < 200; i++) {
            store.storeSession(data.session("user-" + i)); // about 1,200 WAL pages, far below the writer's bound
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.size(file()) <= before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.size(file()) > before,
                "the background checkpoint copied the WAL into the database file while the store stayed open");
        store.close();
        assertEquals(others, checkpointThreads(), "close() stops the store's checkpoint thread");
    }

    private static long checkpointThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tokenstore-sqlite-checkpoint-") && t.isAlive())
                .peek(t -> assertTrue(t.isDaemon(), t.getName() + " is a daemon"))
                .count();
    }

    @Test
    void schemaHasEveryTableAndIndexUnderThePrefix() throws SQLException {
        open(b -> b.property("jdbc.tablePrefix", "App_TS_"));
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                     + "ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertEquals(List.of("app_ts_auth_codes", "app_ts_auth_codes_expires_at_idx", "app_ts_change_log",
                "app_ts_change_seq", "app_ts_clients",
                "app_ts_key_checks", "app_ts_retired_refresh_tokens", "app_ts_retired_refresh_tokens_expires_at_idx",
                "app_ts_revoked_sessions", "app_ts_revoked_sessions_expires_at_idx",
                "app_ts_schema_version", "app_ts_sessions", "app_ts_sessions_access_token_hash_uq",
                "app_ts_sessions_purge_after_idx", "app_ts_sessions_refresh_token_hash_uq",
                "app_ts_sessions_user_key_idx", "app_ts_states", "app_ts_states_expires_at_idx"), names);
    }

    @Test
    void lookupsAndCleanupChunksGoThroughTheIndexes() throws SQLException {
        open();
        SqliteDialect dialect = new SqliteDialect();
        assertPlanUses(dialect.deleteChunkSql("tokenstore_states", "state_hash", "expires_at <= ?"),
                "COVERING INDEX tokenstore_states_expires_at_idx");
        assertPlanUses(dialect.deleteChunkSql("tokenstore_auth_codes", "code_hash", "expires_at <= ?"),
                "COVERING INDEX tokenstore_auth_codes_expires_at_idx");
        assertPlanUses(dialect.deleteChunkSql("tokenstore_sessions", "session_hash", "purge_after <= ?"),
                "COVERING INDEX tokenstore_sessions_purge_after_idx");
        assertPlanUses("SELECT * FROM tokenstore_sessions WHERE refresh_token_hash = ? AND refresh_expires_at > ?",
                "tokenstore_sessions_refresh_token_hash_uq");
        assertPlanUses("SELECT * FROM tokenstore_sessions WHERE access_token_hash = ? AND access_expires_at > ?",
                "tokenstore_sessions_access_token_hash_uq");
        assertPlanUses("DELETE FROM tokenstore_sessions WHERE user_key = ?", "tokenstore_sessions_user_key_idx");
        // the change log has no index on created_at: pruning walks it by number from the start
        assertPlanUses(dialect.deleteChunkSql("tokenstore_change_log", "seq", "seq < COALESCE((SELECT seq FROM "
                + "tokenstore_change_log WHERE created_at > ? ORDER BY seq LIMIT 1), "
                + "(SELECT MAX(seq) FROM tokenstore_change_log))"), "SEARCH tokenstore_change_log USING INTEGER PRIMARY KEY");
    }

    private void assertPlanUses(String sql, String index) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url());
             java.sql.PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                ps.setLong(i, 1);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(4)).append('\n');
                }
            }
        }
        assertTrue(plan.toString().contains(index), sql + " -> " + plan);
    }

    @Test
    void badOptionsFailNamingTheProperty() {
        for (String bad : List.of("x; DROP TABLE y", "a-b", "1abc", "a".repeat(41))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> open(b -> b.property("jdbc.tablePrefix", bad)));
            assertTrue(e.getMessage().contains("jdbc.tablePrefix"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(b -> b.property("sqlite.synchronous", "OFF")));
        assertTrue(e.getMessage().contains("sqlite.synchronous"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(b -> b.property("jdbc.cleanupChunkSize", "0")));
        assertTrue(e.getMessage().contains("jdbc.cleanupChunkSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(b -> b.property("sqlite.cacheSizeKb", "1")));
        assertTrue(e.getMessage().contains("sqlite.cacheSizeKb"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(b -> b.property("sqlite.busyTimeoutMs", "soon")));
        assertTrue(e.getMessage().contains("sqlite.busyTimeoutMs"), e.getMessage());
        for (String memory : List.of("jdbc:sqlite::memory:", "jdbc:sqlite:", "jdbc:sqlite:file:x?mode=memory")) {
            e = assertThrows(IllegalArgumentException.class, () -> open(b -> b.url(memory)));
            assertTrue(e.getMessage().contains("in-memory"), e.getMessage());
        }
        assertTrue(Files.notExists(file()), "nothing was created by a refused open");
    }

    @Test
    void missingOrReadOnlyDirectoryFailsNamingTheFile() throws IOException {
        Path missing = dir.resolve("no/such/dir/tokens.db");
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> open(b -> b.url("jdbc:sqlite:" + missing)));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());

        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Path inReadOnly = readOnly.resolve("tokens.db");
            e = assertThrows(TokenStoreException.class, () -> open(b -> b.url("jdbc:sqlite:" + inReadOnly)));
            assertTrue(e.getMessage().contains(inReadOnly.toString()) && e.getMessage().contains("read-only"),
                    e.getMessage());
            assertTrue(Files.notExists(inReadOnly));
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        open().close();
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("r--r--r--"));
        e = assertThrows(TokenStoreException.class, this::open);
        assertTrue(e.getMessage().contains(file().toString()) && e.getMessage().contains("read-only"), e.getMessage());
    }

    @Test
    void fileUrlsAndRelativePathsNameTheSameFile() {
        assertEquals(file(), SqliteSettings.file("jdbc:sqlite:file:" + file() + "?cache=private"));
        assertEquals(file(), SqliteSettings.file("jdbc:sqlite:file://" + file()));
        assertEquals(Path.of("tokenstore.db").toAbsolutePath(), SqliteSettings.file("jdbc:sqlite:./tokenstore.db"));
        TokenStore store = open(b -> b.url("jdbc:sqlite:file:" + file()));
        StoredSession s = data.session("ada");
        store.storeSession(s);
        assertEquals(Optional.of(s), open().loadSessionById(s.sessionId()), "the same file by its plain path");
    }

    @Test
    void aFileThatIsNotADatabaseFailsNamingTheFileAndTheCause() throws IOException {
        Files.writeString(file(), "this is a text file, not a SQLite database\n".repeat(200));
        TokenStoreException e = assertThrows(TokenStoreException.class, this::open);
        assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a database"), e.getMessage());
        assertInstanceOf(SQLException.class, e.getCause());
        assertTrue(Files.readString(file()).startsWith("this is a text file"), "the file is left as it was");
    }

    @Test
    void aLockHeldPastTheBusyTimeoutFailsNamingTheFileThenTheStoreRecovers() throws SQLException {
        TokenStore store = open(b -> b.property("sqlite.busyTimeoutMs", "150").property("jdbc.maxRetries", "1"));
        StoredSession before = data.session("ada");
        store.storeSession(before);
        StateRecord state = data.state(Duration.ofMinutes(5));
        try (Connection other = DriverManager.getConnection(url()); Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            st.executeUpdate("DELETE FROM tokenstore_clients");
            TokenStoreException e = assertThrows(TokenStoreException.class, () -> store.storeState(state));
            assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("storeState"), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("locked") || e.getMessage().contains("BUSY"),
                    e.getMessage());
            assertInstanceOf(SQLException.class, e.getCause());
            // readers are not blocked by a writer in WAL mode
            assertEquals(Optional.of(before), store.loadSessionById(before.sessionId()));
            st.execute("ROLLBACK");
        }
        assertEquals(Optional.empty(), store.consumeState(state.state()), "the failed write left nothing");
        store.storeState(state);
        assertEquals(Optional.of(state), store.consumeState(state.state()));
    }

    @Test
    void anEmptyOlderSchemaVersionTableIsMigrated() throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE tokenstore_schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                    + "applied_at INTEGER NOT NULL)");
            st.execute("CREATE TABLE unrelated_app_table (id INTEGER PRIMARY KEY, name TEXT)");
            st.execute("INSERT INTO unrelated_app_table (name) VALUES ('kept')");
        }
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        store.close();
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT version, applied_at FROM tokenstore_schema_version ORDER BY version")) {
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1), "created at the current version directly");
                assertEquals(clock.millis(), rs.getLong(2));
                assertTrue(!rs.next(), "one record: no earlier version was built on the way");
            }
            try (ResultSet rs = st.executeQuery("SELECT name FROM unrelated_app_table")) {
                assertTrue(rs.next());
                assertEquals("kept", rs.getString(1));
            }
        }
        // opening again changes nothing and keeps the data
        TokenStore again = open();
        assertEquals(Optional.of(s), again.loadSessionById(s.sessionId()));
    }

    @Test
    void aDatabaseFromANewerVersionIsRefused() throws SQLException {
        open().close();
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            st.execute("INSERT INTO tokenstore_schema_version (version, applied_at) VALUES (7, 0)");
        }
        TokenStoreException e = assertThrows(TokenStoreException.class, this::open);
        assertTrue(e.getMessage().contains("schema version 7") && e.getMessage().contains(file().toString()),
                e.getMessage());
    }

    @Test
    void manyStoresOpeningANewFileAtOnceAllWork() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TokenStore>> opening = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opening.add(pool.submit(() -> open()));
            }
            List<TokenStore> stores = new ArrayList<>();
            for (Future<TokenStore> f : opening) {
                stores.add(f.get());
            }
            StoredSession s = data.session("ada");
            stores.get(0).storeSession(s);
            for (TokenStore store : stores) {
                assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tokenstore_schema_version")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "created once: one record, the current version");
        }
    }

    @Test
    void aDataSourceIsRefused() {
        javax.sql.DataSource ds = new org.sqlite.SQLiteDataSource();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(b -> b.dataSource(ds)));
        assertTrue(e.getMessage().contains("dataSource"), e.getMessage());
    }

    private static String pragma(String url, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return pragma(c, name);
        }
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
