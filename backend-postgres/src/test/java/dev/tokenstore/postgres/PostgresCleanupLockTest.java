package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.CleanupRun;
import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.TokenStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two store instances over one schema: at most one cleans at a time (advisory lock), in bounded chunks. */
class PostgresCleanupLockTest extends PostgresFixture {

    @Test
    void whileOneInstanceCleansTheOtherSkipsAndAfterwardsItMayClean() throws Exception {
        TokenStore a = open(o -> o.property("jdbc.cleanupChunkSize", "10"));
        TokenStore b = open(o -> o.poolSize(2));
        for (int i = 0; i < 25; i++) {
            a.storeState(data.state(Duration.ofSeconds(5)));
        }
        a.storeState(data.state(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));

        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Optional<CleanupResult>> first = CompletableFuture.supplyAsync(() ->
                ((CleanupCoordination) a).cleanupIfNoOtherInstanceIs(() -> {
                    holding.countDown();
                    await(release);
                    return a.cleanupExpired();
                }));
        assertTrue(holding.await(30, TimeUnit.SECONDS));

        assertEquals(Optional.empty(), ((CleanupCoordination) b).cleanupIfNoOtherInstanceIs(b::cleanupExpired),
                "the other instance is cleaning");
        CleanupScheduler scheduler = CleanupScheduler.builder(b).clock(clock).initialDelay(Duration.ofDays(1)).start();
        try {
            assertTrue(scheduler.coordinated());
            assertEquals(CleanupRun.Outcome.SKIPPED, scheduler.runNow().outcome());

            release.countDown();
            assertEquals(Optional.of(new CleanupResult(25, 0, 0)), first.get(30, TimeUnit.SECONDS),
                    "chunks of 10 remove every expired state");
            assertEquals(1, count("tokenstore_states"), "the live state stays");

            CleanupRun after = scheduler.runNow();
            assertEquals(CleanupRun.Outcome.CLEANED, after.outcome(), "the lock was released");
            assertEquals(CleanupResult.NONE, after.result());
        } finally {
            release.countDown();
            scheduler.close();
        }
    }

    @Test
    void aFailingCleanupReleasesTheLock() {
        TokenStore a = open();
        TokenStore b = open();
        CleanupCoordination coordinated = (CleanupCoordination) a;
        try {
            coordinated.cleanupIfNoOtherInstanceIs(() -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the cleanup's own failure comes back unchanged
        }
        assertEquals(Optional.of(CleanupResult.NONE), ((CleanupCoordination) b).cleanupIfNoOtherInstanceIs(b::cleanupExpired));
    }

    @Test
    void withAPoolOfOneTheCleanupRunsOnTheConnectionThatHoldsTheLock() throws Exception {
        TokenStore a = open(o -> o.poolSize(1).property("jdbc.cleanupChunkSize", "10"));
        for (int i = 0; i < 25; i++) {
            a.storeState(data.state(Duration.ofSeconds(5)));
        }
        clock.advance(Duration.ofMinutes(1));
        Optional<CleanupResult> result = ((CleanupCoordination) a).cleanupIfNoOtherInstanceIs(() -> {
            assertEquals(Optional.empty(), a.loadSessionById("none"), "a read during the cleanup gets a connection");
            return a.cleanupExpired();
        });
        assertEquals(Optional.of(new CleanupResult(25, 0, 0)), result, "three chunks on the only connection");
        assertEquals(0, advisoryLocksHeld(), "the lock is released");
        assertEquals(Optional.of(CleanupResult.NONE), ((CleanupCoordination) a).cleanupIfNoOtherInstanceIs(a::cleanupExpired));
    }

    @Test
    void aConnectionWhoseUnlockFailedIsNotReturnedHoldingTheLock() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setSchema(schema.name());
        config.setMaximumPoolSize(2);
        config.setPoolName("unlock-fails");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            DataSource failingUnlock = unlockFails(pool);
            TokenStore a = open(o -> o.property("postgres.schema", null).url(null).dataSource(failingUnlock));
            TokenStore b = open();
            a.storeState(data.state(Duration.ofSeconds(5)));
            clock.advance(Duration.ofMinutes(1));
            assertEquals(Optional.of(new CleanupResult(1, 0, 0)),
                    ((CleanupCoordination) a).cleanupIfNoOtherInstanceIs(a::cleanupExpired),
                    "the cleanup ran; only the unlock failed");
            assertEquals(0, advisoryLocksHeld(), "the connection holding the lock was discarded, not pooled");
            assertEquals(Optional.of(CleanupResult.NONE), ((CleanupCoordination) b).cleanupIfNoOtherInstanceIs(b::cleanupExpired),
                    "another instance may clean");
            a.storeState(data.state(Duration.ofMinutes(5)));
            assertEquals(1, count("tokenstore_states"), "the pool still serves the store");
        }
    }

    /** Advisory locks held by any session of the server. */
    private long advisoryLocksHeld() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code pool}, whose connections fail to run {@code pg_advisory_unlock} (without a word to the server). */
    private static DataSource unlockFails(HikariDataSource pool) {
        ClassLoader loader = PostgresCleanupLockTest.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (p, m, args) -> {
            Object result = invoke(m, pool, args);
            if (!m.getName().equals("getConnection")) {
                return result;
            }
            Connection real = (Connection) result;
            return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (cp, cm, cargs) -> {
                if (cm.getName().equals("prepareStatement") && String.valueOf(cargs[0]).contains("pg_advisory_unlock")) {
                    throw new SQLException("injected: the unlock did not run", "XX000");
                }
                return invoke(cm, real, cargs);
            });
        });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
