package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The server goes away and comes back, for real: a dedicated embedded PostgreSQL is stopped
 * and started again on the same port and data directory while a store is open on it. Nothing
 * here is timed: calls while the server is down must fail with a clean {@link TokenStoreException}
 * (with the 1 s connect timeout, not hang; the test's {@link Timeout} only turns a hang into a
 * failure), and once it is back the store must recover by itself within a bounded number of calls.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresRestartTest {
    private static final byte[] KEY = PostgresFixture.KEY;
    /**
     * Calls that may still fail after the restart while HikariCP's back-off (at most 5 s) runs out;
     * each failed call waits up to the 1 s connect timeout, so this is far more than it needs.
     */
    private static final int MAX_FAILED_CALLS_AFTER_RESTART = 100;
    /** A little more than the breaker's default {@code jdbc.breaker.openMillis} (2 s). */
    private static final Duration BREAKER_COOL_DOWN = Duration.ofMillis(2_100);

    private final TestClock clock = new TestClock();
    private final TestRecords data = new TestRecords(clock);

    @Test
    void callsFailCleanlyWhileTheServerIsDownAndTheStoreRecoversWhenItIsBack() {
        assumeFalse(PostgresTestServer.usesExternalServer(), PostgresTestServer.EXTERNAL_NO_RESTART);
        try (PostgresTestServer server = PostgresTestServer.startEmbedded(Map.of());
                TestSchema schema = server.createSchema()) {
            int port = server.port();
            TokenStoreOptions options = schema.configure(TokenStoreOptions.builder()).clock(clock).encryptionKey(KEY)
                    .poolSize(4).property("postgres.connectTimeoutSeconds", "1").build();
            try (TokenStore store = TokenStores.open(options)) {
                StoredSession before = data.session("ada");
                AuthCodeRecord code = data.code(Duration.ofMinutes(5));
                store.storeSession(before);
                store.storeAuthCode(code);
                assertEquals(Optional.of(before), store.loadSessionById(before.sessionId()));

                server.stop();
                failsFast(() -> store.loadSessionById(before.sessionId()));
                failsFast(() -> store.storeSession(data.session("bob")));
                failsFast(() -> store.consumeAuthCode(code.code()));

                server.start();
                assertEquals(port, server.port(), "same port");
                // HikariCP reconnects with a back-off that grows to at most 5 s while callers keep
                // failing (each failing clean), so the store comes back by itself after a few calls.
                int failedAfterRestart = 0;
                Optional<StoredSession> found = null;
                while (found == null) {
                    try {
                        found = store.loadSessionById(before.sessionId());
                    } catch (TokenStoreException e) {
                        failedAfterRestart++;
                        assertTrue(e.getCause() != null, "the cause is kept");
                        if (e instanceof DatabaseUnavailableException) {
                            // the failures opened the circuit breaker, whose cool-down runs on the
                            // options' clock: let it pass, as real time would, so a probe goes through
                            clock.advance(BREAKER_COOL_DOWN);
                        }
                        assertTrue(failedAfterRestart < MAX_FAILED_CALLS_AFTER_RESTART,
                                "not recovered after " + failedAfterRestart + " calls since the restart: " + e);
                    }
                }
                assertEquals(Optional.of(before), found, "the data written before the restart is there");
                StoredSession after = data.session("bob");
                store.storeSession(after);
                assertEquals(Optional.of(after), store.loadSessionByAccessToken(after.accessToken()));
                assertEquals(Optional.of(code), store.consumeAuthCode(code.code()), "the failed consume took nothing");
                assertEquals(Optional.empty(), store.consumeAuthCode(code.code()));
            }
        }
    }

    private static void failsFast(Executable call) {
        TokenStoreException e = assertThrows(TokenStoreException.class, call);
        assertTrue(e.getCause() != null, "the cause is kept");
        assertTrue(e.getMessage().contains("postgres"), e.getMessage());
    }
}
