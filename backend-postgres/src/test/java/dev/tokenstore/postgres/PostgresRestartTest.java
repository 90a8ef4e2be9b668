package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tokenstore.AuthCodeRecord;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The server goes away and comes back, for real: a dedicated embedded PostgreSQL is stopped
 * and started again on the same port and data directory while a store is open on it.
 */
class PostgresRestartTest {
    private static final byte[] KEY = PostgresFixture.KEY;
    /** Far above the 1 s connect timeout set below; only there so a hang fails the test. */
    private static final Duration FAIL_FAST_BOUND = Duration.ofSeconds(10);
    /** HikariCP's reconnect back-off (at most 5 s) plus slack for a loaded machine. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);

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
                // failing, so the store is back within that bound; calls in between fail fast.
                long back = System.nanoTime();
                int failedAfterRestart = 0;
                Optional<StoredSession> found = null;
                while (found == null) {
                    try {
                        found = store.loadSessionById(before.sessionId());
                    } catch (TokenStoreException e) {
                        failedAfterRestart++;
                        assertTrue(Duration.ofNanos(System.nanoTime() - back).compareTo(RECOVERY_BOUND) < 0,
                                "not recovered " + RECOVERY_BOUND + " after the restart: " + e);
                    }
                }
                System.out.println("recovered " + Duration.ofNanos(System.nanoTime() - back).toMillis()
                        + " ms after the restart, after " + failedAfterRestart + " failed calls");
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
        long start = System.nanoTime();
        TokenStoreException e = assertThrows(TokenStoreException.class, call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(FAIL_FAST_BOUND) < 0, "failed only after " + took);
        System.out.println("call with the server down failed after " + took.toMillis() + " ms: " + e.getMessage());
        assertTrue(e.getCause() != null, "the cause is kept");
        assertTrue(e.getMessage().contains("postgres"), e.getMessage());
    }
}
