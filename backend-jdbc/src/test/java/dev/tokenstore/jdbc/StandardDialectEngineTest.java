package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine with the {@link SqlDialect} defaults (no {@code RETURNING}: select + delete with a
 * row-count check; {@code setAutoCommit} transactions; {@code IN}-list deletes; {@code LIMIT}
 * cleanup chunks) over {@link DataSourceConnectionSource}, on a real database: SQLite through
 * xerial's plain {@link SQLiteDataSource}, a new connection per lease. Only the error
 * classification is SQLite's, because xerial reports no SQLState.
 */
class StandardDialectEngineTest extends EngineTestSupport {

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
