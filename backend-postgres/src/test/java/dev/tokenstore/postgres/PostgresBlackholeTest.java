package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tokenstore.Availability;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A database that stops answering without refusing (a network partition that drops packets): a
 * local TCP proxy in front of the embedded server stops forwarding. With the default timeouts the
 * first failure must come within the documented bounds — a call waiting for a reply within
 * {@code postgres.socketTimeoutSeconds} (10 s), a call needing a new connection within
 * {@code postgres.connectTimeoutSeconds} (3 s) — and once the breaker is open calls fail at once.
 */
class PostgresBlackholeTest {
    /** Slack on top of each documented bound for a loaded machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Duration REPLY_BOUND = Duration.ofSeconds(PostgresSettings.DEFAULT_SOCKET_TIMEOUT_SECONDS);
    private static final Duration CONNECT_BOUND = Duration.ofSeconds(PostgresSettings.DEFAULT_CONNECT_TIMEOUT_SECONDS);
    /** A third of the connect timeout: any call that tried the database would take at least that. */
    private static final Duration FAIL_FAST_BOUND = CONNECT_BOUND.dividedBy(3);

    private final TestClock clock = new TestClock();
    private final TestRecords data = new TestRecords(clock);

    @Test
    void aBlackholedServerIsDetectedWithinTheDocumentedBoundsAndThenFailsFast() throws Exception {
        assumeFalse(PostgresTestServer.usesExternalServer(), PostgresTestServer.EXTERNAL_NO_RESTART);
        PostgresTestServer server = PostgresTestServer.shared();
        try (TestSchema schema = server.createSchema(); BlackholeProxy proxy = new BlackholeProxy(server.port())) {
            TokenStoreOptions options = schema.configure(TokenStoreOptions.builder()).clock(clock)
                    .encryptionKey(PostgresFixture.KEY).poolSize(2)
                    .url("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres").build();
            try (TokenStore store = TokenStores.open(options)) {
                DatabaseHealth health = (DatabaseHealth) store;
                StoredSession s = data.session("ada");
                store.storeSession(s);
                assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));

                proxy.blackhole();
                // The pooled connection was used a moment ago, so the pool hands it out unchecked and
                // the query waits for a reply that never comes: the socket timeout ends it.
                failsWithin(() -> store.loadSessionById(s.sessionId()), REPLY_BOUND.plus(SLACK));
                // Later calls need a new connection, which never completes its handshake.
                while (health.availability().state() == Availability.State.CLOSED) {
                    failsWithin(() -> store.loadSessionById(s.sessionId()), CONNECT_BOUND.plus(SLACK));
                }
                assertEquals(Availability.State.OPEN, health.availability().state());
                assertTrue(health.availability().lastFailure() != null);
                // Open: calls are refused without touching the database. What proves it is the message
                // ("not attempted"); the time bound only shows no call waits for a connect timeout, and is
                // kept far from the few milliseconds it takes so a loaded CI machine cannot fail it.
                for (int i = 0; i < 50; i++) {
                    DatabaseUnavailableException refused = failsWithin(() -> store.storeSession(data.session("bob")),
                            FAIL_FAST_BOUND);
                    assertTrue(refused.getMessage().contains("not attempted"), refused.getMessage());
                }

                proxy.restore();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                Optional<StoredSession> found = null;
                while (found == null) {
                    try {
                        found = store.loadSessionById(s.sessionId());
                    } catch (DatabaseUnavailableException e) {
                        assertTrue(System.nanoTime() < deadline, "not recovered within 60 s: " + e);
                        Availability a = health.availability();
                        if (a.state() == Availability.State.OPEN) {
                            clock.set(a.lastFailureAt().plusSeconds(5)); // past the cool-down: the next call probes
                        }
                    }
                }
                assertEquals(Optional.of(s), found);
                assertEquals(Availability.State.CLOSED, health.availability().state());
            }
        }
    }

    private static DatabaseUnavailableException failsWithin(Executable call, Duration bound) {
        long start = System.nanoTime();
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(bound) <= 0, "failed only after " + took.toMillis() + " ms, bound " + bound.toMillis()
                + " ms: " + e.getMessage());
        assertTrue(e.getMessage().contains("postgres"), e.getMessage());
        return e;
    }
}
