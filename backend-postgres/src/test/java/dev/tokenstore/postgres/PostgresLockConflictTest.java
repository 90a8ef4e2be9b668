package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.testing.CountingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Real PostgreSQL serialization failures (40001) and deadlocks (40P01) between the store and
 * plain JDBC transactions, orchestrated through the server's own view of who waits for whom
 * ({@code pg_blocking_pids}), never by timing. The store retries both on a single call (as
 * {@code jdbc.maxRetries} says) and succeeds once the other transaction is gone; with no retries
 * left it surfaces a {@link TokenStoreException} with the server's error as the cause. Attempts
 * are counted by the connections the store borrows from its data source.
 */
class PostgresLockConflictTest extends PostgresFixture {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String application = "tokenstore-conflict-" + Long.toHexString(System.nanoTime());

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A store over a plain (unpooled) data source on the test schema, with {@code serverOptions} per connection. */
    private TokenStore store(CountingDataSource ds, int maxRetries) {
        TokenStoreOptions options = TokenStoreOptions.builder().url(server.jdbcUrl()).dataSource(ds).clock(clock)
                .encryptionKey(KEY).property("jdbc.maxRetries", String.valueOf(maxRetries))
                // the tests count the store's own borrows; the feed's wake-up notifier would borrow one more
                .property("jdbc.changeFeed", "off").build();
        return track(new PostgresTokenStoreProvider().open(options));
    }

    private CountingDataSource dataSource(String serverOptions) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(server.jdbcUrl());
        if (server.user() != null) {
            pg.setUser(server.user());
        }
        if (server.password() != null) {
            pg.setPassword(server.password());
        }
        pg.setCurrentSchema(schema.name());
        pg.setApplicationName(application);
        if (serverOptions != null) {
            pg.setOptions(serverOptions);
        }
        return new CountingDataSource(pg);
    }

    /** A plain JDBC transaction on the test schema. */
    private Connection transaction() throws SQLException {
        Connection c = server.connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema.name());
        }
        c.setAutoCommit(false);
        return c;
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void lockRow(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT session_hash FROM tokenstore_sessions WHERE session_hash = ? FOR UPDATE")) {
            ps.setString(1, dev.tokenstore.TokenHash.sha256Hex(sessionId));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the row to lock exists");
            }
        }
    }

    private static void touchRow(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE tokenstore_sessions SET access_expires_at = access_expires_at WHERE session_hash = ?")) {
            ps.setString(1, dev.tokenstore.TokenHash.sha256Hex(sessionId));
            assertEquals(1, ps.executeUpdate());
        }
    }

    /** True once a backend of the store under test waits for a lock held by {@code holderPid}. */
    private BooleanSupplier storeWaitsFor(int holderPid) {
        return () -> query("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application
                + "' AND " + holderPid + " = ANY (pg_blocking_pids(pid))") > 0;
    }

    /** True once the backend {@code pid} waits for some lock. */
    private BooleanSupplier waitsForALock(int pid) {
        return () -> query("SELECT cardinality(pg_blocking_pids(" + pid + "))") > 0;
    }

    private long query(String sql) {
        try (Connection c = server.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Polls the server until {@code condition} holds; fails after 60 s (a bound against hangs, not a speed test). */
    private static void awaitServer(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "not within 60 s: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        throw new AssertionError("no SQLException in the cause chain of " + e, e);
    }

    // ------------------------------------------------------------------ 40001

    /**
     * The store's upsert waits for a row another transaction updated, which then commits. Under
     * SERIALIZABLE (the server's default_transaction_isolation for these connections) PostgreSQL
     * would fail it with 40001; the store runs its transactions at READ COMMITTED whatever the
     * defaults, so the upsert simply goes on once the row is free.
     */
    private Future<?> concurrentUpdate(TokenStore store, StoredSession s, StoredSession rotated, Connection other)
            throws Exception {
        touchRow(other, s.sessionId());
        Future<?> write = threads.submit(() -> store.storeSession(rotated));
        awaitServer("the store waits for the other transaction's row", storeWaitsFor(pid(other)));
        other.commit();
        return write;
    }

    /**
     * Makes the next {@code times} writes of a session fail with 40001 (serialization_failure),
     * through a trigger counting on a sequence (which a rollback does not undo).
     */
    private void failNextSessionWrites(int times) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema.name());
            st.execute("CREATE SEQUENCE conflict_count");
            st.execute("CREATE FUNCTION fail_serialization() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF nextval('conflict_count') <= " + times + " THEN "
                    + "RAISE EXCEPTION 'injected conflict' USING ERRCODE = 'serialization_failure'; END IF; "
                    + "RETURN NEW; END $$");
            st.execute("CREATE TRIGGER fail_serialization BEFORE INSERT OR UPDATE ON tokenstore_sessions "
                    + "FOR EACH ROW EXECUTE FUNCTION fail_serialization()");
        }
    }

    @Test
    void theStoreRunsReadCommittedWhateverTheServersDefaultIsolation() throws Exception {
        CountingDataSource ds = dataSource("-c default_transaction_isolation=serializable");
        TokenStore store = store(ds, 0);
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        try (Connection other = transaction()) {
            int before = ds.borrowed();
            concurrentUpdate(store, s, rotated, other).get(60, TimeUnit.SECONDS);
            assertEquals(1, ds.borrowed() - before, "no 40001 to retry: the write went on once the row was free");
        }
        assertEquals(Optional.of(rotated), store.loadSessionById(s.sessionId()));
    }

    @Test
    void aSerializationFailureIsRetriedAndTheWriteSucceeds() throws Exception {
        CountingDataSource ds = dataSource(null);
        TokenStore store = store(ds, 3);
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        failNextSessionWrites(1);
        int before = ds.borrowed();
        store.storeSession(rotated);
        assertEquals(2, ds.borrowed() - before, "the attempt that failed with 40001 and the retry");
        assertEquals(Optional.of(rotated), store.loadSessionById(s.sessionId()));
    }

    @Test
    void aSerializationFailureWithNoRetriesLeftSurfacesWith40001AsTheCause() throws Exception {
        CountingDataSource ds = dataSource(null);
        TokenStore store = store(ds, 0);
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        failNextSessionWrites(1);
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> store.storeSession(rotated));
        SQLException cause = sqlCause(e);
        assertEquals("40001", cause.getSQLState(), cause.getMessage());
        assertTrue(new PostgresDialect(null).isRetryable(cause));
        assertFalse(e.getMessage().contains(rotated.accessToken()), "no token in the message");
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()), "the failed write left nothing");
    }

    // ------------------------------------------------------------------ 40P01

    /** The store's bulk write and the other transaction's, both under way. */
    private record Deadlock(Future<?> store, Future<?> other) {
    }

    /**
     * Sets up a deadlock the store's bulk upsert of [a, b] (one statement, rows locked in order)
     * closes, so that the store's backend is the one PostgreSQL picks as the victim: a third
     * transaction holds a and the other holds b; the store locks a's tuple and waits for the third;
     * the other asks for a and queues behind the store; the third commits; the store takes a and
     * asks for b, held by the other, which waits for the store. The last wait of the cycle is the
     * store's, so its deadlock check (default 1 s) finds the cycle; the other's (10 min) never runs.
     * Every step waits for the server to show the previous one.
     */
    private Deadlock deadlock(TokenStore store, List<StoredSession> batch, Connection third, Connection other)
            throws Exception {
        try (Statement st = other.createStatement()) {
            st.execute("SET deadlock_timeout = '10min'");
        }
        lockRow(third, batch.get(0).sessionId());
        lockRow(other, batch.get(1).sessionId());
        Future<?> bulk = threads.submit(() -> ((BulkSessionStore) store).bulkStoreSessions(batch));
        awaitServer("the store waits for the third transaction's row a", storeWaitsFor(pid(third)));
        int otherPid = pid(other);
        Future<?> otherTakesA = threads.submit(() -> {
            lockRow(other, batch.get(0).sessionId());
            other.commit();
            return null;
        });
        awaitServer("the other transaction queues for row a", waitsForALock(otherPid));
        third.commit();
        return new Deadlock(bulk, otherTakesA);
    }

    @Test
    void aDeadlockIsRetriedAndTheBulkWriteSucceeds() throws Exception {
        CountingDataSource ds = dataSource(null);
        TokenStore store = store(ds, 3);
        StoredSession a = data.session("ada");
        StoredSession b = data.session("bob");
        store.storeSession(a);
        store.storeSession(b);
        List<StoredSession> batch = List.of(data.rotated(a), data.rotated(b));
        try (Connection third = transaction(); Connection other = transaction()) {
            int before = ds.borrowed();
            Deadlock deadlock = deadlock(store, batch, third, other);
            deadlock.other().get(60, TimeUnit.SECONDS); // it got row a once the store's attempt was rolled back
            deadlock.store().get(60, TimeUnit.SECONDS);
            assertEquals(2, ds.borrowed() - before, "the attempt chosen as the deadlock victim and the retry");
        }
        assertEquals(Optional.of(batch.get(0)), store.loadSessionById(a.sessionId()));
        assertEquals(Optional.of(batch.get(1)), store.loadSessionById(b.sessionId()));
    }

    @Test
    void aDeadlockWithNoRetriesLeftSurfacesWith40P01AsTheCauseAndWritesNothing() throws Exception {
        CountingDataSource ds = dataSource(null);
        TokenStore store = store(ds, 0);
        StoredSession a = data.session("ada");
        StoredSession b = data.session("bob");
        store.storeSession(a);
        store.storeSession(b);
        List<StoredSession> batch = List.of(data.rotated(a), data.rotated(b));
        try (Connection third = transaction(); Connection other = transaction()) {
            Deadlock deadlock = deadlock(store, batch, third, other);
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> deadlock.store().get(60, TimeUnit.SECONDS));
            TokenStoreException e = (TokenStoreException) failed.getCause();
            SQLException cause = sqlCause(e);
            assertEquals("40P01", cause.getSQLState(), cause.getMessage());
            assertTrue(new PostgresDialect(null).isRetryable(cause));
            deadlock.other().get(60, TimeUnit.SECONDS);
        }
        assertEquals(Optional.of(a), store.loadSessionById(a.sessionId()), "nothing of the failed batch was written");
        assertEquals(Optional.of(b), store.loadSessionById(b.sessionId()));
    }
}
