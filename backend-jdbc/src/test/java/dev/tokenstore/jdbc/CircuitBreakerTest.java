package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.Availability;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The engine's circuit breaker on a real SQLite database, behind a connection source that can be
 * switched off: while off, asking it for a connection fails the way a pool does when the server
 * refuses connections (SQLState 08001, cause {@link ConnectException}). Cool-downs are judged by the
 * store's clock, which the test moves.
 */
@DisplayName("circuit breaker in front of the database")
class CircuitBreakerTest {
    private static final byte[] KEY = "breaker-test-key-of-exactly-32b!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock();
    private final TestRecords data = new TestRecords(clock);
    private final List<JdbcTokenStore> opened = new ArrayList<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger leases = new AtomicInteger();

    @AfterEach
    void closeAll() {
        opened.forEach(JdbcTokenStore::close);
    }

    /** A connection source over SQLite that refuses connections while {@link #down} is set. */
    private ConnectionSource switchable() {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("breaker.db"));
        ConnectionSource real = new DataSourceConnectionSource(ds, "breaker test db", null);
        return new ConnectionSource() {
            @Override
            public Lease read() throws SQLException {
                return lease(true);
            }

            @Override
            public Lease write() throws SQLException {
                return lease(false);
            }

            private Lease lease(boolean read) throws SQLException {
                leases.incrementAndGet();
                if (down.get()) {
                    throw new SQLTransientConnectionException("pool - Connection is not available", "08001",
                            new ConnectException("Connection refused"));
                }
                return read ? real.read() : real.write();
            }

            @Override
            public String description() {
                return real.description();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    private JdbcTokenStore open(UnaryOperator<TokenStoreOptions.Builder> adjust) {
        TokenStoreOptions options = adjust.apply(TokenStoreOptions.builder().url("jdbc:sqlite:breaker")
                .clock(clock).encryptionKey(KEY)).build();
        JdbcTokenStore store = JdbcTokenStore.builder(options, new EngineTestSupport.StandardDialect(),
                switchable()).build();
        opened.add(store);
        return store;
    }

    @Test
    @DisplayName("connection failures surface as unavailable and open the breaker; then calls fail without a connection")
    void opensAndFailsFast() {
        JdbcTokenStore store = open(b -> b);
        StoredSession s = data.session("ada");
        store.storeSession(s);
        assertEquals(Availability.State.CLOSED, store.availability().state());
        assertNull(store.availability().unavailableSince());

        down.set(true);
        java.time.Instant outage = clock.instant();
        int failures = 0;
        while (store.availability().state() == Availability.State.CLOSED) {
            assertTrue(++failures <= BreakerSettings.DEFAULT_WINDOW_CALLS, "not open after " + failures + " failures");
            int before = leases.get();
            DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                    () -> store.loadSessionById(s.sessionId()));
            assertTrue(leases.get() > before, "attempted");
            assertEquals(outage, e.since());
            assertTrue(e.getCause() instanceof SQLException, "the SQLException is kept: " + e.getCause());
            assertTrue(e.getMessage().contains("loadSessionById"), e.getMessage());
            clock.advance(Duration.ofMillis(100));
        }
        Availability open = store.availability();
        assertEquals(Availability.State.OPEN, open.state());
        assertEquals(outage, open.unavailableSince());
        assertEquals(ConnectException.class.getName(), open.lastFailure());
        assertTrue(open.failingFast());

        int before = leases.get();
        for (int i = 0; i < 100; i++) {
            DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                    () -> store.storeSession(data.session("bob")));
            assertEquals(outage, e.since());
            assertTrue(e.getMessage().contains("not attempted") && e.getMessage().contains("since " + outage),
                    e.getMessage());
        }
        assertEquals(before, leases.get(), "no connection asked for while open");
    }

    @Test
    @DisplayName("after the cool-down one probe goes through: success closes, failure re-opens")
    void halfOpenProbe() {
        JdbcTokenStore store = open(b -> b.property("jdbc.breaker.openMillis", "1000"));
        StoredSession s = data.session("ada");
        store.storeSession(s);
        down.set(true);
        tripOpen(store, s);

        clock.advance(Duration.ofMillis(999));
        int before = leases.get();
        assertThrows(DatabaseUnavailableException.class, () -> store.loadSessionById(s.sessionId()));
        assertEquals(before, leases.get(), "still cooling down");

        clock.advance(Duration.ofMillis(2));
        assertThrows(DatabaseUnavailableException.class, () -> store.loadSessionById(s.sessionId()));
        assertEquals(before + 1, leases.get(), "one probe");
        assertEquals(Availability.State.OPEN, store.availability().state(), "the failed probe re-opens it");

        clock.advance(Duration.ofMillis(1001));
        down.set(false);
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()), "the probe reaches the database");
        Availability closed = store.availability();
        assertEquals(Availability.State.CLOSED, closed.state());
        assertNull(closed.unavailableSince());
        assertEquals(ConnectException.class.getName(), closed.lastFailure(), "the last failure is still reported");
        StoredSession after = data.session("bob");
        store.storeSession(after);
        assertEquals(Optional.of(after), store.loadSessionByAccessToken(after.accessToken()));
    }

    @Test
    @DisplayName("skipping successes the full window already holds changes no decision: the same states as a breaker told every outcome")
    void sameDecisionsAsABreakerToldEveryOutcome() {
        TokenStoreOptions options = TokenStoreOptions.builder().url("jdbc:sqlite:breaker").clock(clock)
                .encryptionKey(KEY).property("jdbc.breaker.windowCalls", "8").property("jdbc.breaker.minimumCalls", "4")
                .property("jdbc.breaker.openMillis", "1000").build();
        JdbcTokenStore store = open(b -> b.property("jdbc.breaker.windowCalls", "8")
                .property("jdbc.breaker.minimumCalls", "4").property("jdbc.breaker.openMillis", "1000"));
        CircuitBreaker reference = CircuitGuard.breaker(BreakerSettings.from(options), "reference", clock);
        StoredSession s = data.session("ada");
        store.storeSession(s);
        reference.onSuccess(0, TimeUnit.NANOSECONDS);
        Random random = new Random(20261202);
        int opened = 0;
        for (int i = 0; i < 4_000; i++) {
            // long healthy stretches (the window fills with successes and they stop being recorded)
            // alternate with flaky ones that open it, so every transition is crossed many times
            double failureChance = (i / 200) % 2 == 0 ? 0.02 : 0.45;
            boolean fail = random.nextDouble() < failureChance;
            down.set(fail);
            boolean permitted = reference.tryAcquirePermission();
            int before = leases.get();
            if (!permitted) {
                DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                        () -> store.loadSessionById(s.sessionId()), "call " + i);
                assertTrue(e.getMessage().contains("not attempted"), "call " + i + ": " + e.getMessage());
            } else if (fail) {
                assertThrows(DatabaseUnavailableException.class, () -> store.loadSessionById(s.sessionId()),
                        "call " + i);
                reference.onError(0, TimeUnit.NANOSECONDS, new SQLException("refused", "08001"));
            } else {
                assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()), "call " + i);
                reference.onSuccess(0, TimeUnit.NANOSECONDS);
            }
            assertEquals(permitted ? before + 1 : before, leases.get(), "call " + i + " attempted iff permitted");
            assertEquals(stateOf(reference), store.availability().state(), "state after call " + i);
            if (reference.getState() == CircuitBreaker.State.OPEN) {
                opened++;
                if (random.nextInt(4) == 0) {
                    clock.advance(Duration.ofMillis(1001)); // past the cool-down: the next call probes
                }
            }
        }
        assertTrue(opened > 50, "the breaker was open after only " + opened + " calls");
    }

    private static Availability.State stateOf(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case OPEN -> Availability.State.OPEN;
            case HALF_OPEN -> Availability.State.HALF_OPEN;
            default -> Availability.State.CLOSED;
        };
    }

    @Test
    @DisplayName("bad input, constraint violations and data errors never open it")
    void dataErrorsDoNotCount() {
        JdbcTokenStore store = open(b -> b.property("jdbc.breaker.minimumCalls", "1")
                .property("jdbc.breaker.windowCalls", "1"));
        StoredSession a = data.session("ada");
        store.storeSession(a);
        StoredSession clash = TestRecords.withTokens(data.session("bob"), a.accessToken(), null);
        for (int i = 0; i < 20; i++) {
            assertThrows(IllegalArgumentException.class, () -> store.storeSession(clash));
            assertThrows(IllegalArgumentException.class, () -> store.loadSessionById(" "));
            assertThrows(IllegalArgumentException.class, () -> store.consumeState(null));
        }
        assertEquals(Availability.State.CLOSED, store.availability().state());
        assertNull(store.availability().lastFailure());
        assertEquals(Optional.of(a), store.loadSessionById(a.sessionId()));
    }

    @Test
    @DisplayName("a data error answered by the database ends an outage's failure streak")
    void answeredCallsCountAsSuccess() {
        JdbcTokenStore store = open(b -> b.property("jdbc.breaker.minimumCalls", "10"));
        StoredSession a = data.session("ada");
        store.storeSession(a);
        down.set(true);
        for (int i = 0; i < BreakerSettings.DEFAULT_MINIMUM_CALLS - 1; i++) {
            assertThrows(DatabaseUnavailableException.class, () -> store.loadSessionById(a.sessionId()));
        }
        down.set(false);
        StoredSession clash = TestRecords.withTokens(data.session("bob"), a.accessToken(), null);
        for (int i = 0; i < 10; i++) {
            assertThrows(IllegalArgumentException.class, () -> store.storeSession(clash));
        }
        assertEquals(Availability.State.CLOSED, store.availability().state());
        assertNull(store.availability().unavailableSince());
    }

    @Test
    @DisplayName("disabled: failures are still reported as unavailable, but every call is attempted")
    void disabled() {
        JdbcTokenStore store = open(b -> b.property("jdbc.breaker.enabled", "false"));
        StoredSession a = data.session("ada");
        store.storeSession(a);
        down.set(true);
        for (int i = 0; i < 20; i++) {
            int before = leases.get();
            assertThrows(DatabaseUnavailableException.class, () -> store.loadSessionById(a.sessionId()));
            assertTrue(leases.get() > before);
        }
        assertEquals(Availability.State.CLOSED, store.availability().state());
        assertNotNull(store.availability().unavailableSince());
        down.set(false);
        assertEquals(Optional.of(a), store.loadSessionById(a.sessionId()));
        assertNull(store.availability().unavailableSince());
    }

    @Test
    @DisplayName("closing wins over an open breaker")
    void closedStore() {
        JdbcTokenStore store = open(b -> b);
        StoredSession a = data.session("ada");
        store.storeSession(a);
        down.set(true);
        tripOpen(store, a);
        store.close();
        assertThrows(IllegalStateException.class, () -> store.loadSessionById(a.sessionId()));
    }

    @Test
    @DisplayName("invalid jdbc.breaker.* properties are refused, naming the property")
    void invalidProperties() {
        assertInvalid("jdbc.breaker.enabled", "yes");
        assertInvalid("jdbc.breaker.minimumCalls", "0");
        assertInvalid("jdbc.breaker.failureRatePercent", "101");
        assertInvalid("jdbc.breaker.windowCalls", "0");
        assertInvalid("jdbc.breaker.openMillis", "0");
        assertInvalid("jdbc.breaker.openMillis", "soon");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(
                b -> b.property("jdbc.breaker.minimumCalls", "20").property("jdbc.breaker.windowCalls", "10")));
        assertTrue(e.getMessage().contains("jdbc.breaker.minimumCalls"), e.getMessage());
    }

    @Test
    @DisplayName("connection-level failures are told from data errors")
    void classification() {
        SqlDialect dialect = new EngineTestSupport.StandardDialect();
        assertTrue(dialect.isUnavailable(new SQLException("refused", "08001")));
        assertTrue(dialect.isUnavailable(new SQLException("io", "XX000", new java.net.SocketTimeoutException())));
        assertTrue(dialect.isUnavailable(new SQLTransientConnectionException("pool timeout")));
        assertTrue(dialect.isUnavailable(new SQLNonTransientConnectionException("gone")));
        SQLException batch = new SQLException("batch failed", "XX000");
        batch.setNextException(new SQLException("reset", "08006"));
        assertTrue(dialect.isUnavailable(batch));
        assertTrue(!dialect.isUnavailable(new SQLException("duplicate key", "23505")));
        assertTrue(!dialect.isUnavailable(new SQLException("bad value", "22001")));
        assertTrue(!dialect.isUnavailable(new SQLException("deadlock", "40P01")));
        assertTrue(!dialect.isUnavailable(new SQLException("no state")));
    }

    private void assertInvalid(String property, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(b -> b.property(property, value)));
        assertTrue(e.getMessage().contains(property), e.getMessage());
    }

    private void tripOpen(JdbcTokenStore store, StoredSession s) {
        for (int i = 0; i < 50 && store.availability().state() != Availability.State.OPEN; i++) {
            TokenStoreException e = assertThrows(TokenStoreException.class, () -> store.loadSessionById(s.sessionId()));
            assertTrue(e instanceof DatabaseUnavailableException, e.toString());
        }
        assertEquals(Availability.State.OPEN, store.availability().state());
    }
}
