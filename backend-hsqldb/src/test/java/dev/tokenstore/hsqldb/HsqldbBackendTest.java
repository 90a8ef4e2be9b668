package dev.tokenstore.hsqldb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.TokenStores;
import dev.tokenstore.jdbc.JdbcTokenStore;
import dev.tokenstore.testing.StoreFixture;
import dev.tokenstore.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HSQLDB backend adds to the engine (the TCK checks the contract), against real databases. */
class HsqldbBackendTest extends StoreFixture {
    static final byte[] KEY = "hsqldb-backend-test-key-32-bytes".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    String url() {
        return "jdbc:hsqldb:file:" + dir.resolve("tokens") + ";hsqldb.lock_file=false";
    }

    @Override
    protected TokenStoreOptions.Builder options() {
        return TokenStoreOptions.builder().url(url()).clock(clock).encryptionKey(KEY);
    }

    /** A plain connection that does not keep the database open after it closes. */
    Connection jdbc() throws SQLException {
        return DriverManager.getConnection(url() + ";shutdown=true", "SA", "");
    }

    String property(String name) throws SQLException {
        try (Connection c = jdbc(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT PROPERTY_VALUE FROM INFORMATION_SCHEMA.SYSTEM_PROPERTIES WHERE PROPERTY_NAME = '" + name + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void providerIsFoundForHsqldbUrlsAndHasAnEmbeddedDefault() {
        TokenStoreProvider provider = TokenStores.providers().stream().filter(p -> p.name().equals("hsqldb"))
                .findFirst().orElseThrow();
        assertInstanceOf(HsqldbTokenStoreProvider.class, provider);
        assertTrue(provider.accepts("jdbc:hsqldb:file:./x"));
        assertTrue(provider.accepts("JDBC:HSQLDB:mem:x"));
        assertFalse(provider.accepts("jdbc:h2:./x"));
        assertFalse(provider.accepts(null));
        assertEquals(Optional.of("jdbc:hsqldb:file:./tokenstore"), provider.embeddedDefaultUrl());
        TokenStore store = open();
        assertInstanceOf(JdbcTokenStore.class, store);
        assertTrue(((JdbcTokenStore) store).name().startsWith("tokenstore hsqldb jdbc:hsqldb:file:"));
    }

    @Test
    void serverAndResourceUrlsAndBadPropertiesAreRefusedNamingTheField() {
        for (String url : List.of("jdbc:hsqldb:hsql://localhost/db", "jdbc:hsqldb:http://h/db", "jdbc:hsqldb:res:/db")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> open(b -> b.url(url + ";password=hunter2")));
            assertTrue(e.getMessage().startsWith("url: only in-process"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), "no password in messages: " + e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(b -> b.property(HsqldbSettings.WRITE_DELAY, "-5")));
        assertTrue(e.getMessage().contains(HsqldbSettings.WRITE_DELAY), e.getMessage());
    }

    @Test
    void theDatabaseIsMvccWithCachedTablesAndTheWriteDelayIsHsqldbsUnlessSet() throws Exception {
        open().close();
        assertEquals("MVCC", property("hsqldb.tx"));
        assertEquals("CACHED", property("hsqldb.default_table_type"));
        assertEquals("500", property("hsqldb.write_delay_millis"), "HSQLDB's default: the log is synced every 0.5 s");
        open(b -> b.property(HsqldbSettings.WRITE_DELAY, "0")).close();
        assertEquals("false", property("hsqldb.write_delay"), "0: a sync at every commit");
    }

    @Test
    void anInMemoryDatabaseLivesExactlyAsLongAsAStoreOnIt() {
        String name = "jdbc:hsqldb:mem:t" + UUID.randomUUID();
        TokenStore first = open(b -> b.url(name));
        first.storeClient(data.client("app"));
        TokenStore second = open(b -> b.url(name));
        assertTrue(second.loadClient("app").isPresent(), "stores on one mem: name share it");
        first.close();
        second.close();
        assertEquals(Optional.empty(), open(b -> b.url(name)).loadClient("app"), "gone with the last store");

        TokenStore a = open(b -> b.url("jdbc:hsqldb:mem:"));
        a.storeClient(data.client("app"));
        assertEquals(Optional.empty(), open(b -> b.url("jdbc:hsqldb:mem:")).loadClient("app"),
                "an unnamed mem: database is private to its store");
    }

    @Test
    void storesOnOneDatabaseShareOneWriteLockWhichGoesWithTheLastOfThem() throws Exception {
        int before = DatabaseWriteLock.databases();
        TokenStore a = open();
        TokenStore b = open(o -> o.url("jdbc:hsqldb:" + dir.resolve("x").resolve("..").resolve("tokens")));
        assertEquals(before + 1, DatabaseWriteLock.databases(), "one lock for both spellings of the path");
        StoredSession s = data.session("ada");
        a.storeSession(s);
        assertEquals(Optional.of(s), b.loadSessionByAccessToken(s.accessToken()));
        a.close();
        assertEquals(before + 1, DatabaseWriteLock.databases());
        b.close();
        assertEquals(before, DatabaseWriteLock.databases());
    }

    @Test
    void mergeReplacesTheRowKeepsLongValuesAndAnotherSessionsTokenStillFails() throws Exception {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        store.storeSession(rotated);
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(rotated), store.loadSessionByAccessToken(rotated.accessToken()));
        StoredSession thief =
                TestRecords.withTokens(data.session("eve"), "at-" + TestRecords.token(), rotated.refreshToken());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of(data.session("bob"), thief)));
        assertTrue(e.getMessage().contains("refreshToken"), e.getMessage());
        store.close();
        try (Connection c = jdbc(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM TOKENSTORE_SESSIONS")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "MERGE replaced the row; nothing of the failed batch was written");
        }
    }

    @Test
    void aMigrationCutShortAfterItsDdlCommittedRunsAgain() throws Exception {
        // HSQLDB commits before every DDL statement, so a crash inside a migration can leave its
        // tables and seed rows committed but the version unrecorded; opening again must finish it.
        open().close();
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            // a database of an earlier release at version 1 whose steps 2 to 5 committed their DDL but
            // recorded no version: every step runs again over its committed tables
            assertEquals(1, st.executeUpdate("DELETE FROM TOKENSTORE_SCHEMA_VERSION WHERE version = 5"));
            assertEquals(1, st.executeUpdate("INSERT INTO TOKENSTORE_SCHEMA_VERSION VALUES (1, 0)"));
        }
        TokenStore store = open();
        store.storeClient(data.client("app"));
        assertTrue(store.loadClient("app").isPresent());
        store.close();
        try (Connection c = jdbc(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(seq) FROM TOKENSTORE_CHANGE_SEQ")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "still one counter row");
            assertEquals(1, rs.getLong(2), "the counter kept counting");
        }
    }
}
