package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.tck.Eventually;
import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.MutableClock;
import dev.tokenstore.tck.StoreKit;
import dev.tokenstore.tck.TestData;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarted under two cached instances A and B. While the server is down B's change
 * listener is disconnected, and a revocation A makes as soon as the server is back may commit
 * before B listens again, so its notification is lost: B must still never serve the revoked
 * session afterwards (it reads through while its feed is behind, and resets when it reconnects).
 */
@DisplayName("postgres: the change feed across a server restart")
class PostgresFeedRestartTest {
    private static final Duration MAX_STALENESS = Duration.ofMillis(500);

    @Test
    @DisplayName("after a restart, neither instance serves a session revoked while B was not listening")
    void restart() {
        JdbcTestStorage storage = PostgresTckTest.restartable();
        try {
            assumeTrue(storage.canStopDatabase(), "TOKENSTORE_POSTGRES_URL is set: an external server is never stopped");
            MutableClock clock = MutableClock.startingNow();
            TestData data = new TestData(clock);
            TokenStoreOptions options = TokenStoreOptions.builder().clock(clock).encryptionKey(StoreKit.TEST_KEY)
                    .build();
            try (TokenStore rawA = storage.open(options); TokenStore rawB = storage.open(options);
                 CachingTokenStore a = CachingTokenStore.builder(rawA).clock(clock).maxStaleness(MAX_STALENESS).build();
                 CachingTokenStore b = CachingTokenStore.builder(rawB).clock(clock).maxStaleness(MAX_STALENESS)
                         .build()) {
                StoredSession revoked = data.session();
                StoredSession kept = data.session();
                a.storeSession(revoked);
                a.storeSession(kept);
                for (StoredSession s : new StoredSession[] {revoked, kept}) {
                    assertEquals(Optional.of(s), b.loadSessionByAccessToken(s.accessToken()));
                    assertEquals(Optional.of(s), b.loadSessionById(s.sessionId()));
                }

                storage.stopDatabase();
                Eventually.within(Eventually.FEED_DEADLINE, "B's feed falls behind while the server is down",
                        () -> b.changeFeedLag().orElseThrow().compareTo(MAX_STALENESS) > 0);
                assertThrows(TokenStoreException.class, () -> b.loadSessionByAccessToken(revoked.accessToken()),
                        "with its feed behind, B reads through to the stopped server instead of answering from memory");

                storage.startDatabase();
                AtomicBoolean deleted = new AtomicBoolean();
                Eventually.within(Duration.ofSeconds(60), "A revokes the session once the server answers", () -> {
                    try {
                        deleted.set(a.deleteSessionById(revoked.sessionId()));
                        return true;
                    } catch (TokenStoreException stillDown) {
                        return false;
                    }
                });
                assertTrue(deleted.get(), "the session existed");
                assertEquals(Optional.empty(), b.loadSessionByAccessToken(revoked.accessToken()),
                        "B never serves the revoked session after A's revocation returns");
                assertEquals(Optional.empty(), b.loadSessionById(revoked.sessionId()));
                assertEquals(Optional.empty(), a.loadSessionByAccessToken(revoked.accessToken()));
                Eventually.within(Eventually.FEED_DEADLINE, "B listens again and is caught up",
                        () -> b.changeFeedLag().orElseThrow().compareTo(MAX_STALENESS) < 0);
                assertEquals(Optional.of(kept), b.loadSessionByAccessToken(kept.accessToken()));
                assertEquals(Optional.empty(), b.loadSessionByAccessToken(revoked.accessToken()));
            }
        } finally {
            storage.close();
        }
    }
}
