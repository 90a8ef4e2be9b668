package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.UserInfo;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferFlushException;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.buffer.FlushFailure;
import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.MutableClock;
import dev.tokenstore.tck.StoreKit;
import dev.tokenstore.tck.TestData;
import dev.tokenstore.tck.TestStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real databases refusing a value the record checks let through: the session table's
 * {@code provider} is narrowed to 64 characters (the user id is stored only as a keyed hash since
 * schema version 3, so the narrowed column is one still in the clear) (H2 and PostgreSQL: a custom column size, refused
 * with SQLState 22001; SQLite, which has no column sizes: a trigger that aborts, SQLITE_CONSTRAINT),
 * then a session with a 100-character provider (and user id) goes through a {@link BufferedTokenStore}. The buffer
 * sets that one session aside, reports it by id, writes the rest of its batch and keeps flowing; and
 * nothing the failure produces (the exception chains, the log lines) holds a token, a secret, the
 * user id or the user's JSON.
 */
class DatabaseRefusalTest {
    private static final String MARKER = "profile-marker-" + TestData.token();

    enum Backend {
        SQLITE, H2, HSQLDB, POSTGRES;

        JdbcTestStorage storage() {
            return switch (this) {
                case SQLITE -> SqliteTckTest.newStorage();
                case H2 -> H2TckTest.newStorage();
                case HSQLDB -> HsqldbTckTest.newStorage();
                case POSTGRES -> PostgresTckTest.newStorage();
            };
        }

        /** Makes the database refuse user ids longer than 64 characters. */
        void narrowUserId(TestStorage storage) throws SQLException {
            try (Connection c = connect(storage); Statement st = c.createStatement()) {
                switch (this) {
                    case SQLITE -> {
                        st.execute("CREATE TRIGGER tokenstore_sessions_user_id_64 BEFORE INSERT ON tokenstore_sessions "
                                + "WHEN length(NEW.provider) > 64 BEGIN SELECT RAISE(ABORT, 'provider too long'); END");
                        st.execute("CREATE TRIGGER tokenstore_sessions_user_id_64u BEFORE UPDATE ON tokenstore_sessions "
                                + "WHEN length(NEW.provider) > 64 BEGIN SELECT RAISE(ABORT, 'provider too long'); END");
                    }
                    case H2, HSQLDB ->
                        st.execute("ALTER TABLE tokenstore_sessions ALTER COLUMN provider SET DATA TYPE VARCHAR(64)");
                    case POSTGRES -> st.execute("ALTER TABLE tokenstore_sessions ALTER COLUMN provider TYPE VARCHAR(64)");
                }
            }
        }

        private static Connection connect(TestStorage storage) throws SQLException {
            return ((JdbcTestStorage) storage).connect();
        }
    }

    private final MutableClock clock = MutableClock.startingNow();
    private final TestData data = new TestData(clock);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<FlushFailure> reported = new CopyOnWriteArrayList<>();
    private TestStorage storage;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (BufferFlushException expected) {
                // already reported by the test
            }
        }
        if (storage != null) {
            storage.close();
        }
    }

    private TokenStore openRaw(Backend backend) throws SQLException {
        storage = backend.storage();
        TokenStore raw = storage.open(TokenStoreOptions.builder().clock(clock).encryptionKey(StoreKit.TEST_KEY).build());
        open.add(raw);
        backend.narrowUserId(storage);
        return raw;
    }

    private BufferedTokenStore buffer(TokenStore raw, AckMode mode) {
        BufferedTokenStore buffer = BufferedTokenStore.builder(raw).clock(clock).ackMode(mode)
                .maxDelay(Duration.ofHours(1)).maxBatchSize(100).maxRetries(3).retryBackoff(Duration.ofMillis(1))
                .onFlushError(reported::add).build();
        open.add(() -> buffer.close());
        return buffer;
    }

    /** A session of a 100-character user id (within the records' 512, past the narrowed column), with a marked profile. */
    private StoredSession tooLongForTheColumn() {
        StoredSession s = data.session("u");
        String userId = "user-" + "x".repeat(60) + TestData.token().substring(0, 35);
        UserInfo user = new UserInfo("github", userId, "ada", "ada@example.com", "Ada", null,
                Map.of("bio", MARKER), List.of("read:user"), List.of());
        String provider = "provider-" + "x".repeat(91);
        return new StoredSession(s.sessionId(), provider, user, s.accessToken(), s.refreshToken(),
                s.providerAccessToken(), s.providerRefreshToken(), s.providerExpiresAt(), s.accessExpiresAt(),
                s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("write-behind: the database refuses one session; it is set aside and reported by id, its batch and later writes are stored, nothing leaks")
    void writeBehind(Backend backend) throws Exception {
        TokenStore raw = openRaw(backend);
        BufferedTokenStore buffer = buffer(raw, AckMode.WRITE_BEHIND);
        StoredSession bad = tooLongForTheColumn();
        List<StoredSession> good = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            good.add(data.session("u-good"));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BufferFlushException e;
        PrintStream err = System.err;
        System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
        try {
            good.subList(0, 4).forEach(buffer::storeSession);
            buffer.storeSession(bad);
            good.subList(4, 9).forEach(buffer::storeSession);
            e = assertThrows(BufferFlushException.class, buffer::flush);
        } finally {
            System.setErr(err);
        }
        assertEquals(List.of(bad.sessionId()), e.unwrittenSessionIds());
        TokenStoreException refusal = assertInstanceOf(TokenStoreException.class, e.getCause());
        assertEquals(TokenStoreException.Kind.REFUSED, refusal.kind(), refusal.getMessage());
        if (backend != Backend.SQLITE) {
            assertEquals("22001", refusal.sqlState());
        }
        assertEquals(0, buffer.stats().retries(), "a refusal is not retried");
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).refused());
        for (StoredSession s : good) {
            assertEquals(Optional.of(s), raw.loadSessionById(s.sessionId()));
        }
        assertTrue(raw.loadSessionById(bad.sessionId()).isEmpty());
        StoredSession later = data.session("u-later");
        buffer.storeSession(later);
        buffer.flush();
        assertEquals(Optional.of(later), raw.loadSessionById(later.sessionId()));

        assertNoLeak(bad, e, log.toString(StandardCharsets.UTF_8));
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("refused"), "the refusal is logged: " + logged);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("group commit: the caller of the refused session gets it back by id; other callers and later writes are stored")
    void groupCommit(Backend backend) throws Exception {
        TokenStore raw = openRaw(backend);
        BufferedTokenStore buffer = buffer(raw, AckMode.GROUP_COMMIT);
        StoredSession bad = tooLongForTheColumn();
        StoredSession before = data.session("u-good");
        buffer.storeSession(before);
        BufferFlushException e = assertThrows(BufferFlushException.class, () -> buffer.storeSession(bad));
        assertEquals(List.of(bad.sessionId()), e.unwrittenSessionIds());
        assertEquals(TokenStoreException.Kind.REFUSED, ((TokenStoreException) e.getCause()).kind());
        StoredSession after = data.session("u-good");
        buffer.storeSession(after);
        assertEquals(Optional.of(before), raw.loadSessionById(before.sessionId()));
        assertEquals(Optional.of(after), raw.loadSessionById(after.sessionId()));
        assertEquals(0, buffer.stats().pending());
        assertNoLeak(bad, e, "");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("the backend's own failures (a refused value, a token held by another session) carry no token, secret or user data")
    void backendFailuresDoNotLeak(Backend backend) throws Exception {
        TokenStore raw = openRaw(backend);
        StoredSession bad = tooLongForTheColumn();
        TokenStoreException refused = assertThrows(TokenStoreException.class, () -> raw.storeSession(bad));
        assertEquals(TokenStoreException.Kind.REFUSED, refused.kind());
        assertTrue(refused.getMessage().contains("storeSession failed: ")
                && refused.getMessage().contains("SQLState"), refused.getMessage());
        assertNoLeak(bad, refused, "");

        StoredSession holder = data.session("u-holder");
        raw.storeSession(holder);
        StoredSession thief = new StoredSession("sid-" + TestData.token(), "github", holder.userInfo(),
                holder.accessToken(), null, null, null, null, holder.accessExpiresAt(), null, null, holder.createdAt());
        if (raw.features().bulk().isPresent()) {
            dev.tokenstore.BulkSessionStore bulk = raw.features().bulk().get();
            IllegalArgumentException inUse = assertThrows(IllegalArgumentException.class,
                    () -> bulk.bulkStoreSessions(List.of(thief)));
            assertNoLeak(thief, inUse, "");
        }
    }

    /** No message in the chain (causes, next-exceptions, suppressed) and no log line holds a secret of {@code s}. */
    private static void assertNoLeak(StoredSession s, Throwable failure, String log) {
        List<String> secrets = new ArrayList<>(List.of(s.accessToken(), TokenHash.sha256Hex(s.accessToken()),
                s.userId(), s.userInfo().email(), MARKER));
        for (String secret : new String[] {s.refreshToken(), s.providerAccessToken(), s.providerRefreshToken()}) {
            if (secret != null) {
                secrets.add(secret);
                secrets.add(TokenHash.sha256Hex(secret));
            }
        }
        StringBuilder text = new StringBuilder(log);
        collect(failure, text, new IdentityHashMap<>());
        for (String secret : secrets) {
            if (secret != null) {
                assertFalse(text.toString().contains(secret), () -> "leaked a secret or user data in: " + text);
            }
        }
        assertFalse(text.toString().contains("\"userId\""), () -> "leaked user JSON in: " + text);
    }

    private static void collect(Throwable t, StringBuilder out, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return;
        }
        out.append(t).append('\n').append(t.getMessage()).append('\n');
        if (t instanceof SQLException sql) {
            collect(sql.getNextException(), out, seen);
        }
        for (Throwable suppressed : t.getSuppressed()) {
            collect(suppressed, out, seen);
        }
        collect(t.getCause(), out, seen);
    }

    /** Copies everything written to {@code a} and {@code b}. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
