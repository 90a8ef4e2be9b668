package dev.tokenstore.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.testing.CountingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real H2 lock timeout between two connections: a plain JDBC transaction holds a session's row
 * ({@code SELECT … FOR UPDATE}) while the store writes that session. The store's attempt waits
 * out H2's {@code LOCK_TIMEOUT} and fails with error 50200; the store retries it (as
 * {@code jdbc.maxRetries} says) and succeeds once the row is free, or, when the lock outlasts
 * every retry, surfaces a {@link TokenStoreException} with H2's exception as the cause and writes
 * nothing. Attempts are counted by the connections the store borrows.
 */
class H2LockConflictTest extends H2Fixture {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private JdbcConnectionPool pool;

    @AfterEach
    void stopThreadsAndPool() {
        threads.shutdownNow();
        if (pool != null) {
            pool.dispose();
        }
    }

    private CountingDataSource dataSource() {
        pool = JdbcConnectionPool.create(url() + ";LOCK_TIMEOUT=200", "", "");
        return new CountingDataSource(pool);
    }

    /** Opens a transaction on its own connection that holds the row of {@code sessionId}. */
    private Connection holdRow(String sessionId) throws SQLException {
        Connection holder = jdbc();
        holder.setAutoCommit(false);
        try (PreparedStatement ps = holder.prepareStatement(
                "SELECT SESSION_HASH FROM TOKENSTORE_SESSIONS WHERE SESSION_HASH = ? FOR UPDATE")) {
            ps.setString(1, dev.tokenstore.TokenHash.sha256Hex(sessionId)); // rows are keyed by the id's hash (v3)
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the row to hold exists");
            }
        }
        return holder;
    }

    @Test
    void aLockTimeoutIsRetriedAndTheWriteSucceedsOnceTheRowIsFree() throws Exception {
        CountingDataSource ds = dataSource();
        TokenStore store = open(b -> b.url(null).dataSource(ds).property("jdbc.maxRetries", "1000"));
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        try (Connection holder = holdRow(s.sessionId())) {
            int before = ds.borrowed();
            Future<?> write = threads.submit(() -> store.storeSession(rotated));
            ds.awaitBorrowed(before + 2, 60); // the first attempt timed out on the lock; a retry has started
            assertFalse(write.isDone(), "the write waits while the row is held");
            holder.commit();
            write.get(60, TimeUnit.SECONDS);
            assertTrue(ds.borrowed() - before >= 2, "attempts: " + (ds.borrowed() - before));
        }
        assertEquals(Optional.of(rotated), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(rotated), store.loadSessionByAccessToken(rotated.accessToken()));
    }

    @Test
    void aLockThatOutlastsTheRetriesSurfacesAsTokenStoreExceptionWithH2sLockTimeout() throws Exception {
        CountingDataSource ds = dataSource();
        TokenStore store = open(b -> b.url(null).dataSource(ds).property("jdbc.maxRetries", "2"));
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        try (Connection holder = holdRow(s.sessionId())) {
            int before = ds.borrowed();
            TokenStoreException e = assertThrows(TokenStoreException.class, () -> store.storeSession(rotated));
            assertEquals(3, ds.borrowed() - before, "one attempt and two retries");
            SQLException cause = sqlCause(e);
            assertEquals(50200, cause.getErrorCode(), "H2's LOCK_TIMEOUT_1: " + cause.getMessage());
            assertTrue(new H2Dialect().isRetryable(cause));
            assertFalse(e.getMessage().contains(rotated.accessToken()), "no token in the message");
            holder.rollback();
        }
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()), "nothing of the failed write is there");
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        throw new AssertionError("no SQLException in the cause chain of " + e, e);
    }
}
